/**
 * The leak-lab command line: one commander program, one module per command group.
 * `run` never calls `process.exit`; it resolves to the exit code so tests can drive it.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { scenarioCompare, scenarioList, scenarioRun, type RunOptions } from "./commands/scenario.js";
import { termInputs, termParse, termSize, type Output } from "./commands/term.js";
import { dumpCommand } from "./commands/dump.js";
import { diagnoseSnapshotCommand, isSnapshotArgument } from "./commands/diagnose-snapshot.js";

export interface CliEnvironment extends Output {
  readonly stdin: NodeJS.ReadableStream;
  readonly progress?: { readonly stream: NodeJS.WritableStream; readonly isTTY: boolean };
  readonly cwd?: string;
}

function nonNegativeInteger(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a whole number ≥ 0, got ${JSON.stringify(v)}`);
    return n;
  };
}

function positiveInteger(flag: string): (v: string) => number {
  const base = nonNegativeInteger(flag);
  return (v) => {
    const n = base(v);
    if (n === 0) throw new InvalidArgumentError(`${flag} must be at least 1`);
    return n;
  };
}

export async function run(argv: readonly string[], env: CliEnvironment): Promise<number> {
  let exitCode = 0;
  const program = new Command("leak-lab")
    .description("Reproduce, compare and diagnose BEAM memory leaks on a faithful simulator.")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => { env.out(s.replace(/\n$/, "")); },
      writeErr: (s) => { env.err(s.replace(/\n$/, "")); },
    });

  const term = program.command("term").description("size and print single Erlang terms");
  term
    .command("size")
    .description("print each term's flat size (erts_debug:flat_size/1) in words and bytes; - reads one term per line from stdin")
    .option("--json", "one JSON object per term: {\"term\", \"flat_size\", \"size\"}")
    .argument("<terms...>", "Erlang terms, e.g. '{ok,<<1,2,3>>}', or - for stdin")
    .action(async (terms: string[], opts: { json?: boolean }) => {
      exitCode = await termSize(termInputs(terms, env.stdin), opts.json === true, env);
    });
  term
    .command("parse")
    .description("print each term in canonical form; - reads one term per line from stdin")
    .argument("<terms...>", "Erlang terms, or - for stdin")
    .action(async (terms: string[]) => {
      exitCode = await termParse(termInputs(terms, env.stdin), env);
    });

  const scenario = program.command("scenario").description("run the leak scenarios on the simulated node and diagnose them");
  scenario
    .command("list")
    .description("every scenario: each leak, its fixed variant, and a healthy node")
    .option("--json", "one JSON object per scenario")
    .action((opts: { json?: boolean }) => {
      exitCode = scenarioList(env, opts.json === true);
    });
  const runOptions = (c: Command) =>
    c
      .option("--json", "JSON Lines: one object per sample, then one per finding")
      .option("--seed <n>", "seed of the simulated node (default 1)", nonNegativeInteger("--seed"))
      .option("--duration <ms>", "virtual milliseconds to run (default: the scenario's)", nonNegativeInteger("--duration"))
      .option("--interval <ms>", "virtual milliseconds between samples (default: the scenario's)", positiveInteger("--interval"));
  runOptions(
    scenario
      .command("run")
      .description("run a scenario in virtual time: memory over time, then what the leak detectors found")
      .argument("<id>", "scenario id (see `scenario list`)")
      .option("--expect-clean", "exit 1 if any leak is found (a memory assertion for CI)"),
  ).action((id: string, opts: RunOptions) => {
    exitCode = scenarioRun(id, opts, env);
  });
  runOptions(
    scenario
      .command("compare")
      .description("run a leak and its fixed variant, and compare their memory")
      .argument("<id>", "id of a leak scenario"),
  ).action((id: string, opts: RunOptions) => {
    exitCode = scenarioCompare(id, opts, env);
  });

  program
    .command("dump")
    .description("read an erl_crash.dump (.gz too): memory, processes, mailboxes, heaps, then the leak findings")
    .argument("<erl_crash.dump>", "a crash dump of OTP 24-27")
    .option("--json", "one JSON document")
    .action(async (file: string, opts: { json?: boolean }) => { exitCode = await dumpCommand(file, opts, env); });
  program
    .command("diagnose")
    .description("run the leak detectors on a real node's snapshot file (beamlab_snapshot.erl)")
    .argument("<snapshot.json>", "a snapshot file; a scenario id goes to `scenario run`")
    .option("--json", "one JSON document")
    .option("--expect-clean", "exit 1 if any leak is found")
    .action(async (arg: string, opts: { json?: boolean; expectClean?: boolean }) => {
      exitCode = isSnapshotArgument(arg, env.cwd) ? await diagnoseSnapshotCommand(arg, opts, env) : scenarioRun(arg, {}, env);
    });

  try {
    await program.parseAsync(["node", "leak-lab", ...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 64;
    throw error;
  }
  return exitCode;
}
