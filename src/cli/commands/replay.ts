// `murphy replay <scenario> --seed S --trace FILE`: reruns one seed and writes its trace as JSON
// lines, then prints the trace hash and the outcome — the same as `murphy run X --seed S --trace
// FILE`, under the name a failure report points to.

import type { Command } from "commander";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { findScenario } from "../../scenarios/registry.js";
import { resolveVariants } from "../sweepOptions.js";
import { runTracedCommand } from "./run.js";

export function registerReplayCommand(program: Command): void {
  program
    .command("replay")
    .description("rerun one seed and write its trace (JSON lines)")
    .argument("[scenario]", "scenario name (see `murphy list`)")
    .option("--seed <seed>", "the seed to replay (decimal or 0x hex); required")
    .option("--trace <file>", "where to write the trace (FILE.unsafe/FILE.safe for both); required")
    .option("--variant <name>", "unsafe, safe or both", "both")
    .option("--json", "print the outcome as JSON")
    .action(
      async (
        name: string | undefined,
        options: { seed?: string; trace?: string; variant: string; json?: boolean },
      ) => {
        // The scenario and variant are checked first: a misspelt name is the likelier mistake.
        const scenario = findScenario(name);
        const variants = resolveVariants(scenario, options.variant);
        const seed = required(
          "--seed",
          options.seed,
          "--seed 0x1 (a seed printed by `murphy run`)",
        );
        const trace = required("--trace", options.trace, "--trace run.jsonl");
        process.exitCode = await runTracedCommand(scenario, variants, Seed.parse(seed), {
          ...options,
          trace,
        });
      },
    );
}

function required(field: string, value: string | undefined, example: string): string {
  if (value !== undefined) return value;
  throw new ConfigError({ field, value, expected: "a value", fix: `add ${example}` });
}
