// `murphy replay <scenario> --seed S --trace FILE`: reruns one seed and writes its trace as JSON
// lines, then prints the trace hash and the outcome — the same as `murphy run X --seed S --trace
// FILE`, under the name a failure report points to.

import type { Command } from "commander";
import { Seed } from "../../core/Rng.js";
import { findScenario } from "../../scenarios/registry.js";
import { resolveVariants } from "../sweepOptions.js";
import { runTracedCommand } from "./run.js";

export function registerReplayCommand(program: Command): void {
  program
    .command("replay")
    .description("rerun one seed and write its trace (JSON lines)")
    .argument("[scenario]", "scenario name (see `murphy list`)")
    .requiredOption("--seed <seed>", "the seed to replay (decimal or 0x hex)")
    .requiredOption("--trace <file>", "where to write the trace (FILE.unsafe/FILE.safe for both)")
    .option("--variant <name>", "unsafe, safe or both", "both")
    .option("--json", "print the outcome as JSON")
    .action(
      async (
        name: string | undefined,
        options: { seed: string; trace: string; variant: string; json?: boolean },
      ) => {
        const scenario = findScenario(name);
        const variants = resolveVariants(scenario, options.variant);
        process.exitCode = await runTracedCommand(
          scenario,
          variants,
          Seed.parse(options.seed),
          options,
        );
      },
    );
}
