// One line per subcommand; each file exports a `register…` function taking the program.
import type { Command } from "commander";
import { registerCheckCommand } from "./check.js";
import { registerClusterCommand } from "./cluster.js";
import { registerListCommand } from "./list.js";
import { registerMaelstromCommand } from "./maelstrom.js";
import { registerMergeCommand } from "./merge.js";
import { registerRealCommand } from "./real.js";
import { registerReplayCommand } from "./replay.js";
import { registerRunCommand } from "./run.js";
import { registerShowCommand } from "./show.js";
import { registerShrinkCommand } from "./shrink.js";
import { registerTestCommand } from "./test.js";
import { registerTourCommand } from "./tour.js";

export function registerCommands(program: Command): void {
  registerTourCommand(program);
  registerListCommand(program);
  registerRunCommand(program);
  registerReplayCommand(program);
  registerShrinkCommand(program);
  registerShowCommand(program);
  registerMergeCommand(program);
  registerCheckCommand(program);
  registerTestCommand(program);
  registerClusterCommand(program);
  registerMaelstromCommand(program);
  registerRealCommand(program);
}
