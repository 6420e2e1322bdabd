// The `murphy` command as a function: parses `argv`, runs the subcommand, and returns the exit
// code. Exit codes: 0 the expected outcome held, 1 a property was violated, 2 unknown or bad input.
// Whatever the input, the user sees a verdict or one line saying what was wrong: commander's
// errors, murphy's typed errors and (a bug) anything else are each printed as a single line with
// every control character escaped, never a stack trace (MURPHY_DEBUG=1 prints the stack of a bug).

import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { MurphyError } from "../core/errors.js";
import { terminalSafe } from "../report/terminalSafe.js";
import { registerCommands } from "./commands/index.js";

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_UNKNOWN = 2;

/** Runs the command line `argv` (as `process.argv`: node, script, arguments…). */
export async function murphy(argv: readonly string[]): Promise<number> {
  const program = new Command();
  program
    .name("murphy")
    .description(
      "Make partial failure happen on purpose, deterministically, and check what clients saw.",
    )
    .version("0.1.0")
    .exitOverride()
    .configureOutput({
      // Help is not an error, even when shown for a missing command: it goes to stdout, and
      // stderr keeps to the one-line errors.
      writeErr: (text) =>
        void (text.startsWith("Usage:") ? process.stdout : process.stderr).write(text),
      outputError: (text, write) =>
        write(pc.red(`murphy: ${oneLine(text)} (add --help for usage)`) + "\n"),
    });
  registerCommands(program);
  // The commands report their exit code through process.exitCode; it is read back and restored,
  // so that murphy() can run in a process that has its own (a test, the fuzz suite).
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_UNKNOWN;
    }
    console.error(pc.red(`murphy: ${errorLine(error)}`));
    if (!(error instanceof MurphyError) && process.env.MURPHY_DEBUG === "1") console.error(error);
    return EXIT_UNKNOWN;
  } finally {
    process.exitCode = outer;
  }
}

/** One line for an error: a typed error's message; for anything else, that it is a bug. */
export function errorLine(error: unknown): string {
  if (error instanceof MurphyError) return terminalSafe(error.message);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return (
    `internal error: ${terminalSafe(message)} ` +
    "(a bug in murphy: please report it with the command; MURPHY_DEBUG=1 shows the stack)"
  );
}

/** Commander's message, and its hint after a newline, as one escaped line. */
function oneLine(text: string): string {
  return terminalSafe(text.trim().replace(/\n+/g, " "));
}
