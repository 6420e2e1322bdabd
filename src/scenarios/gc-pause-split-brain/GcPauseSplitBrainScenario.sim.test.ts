import { describe, expect, it } from "vitest";
import { gcPauseSplitBrain, runGcPauseWorld } from "./GcPauseSplitBrainScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(200);

const sum = (s: VariantSummary, name: string) => s.figures[name]!.sum;

describe("gc-pause-split-brain scenario", () => {
  it("pins the verdicts over seeds 0..199: the paused leader's writes corrupt unfenced storage; with the Raft lock service's tokens a FencedStore refuses every one", async () => {
    const unsafe = await runSweep(gcPauseSplitBrain, "unsafe", SEEDS);
    const safe = await runSweep(gcPauseSplitBrain, "safe", SEEDS);

    // A 14–16 s pause outlasts the 20 s lease only when it starts late in the heartbeat cycle:
    // about half the seeds elect a new leader during the pause, and most of those corrupt storage.
    const splitBrain = sum(unsafe, "split-brain");
    expect(splitBrain).toBeGreaterThan(80);
    expect(splitBrain).toBeLessThan(160);
    expect(unsafe.properties.fencing!.violated).toBeGreaterThanOrEqual(80);
    expect(unsafe.properties.fencing!.violated).toBeLessThanOrEqual(splitBrain);
    expectHeld(safe, "fencing");

    // The same pauses and elections happen in both (the safe variant's lock service is the Raft
    // cluster, so its timings differ a little): the paused leader wakes and sends stale writes.
    // Unsafe storage accepts every one; the FencedStore refuses every one.
    expect(sum(unsafe, "stale-accepted")).toBe(sum(unsafe, "stale-attempted"));
    expect(sum(unsafe, "stale-rejected")).toBe(0);
    expect(sum(safe, "split-brain")).toBeGreaterThan(80);
    expect(sum(safe, "split-brain")).toBeLessThan(160);
    expect(sum(safe, "stale-attempted")).toBeGreaterThanOrEqual(80);
    expect(sum(safe, "stale-accepted")).toBe(0);
    expect(sum(safe, "stale-rejected")).toBe(sum(safe, "stale-attempted"));
    // Each split brain costs the old leader's prepared writes: one per worker, at most.
    expect(sum(unsafe, "stale-attempted")).toBeGreaterThanOrEqual(
      unsafe.properties.fencing!.violated,
    );
    expect(sum(unsafe, "stale-attempted")).toBeLessThanOrEqual(2 * splitBrain);
    expect(unsafe.figures["pause-ms"]!.min).toBeGreaterThanOrEqual(14_000);
    expect(unsafe.figures["pause-ms"]!.max).toBeLessThanOrEqual(16_000);
  });

  it("shows no stale write without a split brain", async () => {
    for (const seed of SEEDS.slice(0, 40)) {
      const r = await runGcPauseWorld({ seed, variant: "unsafe" }, false);
      if (!r.splitBrain) expect(r.staleAttempted).toBe(0);
    }
  });

  it("gives the same outcome for the same seed", async () => {
    const a = await gcPauseSplitBrain.run({ seed: SEEDS[2]!, variant: "unsafe" });
    const b = await gcPauseSplitBrain.run({ seed: SEEDS[2]!, variant: "unsafe" });
    expect(b).toEqual(a);
  });
});
