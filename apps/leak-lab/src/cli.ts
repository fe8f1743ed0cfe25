/**
 * The leak-lab command line: one commander program, one module per command group.
 * `run` never calls `process.exit`; it resolves to the exit code so tests can drive it.
 */
import { Command, CommanderError } from "commander";
import { termInputs, termParse, termSize, type Output } from "./commands/term.js";

export interface CliEnvironment extends Output {
  readonly stdin: NodeJS.ReadableStream;
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

  try {
    await program.parseAsync(["node", "leak-lab", ...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 64;
    throw error;
  }
  return exitCode;
}
