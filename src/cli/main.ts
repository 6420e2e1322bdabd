#!/usr/bin/env node
// The `murphy` command. Each subcommand lives in its own file under ./commands and registers
// itself here. Exit codes: 0 the expected outcome held, 1 a property was violated, 2 unknown or
// bad input.

import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { MurphyError } from "../core/errors.js";
import { registerCommands } from "./commands/index.js";

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_UNKNOWN = 2;

async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name("murphy")
    .description(
      "Make partial failure happen on purpose, deterministically, and check what clients saw.",
    )
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_UNKNOWN;
    }
    if (error instanceof MurphyError) {
      console.error(pc.red(`murphy: ${error.message}`));
      return EXIT_UNKNOWN;
    }
    throw error;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = EXIT_UNKNOWN;
  },
);
