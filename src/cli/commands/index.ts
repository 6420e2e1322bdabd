// One line per subcommand; each file exports a `register…` function taking the program.
import type { Command } from "commander";

export function registerCommands(program: Command): void {
  void program;
}
