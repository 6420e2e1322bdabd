import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Rng } from "../core/Rng.js";
import { InProcessPool, openSweepPool } from "./parallelSweep.js";
import { requestResponse } from "../scenarios/request-response/RequestResponseScenario.js";
import { runSweep, seedRange } from "./runSweep.js";
import type { Scenario } from "../scenarios/Scenario.js";
import { mergeBlocks, seedBlocks, shardBlocks, type BlockSummary } from "./SeedBlocks.js";
import {
  mergeShardFiles,
  parseShardFile,
  sealShardFile,
  SHARD_FORMAT,
  type ShardFile,
} from "./ShardFile.js";
import { SEEDS_PER_BLOCK } from "./SeedBlocks.js";

/**
 * A cheap scenario whose figures are awkward floats, so that any change in the order of the
 * floating-point sums would show in the last bits.
 */
const floaty: Scenario = {
  name: "floaty",
  title: "floating-point figures",
  claim: "sums must not depend on who added them",
  variants: [
    { name: "unsafe", description: "violates sometimes", expectViolations: true },
    { name: "safe", description: "never violates", expectViolations: false },
  ],
  properties: ["p"],
  figures: [
    { name: "x", kind: "mean" },
    { name: "y", kind: "sum" },
  ],
  tourSeeds: 10,
  async run({ seed, variant }) {
    const rng = Rng.fromSeed(seed);
    const x = rng.float() * 1e3 + 0.1;
    const y = 1 / (1 + rng.int(97));
    return {
      seed: seed.toString(),
      variant,
      properties: { p: variant === "unsafe" && x < 300 ? "violated" : "held" },
      figures: { x, y },
      traceHash: x.toString(16).slice(0, 12),
      events: 1 + rng.int(10),
    };
  },
};

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = Rng.fromSeed(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** What the sharded CLI does: run the blocks of each shard, write them, merge the files. */
async function viaShards(scenario: Scenario, variants: string[], count: number, n: number) {
  const blocks = seedBlocks(seedRange(count));
  const files = [];
  for (let i = 0; i < n; i++) {
    const mine = shardBlocks(blocks, { index: i, count: n });
    const pool = new InProcessPool(1);
    const blockSummaries = [];
    for (const variant of variants) {
      for (const b of await pool.run(scenario, variant, mine))
        blockSummaries.push({ variant, ...b });
    }
    const file: ShardFile = sealShardFile({
      format: SHARD_FORMAT,
      scenario: scenario.name,
      variants,
      seeds: { first: "0x0000000000000000", count },
      seedsPerBlock: SEEDS_PER_BLOCK,
      shard: { index: i, count: n },
      blocks: blockSummaries,
    });
    // Through JSON and the checks merge makes, as the file on disk would be.
    const path = `shard-${i}`;
    files.push({ path, file: parseShardFile(path, JSON.parse(JSON.stringify(file))) });
  }
  return mergeShardFiles(shuffled(files, n)).summaries;
}

describe("sweeps split over workers and shards", () => {
  const seeds = seedRange(333);
  const blocks = seedBlocks(seeds);

  it("give the same summary for any number of lanes and any completion order", async () => {
    // Shows worker-count independence, simulated in this thread: the blocks a worker returns are
    // merged in block order, whoever ran them and whenever they finished.
    const reference = mergeBlocks(
      "floaty",
      "unsafe",
      await new InProcessPool(1).run(floaty, "unsafe", blocks),
    );
    for (const lanes of [2, 3, 7]) {
      const results: BlockSummary[] = await new InProcessPool(lanes).run(floaty, "unsafe", blocks);
      const merged = mergeBlocks("floaty", "unsafe", shuffled(results, lanes));
      expect(JSON.stringify(merged)).toBe(JSON.stringify(reference));
    }
    expect(reference.seeds).toBe(333);
    expect(Object.keys(reference.seedHashes)).toHaveLength(333);
    expect(reference.properties.p!.violated).toBeGreaterThan(0);
  });

  it("merge shard files into exactly the unsharded result, floats included", async () => {
    // Shows `--shard i/n` + `murphy merge` reproducing the single run bit for bit, for several n.
    const single = [
      mergeBlocks("floaty", "unsafe", await new InProcessPool(1).run(floaty, "unsafe", blocks)),
      mergeBlocks("floaty", "safe", await new InProcessPool(1).run(floaty, "safe", blocks)),
    ];
    for (const n of [1, 2, 3, 5, 40]) {
      const merged = await viaShards(floaty, ["unsafe", "safe"], 333, n);
      expect(JSON.stringify(merged)).toBe(JSON.stringify(single));
    }
  });

  it("agree with the plain sequential sweep on request-response", async () => {
    // Shows that blocks change nothing a scenario reports: verdicts, counts and seed hashes.
    const few = seedRange(3 * SEEDS_PER_BLOCK + 1);
    for (const variant of ["unsafe", "safe"]) {
      const plain = await runSweep(requestResponse, variant, few);
      const pool = openSweepPool({ workers: 1 });
      const blocked = mergeBlocks(
        "request-response",
        variant,
        await pool.run(requestResponse, variant, seedBlocks(few)),
      );
      expect(blocked.seedHashes).toEqual(plain.seedHashes);
      expect(blocked.properties).toEqual(plain.properties);
      expect(blocked.seeds).toBe(plain.seeds);
      expect(blocked.events).toBe(plain.events);
      for (const [name, f] of Object.entries(plain.figures)) {
        expect(blocked.figures[name]!.count).toBe(f.count);
        expect(blocked.figures[name]!.sum).toBeCloseTo(f.sum, 9);
      }
    }
  });

  it("runs in this thread when there is no compiled worker entry or one worker", () => {
    // Shows the fallback that lets vitest (which runs .ts) use the pool.
    expect(openSweepPool({ workers: 1 }).mode).toBe("in-process");
    expect(() => openSweepPool({ workers: 0 })).toThrow(/--workers/);
  });
});

// Real worker threads need the compiled worker entry; `npm test` builds dist/ before vitest runs.
const compiledPool = fileURLToPath(
  new URL("../../dist/src/sweep/parallelSweep.js", import.meta.url),
);
const compiledWorker = fileURLToPath(
  new URL("../../dist/src/sweep/sweepWorker.js", import.meta.url),
);
const haveDist = existsSync(compiledPool) && existsSync(compiledWorker);

describe.skipIf(!haveDist)(
  "real worker threads (from dist/; skipped when dist/ is not built: run npm run build)",
  () => {
    it("give the same summaries with 1 and 2 workers", async () => {
      // Shows results identical whatever the number of threads, on the compiled code.
      const compiled = (await import(compiledPool)) as typeof import("./parallelSweep.js");
      const few = seedRange(5 * SEEDS_PER_BLOCK);
      const threads = compiled.openSweepPool({ workers: 2, mode: "threads" });
      try {
        for (const variant of ["unsafe", "safe"]) {
          let seedsSeen = 0;
          const inThreads = await compiled.sweepOnPool(
            threads,
            requestResponse,
            variant,
            seedBlocks(few),
            () => seedsSeen++,
          );
          const inProcess = await compiled.sweepOnPool(
            new compiled.InProcessPool(1),
            requestResponse,
            variant,
            seedBlocks(few),
          );
          expect(JSON.stringify(inThreads)).toBe(JSON.stringify(inProcess));
          expect(seedsSeen).toBe(few.length);
        }
      } finally {
        await threads.close();
      }
    });
  },
);
