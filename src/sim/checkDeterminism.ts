// The determinism check: run each seed twice from scratch and compare the trace hashes. Any
// difference means something outside the seed and the config leaked into the run — a banned
// global, iteration over unordered external state, a handler racing a real timer — and the seed
// that shows it reproduces it. A run that throws is compared by its error message and the hash of
// the trace up to the throw, so a deterministic failure is still deterministic.

import { Seed } from "../core/Rng.js";
import type { RunResult } from "./RunResult.js";
import type { Trace } from "./Trace.js";

/** What the check runs: a simulated world (or a bare kernel), fresh for each run. */
export interface Runnable {
  run(options: { untilMs?: number }): Promise<RunResult>;
  readonly trace: Trace;
  readonly events: number;
}

export interface DeterminismMismatch {
  seed: string;
  firstHash: string;
  secondHash: string;
}

export interface DeterminismRun {
  seed: string;
  /** The trace hash, or `error <hash>: <message>` when the run threw. */
  hash: string;
  events: number;
}

/**
 * Builds and runs a fresh simulation twice for every seed and returns the seeds whose two runs
 * left different trace hashes (empty when the world is deterministic). `onRun` sees each seed's
 * first run, e.g. to check that different seeds explore different executions.
 */
export async function checkDeterminism(
  makeSimulation: (seed: Seed) => Runnable,
  seeds: readonly (Seed | string | number | bigint)[],
  runOptions: { untilMs?: number } = {},
  onRun?: (run: DeterminismRun) => void,
): Promise<DeterminismMismatch[]> {
  const mismatches: DeterminismMismatch[] = [];
  for (const input of seeds) {
    const seed = input instanceof Seed ? input : Seed.parse(input);
    const first = await runOnce(makeSimulation(seed), runOptions);
    const second = await runOnce(makeSimulation(seed), runOptions);
    onRun?.({ seed: seed.toString(), hash: first.hash, events: first.events });
    if (first.hash !== second.hash) {
      mismatches.push({ seed: seed.toString(), firstHash: first.hash, secondHash: second.hash });
    }
  }
  return mismatches;
}

async function runOnce(
  sim: Runnable,
  runOptions: { untilMs?: number },
): Promise<{ hash: string; events: number }> {
  try {
    const result = await sim.run(runOptions);
    return { hash: result.traceHash, events: result.events };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { hash: `error ${sim.trace.hash}: ${message}`, events: sim.events };
  }
}
