import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import { partitionSplitBrain, runSplitBrainWorld } from "./PartitionSplitBrainScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";

const SEEDS = seedRange(200);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("partition-split-brain scenario", () => {
  it("pins the verdicts over seeds 0..199: fail-over on timeout loses acknowledged writes, a majority quorum loses none", async () => {
    const unsafe = await runSweep(partitionSplitBrain, "unsafe", SEEDS);
    const safe = await runSweep(partitionSplitBrain, "safe", SEEDS);
    expect(unsafe.properties["no-lost-acknowledged-write"]!.violated).toBeGreaterThanOrEqual(170);
    expect(safe.properties["no-lost-acknowledged-write"]).toMatchObject({
      violated: 0,
      unknown: 0,
      held: 200,
    });
    // Two primaries accept writes in most unsafe seeds, and dozens of acknowledged writes vanish.
    expect(fig(unsafe, "split-brain").mean).toBeGreaterThan(0.8);
    expect(fig(unsafe, "lost").mean).toBeGreaterThan(10);
    expect(fig(safe, "lost").sum).toBe(0);
    // The price of safety: the cut-off side's writes time out (info), and fewer are acknowledged.
    expect(fig(safe, "unknown").mean).toBeGreaterThan(1);
    expect(fig(safe, "acknowledged").mean).toBeLessThan(fig(unsafe, "acknowledged").mean);
    expect(fig(safe, "acknowledged").min).toBeGreaterThan(0);
  });

  it("shows the history: timeouts recorded as info, one final read, and an exact replay", async () => {
    const w = await runSplitBrainWorld({ seed: Seed.parse(3), mode: "quorum" });
    const writes = w.history.filter((op) => op.f === "write");
    expect(writes.some((op) => op.status === "info")).toBe(true);
    expect(writes.every((op) => op.status !== "fail" || op.error !== "timeout")).toBe(true);
    expect(w.history.filter((op) => op.f === "read")).toHaveLength(1);
    const again = await runSplitBrainWorld({ seed: Seed.parse(3), mode: "quorum" });
    expect(again.hash).toBe(w.hash);
    const naive = await runSplitBrainWorld({ seed: Seed.parse(3), mode: "naive" });
    expect(naive.lost).toBeGreaterThan(0);
  });
});
