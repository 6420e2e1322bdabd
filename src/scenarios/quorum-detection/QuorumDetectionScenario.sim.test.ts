import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import {
  quorumDetection,
  quorumDetectionFaults,
  runQuorumDetectionWorld,
} from "./QuorumDetectionScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";

const SEEDS = seedRange(200);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("quorum-detection scenario", () => {
  it("pins the verdicts over seeds 0..199: one observer declares a live node dead, a majority never does, both detect the crash", async () => {
    const unsafe = await runSweep(quorumDetection, "unsafe", SEEDS);
    const safe = await runSweep(quorumDetection, "safe", SEEDS);
    expect(unsafe.properties["no-false-declaration"]!.violated).toBeGreaterThanOrEqual(120);
    expect(safe.properties["no-false-declaration"]).toMatchObject({ violated: 0, held: 200 });
    expect(unsafe.properties["crash-detected"]).toMatchObject({ violated: 0, held: 200 });
    expect(safe.properties["crash-detected"]).toMatchObject({ violated: 0, held: 200 });

    // Dozens of false declarations per hour from one observer, none from the majority.
    expect(fig(safe, "single.false-per-hour").mean).toBeGreaterThan(50);
    expect(fig(safe, "quorum.false-declarations").sum).toBe(0);
    // The majority still declares the crash within a timeout plus a heartbeat interval and the
    // reports' latency; the single observer can be late by a whole pause.
    expect(fig(safe, "quorum.detection-max").max).toBeLessThanOrEqual(400 + 100 + 10);
    expect(fig(safe, "quorum.detection").mean).toBeGreaterThan(300);
    expect(fig(safe, "single.detection-max").max).toBeGreaterThan(1_000);
  });

  it("shows that the faults hit at most two of the five observers at once, and that a seed replays exactly", async () => {
    for (const seed of seedRange(50)) {
      const { faults } = quorumDetectionFaults(seed);
      const starts = new Map<number, number>();
      for (const f of faults) {
        if (f.kind === "cut" || f.kind === "pause")
          starts.set(f.atMs, (starts.get(f.atMs) ?? 0) + 1);
      }
      for (const hit of starts.values()) expect(hit).toBeLessThanOrEqual(2);
    }
    const a = await runQuorumDetectionWorld({ seed: Seed.parse(8) });
    const b = await runQuorumDetectionWorld({ seed: Seed.parse(8) });
    expect(b.hash).toBe(a.hash);
    // Seed 8 once spun forever in the heartbeat detector (a float-rounding re-arm at one instant).
    expect(a.events).toBeLessThan(10_000);
  });
});
