// One seed of one variant with its trace streamed to a JSON-lines file: what `murphy run --seed S
// --trace FILE` and `murphy replay` do. Each world of the seed opens with a header line naming it.
// The files are opened before any run (`openTraceFiles`), so a bad path fails first; a write that
// fails later (a full disk) fails the command, and nothing says "trace written" about it.

import { createWriteStream, type WriteStream } from "node:fs";
import type { Seed } from "../core/Rng.js";
import type { Scenario, SeedOutcome } from "../scenarios/Scenario.js";
import { addOutcome, emptySummary, type VariantSummary } from "../scenarios/SweepSummary.js";
import { closeOutputFile, openOutputFile, outputWriteFailed } from "./outputPaths.js";

/** A trace file opened for one variant. */
export interface TraceFile {
  readonly variant: string;
  readonly path: string;
  readonly fd: number;
}

/** Opens the trace file of every variant, before anything runs; closes them all if one fails. */
export function openTraceFiles(file: string, variants: readonly string[]): TraceFile[] {
  const opened: TraceFile[] = [];
  try {
    for (const variant of variants) {
      const path = traceFileFor(file, variant, variants.length);
      opened.push({ variant, path, fd: openOutputFile("--trace", path) });
    }
  } catch (error) {
    for (const f of opened) closeOutputFile(f.fd);
    throw error;
  }
  return opened;
}

export async function runTraced(
  scenario: Scenario,
  seed: Seed,
  file: TraceFile,
): Promise<{ summary: VariantSummary; traceHash: string }> {
  const { variant, path } = file;
  const stream = createWriteStream(path, { fd: file.fd });
  let failed: unknown;
  stream.on("error", (error) => (failed ??= error));
  const outcome: SeedOutcome = await runWithTrace(scenario, seed, variant, (line) => {
    if (failed === undefined) stream.write(line);
  }).finally(() => closeStream(stream));
  if (failed !== undefined) throw outputWriteFailed("--trace", path, failed);
  const summary = emptySummary(scenario.name, variant);
  addOutcome(summary, outcome);
  return { summary, traceHash: outcome.traceHash };
}

/** Runs the seed with every world's trace lines (and a header line per world) going to `write`. */
function runWithTrace(
  scenario: Scenario,
  seed: Seed,
  variant: string,
  write: (text: string) => void,
): Promise<SeedOutcome> {
  return scenario.run({
    seed,
    variant,
    trace: (label) => {
      // The header goes out with the world's first line, so asking twice writes it once.
      let opened = false;
      return {
        sink: (line) => {
          if (!opened) {
            opened = true;
            write(JSON.stringify({ world: label, seed: seed.toString(), variant }) + "\n");
          }
          write(line + "\n");
        },
      };
    },
  });
}

/** Ends the stream and waits until it is closed, written or failed. */
function closeStream(stream: WriteStream): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.on("close", () => resolve());
    stream.on("error", () => resolve());
    if (stream.destroyed) resolve();
    else stream.end();
  });
}

/** With several variants each gets its own file: FILE.unsafe, FILE.safe. */
export function traceFileFor(file: string, variant: string, variants: number): string {
  return variants > 1 ? `${file}.${variant}` : file;
}
