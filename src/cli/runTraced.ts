// One seed of one variant with its trace streamed to a JSON-lines file: what `murphy run --seed S
// --trace FILE` and `murphy replay` do. Each world of the seed opens with a header line naming it.

import { createWriteStream } from "node:fs";
import type { Seed } from "../core/Rng.js";
import type { Scenario, SeedOutcome } from "../scenarios/Scenario.js";
import { type VariantSummary } from "../scenarios/VariantSummary.js";
import { addOutcome, emptySummary } from "../sweep/SweepSummary.js";

export async function runTraced(
  scenario: Scenario,
  variant: string,
  seed: Seed,
  file: string,
): Promise<{ summary: VariantSummary; traceHash: string }> {
  const stream = createWriteStream(file);
  const outcome: SeedOutcome = await scenario.run({
    seed,
    variant,
    trace: (label) => {
      // The header goes out with the world's first line, so asking twice writes it once.
      let opened = false;
      return {
        sink: (line) => {
          if (!opened) {
            opened = true;
            stream.write(JSON.stringify({ world: label, seed: seed.toString(), variant }) + "\n");
          }
          stream.write(line + "\n");
        },
      };
    },
  });
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.end(resolve);
  });
  const summary = emptySummary(scenario.name, variant);
  addOutcome(summary, outcome);
  return { summary, traceHash: outcome.traceHash };
}

/** With several variants each gets its own file: FILE.unsafe, FILE.safe. */
export function traceFileFor(file: string, variant: string, variants: number): string {
  return variants > 1 ? `${file}.${variant}` : file;
}
