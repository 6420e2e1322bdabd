// Reads a file named on the command line, turning "no such file" into a ConfigError that names
// the argument, the path and the fix, as every other bad input of the CLI is reported.
import { readFileSync } from "node:fs";
import { ConfigError } from "../core/errors.js";

export function readInputFile(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError({
      field: "FILE",
      value: file,
      expected: `a readable ${what}`,
      fix: `check the path (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
    });
  }
}
