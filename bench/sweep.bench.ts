// Sweep throughput with 1 worker (in this thread) and with 2 worker threads, on a light scenario
// (request-response, ~0.3 ms a seed, where thread overhead shows) and a heavier one (timeouts,
// ~4 ms a seed); target: 2 workers >= 1.8x one. Prints runs/s (a run is one seed of one variant) for each, the speed-up, and whether the
// summaries are identical (they must be: the merge order is fixed by the seed blocks).

import { performance } from "node:perf_hooks";
import { openSweepPool, sweepOnPool } from "../src/sweep/parallelSweep.js";
import { requestResponse } from "../src/scenarios/request-response/RequestResponseScenario.js";
import type { Scenario } from "../src/scenarios/Scenario.js";
import { timeouts } from "../src/scenarios/timeouts/TimeoutsScenario.js";
import { seedRange } from "../src/sweep/runSweep.js";
import { seedBlocks } from "../src/sweep/SeedBlocks.js";
import type { VariantSummary } from "../src/scenarios/VariantSummary.js";

async function measure(
  scenario: Scenario,
  count: number,
  workers: number,
): Promise<{ runsPerSecond: number; json: string }> {
  const blocks = seedBlocks(seedRange(count));
  const pool = openSweepPool({ workers });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let summaries: VariantSummary[];
  try {
    summaries = await Promise.all(
      scenario.variants.map((v) => sweepOnPool(pool, scenario, v.name, blocks)),
    );
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - start) / 1000;
  // CPU time of the whole process, worker threads included: on a busy machine it shows whether a
  // missing speed-up is the machine's (other processes hold the cores) or the pool's overhead.
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const runs = count * scenario.variants.length;
  console.log(
    `${scenario.name.padEnd(17)} ${workers} worker${workers === 1 ? " " : "s"} (${pool.mode.padEnd(10)}): ${runs} runs in ${seconds.toFixed(2)} s = ${(runs / seconds).toFixed(0)} runs/s (CPU ${cpuSeconds.toFixed(2)} s, ${(cpuSeconds / seconds).toFixed(2)} cores busy)`,
  );
  return { runsPerSecond: runs / seconds, json: JSON.stringify(summaries) };
}

export async function run(): Promise<void> {
  for (const [scenario, count] of [
    // Long enough that starting the worker threads (module loading and a JIT warm-up each,
    // ~0.2 s of CPU) is a small part of the sweep, as it is in the tour's 1,000 seeds a variant.
    [requestResponse, 10_000],
    [timeouts, 1_500],
  ] as const) {
    const one = await measure(scenario, count, 1);
    const two = await measure(scenario, count, 2);
    console.log(
      `${scenario.name.padEnd(17)} speed-up with 2 workers: ${(two.runsPerSecond / one.runsPerSecond).toFixed(2)}x (target >= 1.8x); ` +
        `summaries identical: ${one.json === two.json ? "yes" : "NO (a bug: report it)"}`,
    );
  }
}
