// The package graph of the workspace, and the rules it must keep.
//
// Owns: the layer order of beamlab's packages and the check that every dependency points
// strictly downward:
//
//   telemetry (0) <- refc (1) <- heap (2) <- scheduler (3) <- otp (4) <- scenarios (5) <- apps (6)
//
// A dependency is anything a package's sources import (`@beamlab/x` specifiers, and relative paths
// that leave the package) plus what its package.json declares. Importing a package on the same
// or a higher layer is an error ("upward import"), and so is any cycle between packages (which
// the layer rule already excludes for known packages, but unknown ones are checked too).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Layer of each runtime package; apps sit on top. Tooling packages are outside the graph. */
export const LAYERS = {
  "@beamlab/telemetry": 0,
  "@beamlab/refc": 1,
  "@beamlab/heap": 2,
  "@beamlab/scheduler": 3,
  "@beamlab/otp": 4,
  "@beamlab/scenarios": 5,
};
const APP_LAYER = 6;
const SOURCE_DIRS = ["src", "test", "bench"];
const IMPORT_RE = /(?:^|[^\w$.])(?:import|export)\s*(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g;

function listFiles(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    for (const name of readdirSync(d)) {
      if (name === "node_modules" || name === "dist") continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (/\.(m|c)?[jt]sx?$/.test(name)) out.push(p);
    }
  }
  return out;
}

/** Workspace packages under packages/ and apps/ with their layer. */
export function readWorkspace(root) {
  const pkgs = [];
  for (const group of ["packages", "apps"]) {
    const base = path.join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const dir = path.join(base, name);
      const manifest = path.join(dir, "package.json");
      if (!existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, "utf8"));
      const layer = group === "apps" ? APP_LAYER : LAYERS[json.name];
      pkgs.push({ name: json.name, dir, layer, manifest: json });
    }
  }
  return pkgs;
}

/**
 * Every dependency edge of every workspace package: `{ from, to, where }` where `where` names the
 * file and line (or package.json field) that creates it.
 */
export function collectEdges(root) {
  const pkgs = readWorkspace(root);
  const byDir = pkgs.map((p) => [p.dir + path.sep, p]);
  const known = new Set(pkgs.map((p) => p.name));
  const edges = [];
  for (const pkg of pkgs) {
    for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
      for (const dep of Object.keys(pkg.manifest[field] ?? {})) {
        if (known.has(dep)) edges.push({ from: pkg.name, to: dep, where: `${path.relative(root, pkg.dir)}/package.json ${field}` });
      }
    }
    for (const sub of SOURCE_DIRS) {
      const dir = path.join(pkg.dir, sub);
      if (!existsSync(dir)) continue;
      for (const file of listFiles(dir)) {
        const lines = readFileSync(file, "utf8").split("\n");
        lines.forEach((line, i) => {
          for (const m of line.matchAll(IMPORT_RE)) {
            const spec = m[1] ?? m[2] ?? m[3];
            let target;
            if (spec.startsWith("@beamlab/")) {
              target = spec.split("/").slice(0, 2).join("/");
            } else if (spec.startsWith(".")) {
              const abs = path.resolve(path.dirname(file), spec);
              const hit = byDir.find(([d]) => abs.startsWith(d));
              target = hit && hit[1].name !== pkg.name ? hit[1].name : undefined;
            }
            if (target && target !== pkg.name && known.has(target)) {
              edges.push({ from: pkg.name, to: target, where: `${path.relative(root, file)}:${i + 1}` });
            }
          }
        });
      }
    }
  }
  return { pkgs, edges };
}

/** The problems in the graph: upward imports and cycles, each a readable sentence. */
export function checkGraph(root) {
  const { pkgs, edges } = collectEdges(root);
  const layer = new Map(pkgs.map((p) => [p.name, p.layer]));
  const problems = [];
  for (const p of pkgs) {
    if (p.layer === undefined) problems.push(`${p.name} (${path.relative(root, p.dir)}) has no layer: add it to LAYERS in tooling/workspace-scripts/graph.mjs`);
  }
  for (const e of edges) {
    const from = layer.get(e.from);
    const to = layer.get(e.to);
    if (from !== undefined && to !== undefined && to >= from) {
      problems.push(`upward import: ${e.from} (layer ${from}) depends on ${e.to} (layer ${to}) at ${e.where}`);
    }
  }
  // Cycles, by depth-first search over distinct edges (iterative).
  const adj = new Map();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, new Map());
    if (!adj.get(e.from).has(e.to)) adj.get(e.from).set(e.to, e.where);
  }
  const state = new Map(); // 1 = on stack, 2 = done
  for (const start of adj.keys()) {
    if (state.get(start)) continue;
    const stack = [[start, [...(adj.get(start)?.keys() ?? [])], 0]];
    const pathNames = [start];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, next, i] = top;
      if (i >= next.length) {
        state.set(node, 2);
        stack.pop();
        pathNames.pop();
        continue;
      }
      top[2] = i + 1;
      const n = next[i];
      if (state.get(n) === 1) {
        const cycle = [...pathNames.slice(pathNames.indexOf(n)), n];
        problems.push(`import cycle: ${cycle.join(" -> ")} (${adj.get(node).get(n)})`);
      } else if (!state.get(n)) {
        state.set(n, 1);
        pathNames.push(n);
        stack.push([n, [...(adj.get(n)?.keys() ?? [])], 0]);
      }
    }
  }
  return problems;
}
