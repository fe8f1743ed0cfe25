// Runs a scenario's twin (its Erlang or Elixir counterpart in ./twins) on the local BEAM and
// returns its twin report (SCENARIO-API.md).
//
// Owns: how a twin is started (`escript twins/x.escript Mode k=v…` — the escript's own `%%! +S 1`
// line gives one scheduler — or `elixir --erl "+S 1" twins/x.exs Mode k=v…`), as an asynchronous
// child process, and the one-line errors: runtime missing on PATH, twin not found, twin failed
// (its first line of stderr), output not JSON.
// Invariant: never throws anything but an Error with a one-line message.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { ORACLE_DIR } from "./oracle.mjs";

/** `script` is relative to tooling/beam-oracle (e.g. "twins/gen_server_work.escript"). */
export function twinCommand(script, mode, params = {}) {
  const file = path.isAbsolute(script) ? script : path.join(ORACLE_DIR, script);
  const args = [mode, ...Object.entries(params).map(([k, v]) => `${k}=${v === null ? "off" : String(v)}`)];
  if (file.endsWith(".exs")) return { cmd: "elixir", args: ["--erl", "+S 1", file, ...args], file };
  if (file.endsWith(".escript")) return { cmd: "escript", args: [file, ...args], file };
  throw new Error(`twin ${script}: not an .escript or .exs file`);
}

/**
 * Runs the twin and resolves to its report. `params` values: numbers, or null for "off";
 * booleans and strings are passed as they print.
 */
export function runTwin(script, mode, params = {}, { timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    let command;
    try {
      command = twinCommand(script, mode, params);
    } catch (e) {
      reject(e);
      return;
    }
    if (!existsSync(command.file)) {
      reject(new Error(`twin ${script} not found in ${ORACLE_DIR}`));
      return;
    }
    const child = spawn(command.cmd, command.args, { stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", (e) => {
      clearTimeout(timer);
      const runtime = command.cmd === "elixir" ? "`elixir` (Elixir 1.14 with Erlang/OTP 25)" : "`escript` (Erlang/OTP 25: apt-get install -y erlang-base)";
      reject(new Error(e.code === "ENOENT" ? `twin ${script}: ${runtime} is not on PATH` : `twin ${script}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const first = Buffer.concat(err).toString("utf8").split("\n").find((l) => l.trim() !== "") ?? "";
        reject(new Error(`twin ${script} ${mode} failed (${signal === null ? `exit ${code}` : signal === "SIGKILL" ? `killed after ${timeoutMs} ms` : signal})${first === "" ? "" : `: ${first.trim()}`}`));
        return;
      }
      const text = Buffer.concat(out).toString("utf8");
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error(`twin ${script} ${mode} printed no JSON report (first line: ${JSON.stringify(text.split("\n")[0]?.slice(0, 80) ?? "")})`));
      }
    });
  });
}
