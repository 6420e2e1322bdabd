// One line per subcommand; each file exports a `register…` function taking the program.
import type { Command } from "commander";
import { registerListCommand } from "./list.js";
import { registerRunCommand } from "./run.js";

export function registerCommands(program: Command): void {
  registerListCommand(program);
  registerRunCommand(program);
}
