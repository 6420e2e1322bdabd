// Sweep throughput: request-response over 2,000 seeds (both variants) with 1 worker (in this
// thread) and with 2 worker threads; prints seeds/s for each, the speed-up, and whether the two
// summaries are identical (they must be: the merge order is fixed by the seed blocks).

import { performance } from "node:perf_hooks";
import { openSweepPool, sweepOnPool } from "../src/scenarios/parallelSweep.js";
import { requestResponse } from "../src/scenarios/RequestResponseScenario.js";
import { seedRange } from "../src/scenarios/runSweep.js";
import { seedBlocks } from "../src/scenarios/SeedBlocks.js";
import type { VariantSummary } from "../src/scenarios/SweepSummary.js";

const SEEDS = 2_000;

async function measure(workers: number): Promise<{ seedsPerSecond: number; json: string }> {
  const blocks = seedBlocks(seedRange(SEEDS));
  const pool = openSweepPool({ workers });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let summaries: VariantSummary[];
  try {
    summaries = await Promise.all(
      requestResponse.variants.map((v) => sweepOnPool(pool, requestResponse, v.name, blocks)),
    );
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - start) / 1000;
  // CPU time of the whole process, worker threads included: on a busy machine it shows whether a
  // missing speed-up is the machine's (other processes hold the cores) or the pool's overhead.
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const seeds = SEEDS * requestResponse.variants.length;
  console.log(
    `${workers} worker${workers === 1 ? " " : "s"} (${pool.mode.padEnd(10)}): ${seeds} seeds in ${seconds.toFixed(2)} s = ${(seeds / seconds).toFixed(0)} seeds/s (CPU ${cpuSeconds.toFixed(2)} s, ${(cpuSeconds / seconds).toFixed(2)} cores busy)`,
  );
  return { seedsPerSecond: seeds / seconds, json: JSON.stringify(summaries) };
}

export async function run(): Promise<void> {
  const one = await measure(1);
  const two = await measure(2);
  console.log(`speed-up with 2 workers: ${(two.seedsPerSecond / one.seedsPerSecond).toFixed(2)}x`);
  console.log(
    `summaries identical with 1 and 2 workers: ${one.json === two.json ? "yes" : "NO (a bug: report it)"}`,
  );
}
