// One seed of one variant, optionally with its trace streamed to a JSON-lines file: what `murphy
// run --seed S [--trace FILE]`, `murphy replay` and replay files do. Each world of the seed opens
// its trace with a header line naming it.

import { createWriteStream } from "node:fs";
import type { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";
import type { RunSeedOptions, Scenario, SeedOutcome } from "../scenarios/Scenario.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { addOutcome, emptySummary } from "../sweep/SweepSummary.js";

export interface RunOneOptions {
  /** Where to write the trace (JSON lines); none when absent. */
  file?: string | undefined;
  /** A fault schedule replacing the seed's own (replay files). */
  faults?: readonly FaultAction[] | undefined;
  onLog?: RunSeedOptions["onLog"];
}

export async function runTraced(
  scenario: Scenario,
  variant: string,
  seed: Seed,
  options: RunOneOptions = {},
): Promise<{ summary: VariantSummary; traceHash: string; outcome: SeedOutcome }> {
  const stream = options.file === undefined ? undefined : createWriteStream(options.file);
  const run: RunSeedOptions = { seed, variant };
  if (options.faults !== undefined) run.faults = options.faults;
  if (options.onLog !== undefined) run.onLog = options.onLog;
  if (stream !== undefined) {
    run.trace = (label) => {
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
    };
  }
  const outcome: SeedOutcome = await scenario.run(run);
  if (stream !== undefined) {
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.end(resolve);
    });
  }
  const summary = emptySummary(scenario.name, variant);
  addOutcome(summary, outcome);
  return { summary, traceHash: outcome.traceHash, outcome };
}

/** With several variants each gets its own file: FILE.unsafe, FILE.safe. */
export function traceFileFor(file: string, variant: string, variants: number): string {
  return variants > 1 ? `${file}.${variant}` : file;
}
