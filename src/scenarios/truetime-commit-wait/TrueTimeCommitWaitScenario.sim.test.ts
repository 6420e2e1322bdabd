import { describe, expect, it } from "vitest";
import {
  countExternalConsistencyViolations,
  trueTimeCommitWait,
} from "./TrueTimeCommitWaitScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(200);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("truetime-commit-wait scenario", () => {
  it("pins the verdicts over seeds 0..199: wall-clock timestamps break external consistency, commit-wait never", async () => {
    const unsafe = await runSweep(trueTimeCommitWait, "unsafe", SEEDS);
    const safe = await runSweep(trueTimeCommitWait, "safe", SEEDS);

    expect(unsafe.properties["external-consistency"]!.violated).toBeGreaterThanOrEqual(120);
    expectHeld(safe, "external-consistency");
    expect(fig(unsafe, "violations").sum).toBeGreaterThan(500);
    expect(fig(safe, "violations").sum).toBe(0);
    expect(fig(safe, "transactions").sum).toBe(200 * 45);

    // The kernel keeps every TrueTime interval correct; commit-wait relies on it.
    expect(fig(unsafe, "interval-misses").sum).toBe(0);
    expect(fig(safe, "interval-misses").sum).toBe(0);
    // The price: a wait close to 2ε (the sleep rounds up to whole ms), on every commit.
    const epsilon = fig(safe, "epsilon-ms").mean;
    expect(epsilon).toBeGreaterThan(1);
    expect(fig(safe, "wait-over-2-epsilon").min).toBeGreaterThanOrEqual(1);
    expect(fig(safe, "wait-over-2-epsilon").max).toBeLessThan(1.3);
    expect(fig(unsafe, "commit-wait-ms").max).toBe(0);
    expect(fig(safe, "commit-latency-ms").mean - fig(unsafe, "commit-latency-ms").mean).toBeCloseTo(
      fig(safe, "commit-wait-ms").mean,
      0,
    );
  });

  it("counts a transaction invoked after another's acknowledgement but stamped below it", () => {
    const t = (invokedMicros: number, acknowledgedMicros: number, timestampMs: number) => ({
      invokedMicros,
      acknowledgedMicros,
      timestampMs,
    });
    // The second starts after the first is acknowledged yet is stamped earlier; the third
    // overlaps the first, so any order between them is allowed.
    expect(countExternalConsistencyViolations([t(0, 10, 100), t(20, 30, 95), t(5, 15, 90)])).toBe(
      1,
    );
  });

  it("gives the same outcome for the same seed", async () => {
    const a = await trueTimeCommitWait.run({ seed: SEEDS[2]!, variant: "safe" });
    expect(await trueTimeCommitWait.run({ seed: SEEDS[2]!, variant: "safe" })).toEqual(a);
  });
});
