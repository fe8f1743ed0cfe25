/**
 * The leak-lab command line: one commander program, one module per command.
 *
 *   list                       the built-in scenarios and their parameters
 *   run <scenario|file.ts>     one run: chart, summary, findings (--json, --report, --beam, --band, --memory-limit)
 *   compare <scenario>         leak next to fix
 *   diagnose <scenario|snap>   one run (or a real node's snapshot file), the findings explained
 *   dump <erl_crash.dump>      a real crash dump: recon's summary, then the findings
 *   term size|parse            single Erlang terms
 *   scenario list|run|compare|diagnose   the same commands under their old group name
 *
 * `run(argv, env)` never calls `process.exit` and never lets a stack trace out: it resolves to
 * the exit code (0 ok, 1 leak found under --expect-clean, 2 bad input, 3 the simulated node died
 * of --memory-limit, 4 the real BEAM's twin failed, 70 a bug in leak-lab), so tests drive it.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { compareCommand } from "./commands/compare.js";
import type { CliEnvironment } from "./commands/context.js";
import { listCommand } from "./commands/list.js";
import { MODES } from "./commands/prepare.js";
import { EXIT, runCommand } from "./commands/run.js";
import { diagnoseSnapshotCommand, isSnapshotArgument } from "./commands/diagnose-snapshot.js";
import { dumpCommand } from "./commands/dump.js";
import { diagnoseScenarioCommand } from "./commands/scenario-diagnose.js";
import { termInputs, termParse, termSize } from "./commands/term.js";
import { builtinIds } from "./lab/load-scenario.js";
import { oneLine, UsageError } from "./lab/usage-error.js";

export type { CliEnvironment } from "./commands/context.js";

/** The exit code of an error inside leak-lab itself (sysexits' EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

function integerAtLeast(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

function scenarioOptions(c: Command, withMode = true): Command {
  if (withMode) c.addOption(new Option("--mode <mode>", "leak (the bug) or fix (the same workload, fixed)").choices(MODES));
  return c
    .option("--set <name=value>", "set a scenario parameter (repeatable); see `leak-lab list`", collect, [])
    .option("--seed <n>", "seed of the simulated node (default 1)", integerAtLeast("--seed", 0, 0xffffffff))
    .option("--no-color", "no colour, even on a terminal (NO_COLOR is respected too)");
}

function addCommands(parent: Command, io: CliEnvironment, setCode: (c: number) => void): void {
  parent
    .command("list")
    .description("the built-in scenarios, their parameters and defaults")
    .option("--json", "one JSON document")
    .option("--no-color", "no colour")
    .action((opts: { json?: boolean; color?: boolean }) => { setCode(listCommand(opts, io)); });

  scenarioOptions(
    parent
      .command("run")
      .description("run a scenario on the simulated node: memory chart, summary, findings")
      .argument("<scenario>", "a built-in id (leak-lab list), ID.fixed, or a file ./my-scenario.ts that default-exports defineScenario({...})"),
  )
    .option("--json", "print exactly one JSON document (the twin report shape + findings)")
    .option("--report <file.html>", "also write one self-contained HTML report")
    .option("--beam", "also run the scenario's twin on the local erl/elixir and compare")
    .option("--band <K>", "rerun K times with the model's free choices perturbed; min/median/max", integerAtLeast("--band", 1, 256))
    .option("--band-words <W>", "how far --band moves each free choice, in words (default 4)", integerAtLeast("--band-words", 1, 1024))
    .option("--memory-limit <size>", "the node dies as the BEAM does when erlang:memory(total) exceeds it (e.g. 2GiB)")
    .option("--crash-dump <file>", "where the crash dump goes (default $ERL_CRASH_DUMP, else ./erl_crash.dump)")
    .option("--expect-clean", "exit 1 if any leak is found (a memory assertion for CI)")
    .option("--no-chart", "no memory chart in the text output")
    .action(async (arg: string, opts: Parameters<typeof runCommand>[1]) => { setCode(await runCommand(arg, opts, io)); });

  scenarioOptions(
    parent
      .command("compare")
      .description("the same workload in leak and fix mode, side by side")
      .argument("<scenario>", "a built-in id or a scenario file"),
    false,
  )
    .option("--json", "one JSON document {scenario, params, leak, fix}")
    .action(async (arg: string, opts: Parameters<typeof compareCommand>[1]) => { setCode(await compareCommand(arg, opts, io)); });

  scenarioOptions(
    parent
      .command("diagnose")
      .description("run a scenario and explain what the leak detectors found")
      .argument("<scenario>", "a built-in id or a scenario file"),
  )
    .option("--json", "one JSON document {scenario, mode, params, expected, findings}")
    .option("--expect-clean", "exit 1 if any leak is found")
    .action(async (arg: string, opts: Parameters<typeof diagnoseScenarioCommand>[1]) => {
      // a file that is not a scenario module is a real node's snapshot (beamlab_snapshot.erl)
      // (a .json that does not exist is a snapshot file too: "no such file" says more than "no scenario")
      const snapshot = !/\.[cm]?[jt]s$/.test(arg) && (isSnapshotArgument(arg, io.cwd) || /\.json$/i.test(arg));
      setCode(snapshot ? await diagnoseSnapshotCommand(arg, opts, io) : await diagnoseScenarioCommand(arg, opts, io));
    });

  parent
    .command("dump")
    .description("read a real erl_crash.dump (OTP 24-27, .gz too): memory, processes, mailboxes, heaps, then the leak findings")
    .argument("<erl_crash.dump>", "a crash dump file")
    .option("--json", "one JSON document")
    .option("--top <n>", "rows in each table (default 10)", integerAtLeast("--top", 1, 10000))
    .action(async (file: string, opts: Parameters<typeof dumpCommand>[1]) => { setCode(await dumpCommand(file, opts, io)); });
}

/** Commander's codes for help it printed itself (`leak-lab` alone, `--help`): no error line. */
const HELP_CODES = new Set(["commander.help", "commander.helpDisplayed", "commander.version"]);

