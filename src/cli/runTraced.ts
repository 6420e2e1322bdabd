// One seed of one variant, optionally with its trace streamed to a JSON-lines file and its HTML
// report written: what `murphy run --seed S [--trace FILE] [--report FILE]`, `murphy replay` and
// replay files do. Each world of the seed opens its trace with a header line naming it.

import { createWriteStream } from "node:fs";
import type { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";
import type { RunSeedOptions, Scenario, SeedOutcome } from "../scenarios/Scenario.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { addOutcome, emptySummary } from "../sweep/SweepSummary.js";
import { worldRef } from "../sweep/loadWorld.js";
import { replayCommand } from "../sweep/runSweep.js";
import { reportSeed } from "../report/writeRunReport.js";
import { outputWriteFailed } from "./outputPaths.js";

export interface RunOneOptions {
  /** Where to write the trace (JSON lines); none when absent. */
  file?: string | undefined;
  /** Where to write the run's HTML report; none when absent. */
  report?: string | undefined;
  /** The command the report shows to reproduce the run (default: `murphy run … --seed S`). */
  command?: string | undefined;
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
  // A write that fails (a full disk) fails the command: nothing says "trace written" about it.
  let failed: unknown;
  stream?.on("error", (error) => (failed ??= error));
  // The header goes out with the world's first line, so asking twice writes it once.
  const traceSink =
    stream === undefined
      ? undefined
      : (label: string) => {
          let opened = false;
          return (line: string) => {
            if (!opened) {
              opened = true;
              stream.write(JSON.stringify({ world: label, seed: seed.toString(), variant }) + "\n");
            }
            stream.write(line + "\n");
          };
        };
  let outcome: SeedOutcome;
  if (options.report !== undefined) {
    outcome = await reportSeed(scenario, variant, seed, options.report, {
      command: options.command ?? replayCommand(worldRef(scenario), variant, seed.toString()),
      faults: options.faults,
      onLog: options.onLog,
      ...(traceSink === undefined ? {} : { traceSink }),
    });
  } else {
    const run: RunSeedOptions = { seed, variant };
    if (options.faults !== undefined) run.faults = options.faults;
    if (options.onLog !== undefined) run.onLog = options.onLog;
    if (traceSink !== undefined) run.trace = (label) => ({ sink: traceSink(label) });
    outcome = await scenario.run(run);
  }
  if (stream !== undefined) {
    await new Promise<void>((resolve) => {
      stream.on("close", () => resolve());
      if (stream.destroyed) resolve();
      else stream.end();
    });
    if (failed !== undefined) throw outputWriteFailed("--trace", options.file!, failed);
  }
  const summary = emptySummary(scenario.name, variant);
  addOutcome(summary, outcome);
  return { summary, traceHash: outcome.traceHash, outcome };
}

/** With several variants each gets its own file: FILE.unsafe, FILE.safe. */
export function traceFileFor(file: string, variant: string, variants: number): string {
  return variants > 1 ? `${file}.${variant}` : file;
}

/** With several variants each gets its own report, the variant before the extension: r.unsafe.html. */
export function reportFileFor(file: string, variant: string, variants: number): string {
  if (variants <= 1) return file;
  const dot = file.lastIndexOf(".");
  const slash = file.lastIndexOf("/");
  return dot > slash + 1
    ? `${file.slice(0, dot)}.${variant}${file.slice(dot)}`
    : `${file}.${variant}`;
}