/** The command `argv` reached: the program, then each subcommand named in turn. */
function reached(program: Command, argv: readonly string[]): Command[] {
  const path = [program];
  for (const a of argv) {
    if (a.startsWith("-")) continue;
    const sub = path[path.length - 1]?.commands.find((c) => c.name() === a);
    if (sub === undefined) break;
    path.push(sub);
  }
  return path;
}

/**
 * A command line commander rejected, as one line: `leak-lab run: unknown option '--frob'
 * (did you mean --band?); valid: --mode, --set, …`. Unknown commands and options name the valid
 * ones; the other errors (a bad value, a missing argument) already name what is expected.
 */
export function parseErrorLine(program: Command, argv: readonly string[], error: CommanderError): string {
  const path = reached(program, argv);
  const cmd = path[path.length - 1] ?? program;
  const where = path.map((c) => c.name()).join(" ");
  const text = error.message.replace(/^error: /, "").replace(/\n\(Did you mean (.+)\?\)$/, " (did you mean $1?)").replace(/\n/g, " ");
  if (error.code === "commander.unknownCommand") return `${where}: ${text}; valid: ${cmd.commands.map((c) => c.name()).join(", ")}`;
  if (error.code === "commander.unknownOption") {
    const flags = cmd.options.map((o) => o.long ?? o.short ?? o.flags);
    return `${where}: ${text}; valid: ${[...flags, "--help"].join(", ")}`;
  }
  if (error.code === "commander.missingArgument" && text.endsWith("'scenario'")) return `${where}: ${text}; valid: ${builtinIds()}, or a file ./my-scenario.ts`;
  return `${where}: ${text}`;
}

export async function run(argv: readonly string[], io: CliEnvironment): Promise<number> {
  let exitCode = 0;
  const setCode = (c: number) => {
    exitCode = c;
  };
  const program = new Command("leak-lab")
    .description("Reproduce, compare and diagnose BEAM memory leaks on a faithful simulator.")
    .configureOutput({
      writeOut: (s) => { io.out(s.replace(/\n$/, "")); },
      writeErr: (s) => { io.err(s.replace(/\n$/, "")); },
      // a parse error is said once, as leak-lab's one line, by the catch below
      outputError: () => undefined,
    });
  addCommands(program, io, setCode);

  const term = program.command("term").description("size and print single Erlang terms");
  term
    .command("size")
    .description("print each term's flat size (erts_debug:flat_size/1) in words and bytes; - reads one term per line from stdin")
    .option("--json", "one JSON object per term: {\"term\", \"flat_size\", \"size\"}")
    .argument("<terms...>", "Erlang terms, e.g. '{ok,<<1,2,3>>}', or - for stdin")
    .action(async (terms: string[], opts: { json?: boolean }) => { setCode(await termSize(termInputs(terms, io.stdin), opts.json === true, io)); });
  term
    .command("parse")
    .description("print each term in canonical form; - reads one term per line from stdin")
    .argument("<terms...>", "Erlang terms, or - for stdin")
    .action(async (terms: string[]) => { setCode(await termParse(termInputs(terms, io.stdin), io)); });

  addCommands(program.command("scenario").description("the scenario commands under their old group name (list, run, compare, diagnose)"), io, setCode);

  // exitOverride on every command, so a bad flag of a subcommand also comes back here.
  const override = (c: Command): void => {
    c.exitOverride();
    for (const sub of c.commands) override(sub);
  };
  override(program);

  try {
    await program.parseAsync(["node", "leak-lab", ...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode !== 0 && !HELP_CODES.has(error.code)) io.err(parseErrorLine(program, argv, error));
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof UsageError) {
      io.err(`leak-lab: ${error.message}`);
      return EXIT.badInput;
    }
    io.err(`leak-lab: internal error: ${oneLine(error)} (set LEAK_LAB_DEBUG=1 for the stack trace; please report it)`);
    if (io.env?.LEAK_LAB_DEBUG !== undefined && error instanceof Error && error.stack !== undefined) io.err(error.stack);
    return EXIT_INTERNAL;
  }
  return exitCode;
}
