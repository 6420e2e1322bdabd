import { describe, expect, it } from "vitest";
import { Seed } from "../core/Rng.js";
import { RETRY_STORM_STRATEGIES, retryStorm, runRetryStormWorld } from "./RetryStormScenario.js";
import { runSweep, seedRange } from "./runSweep.js";
import type { VariantSummary } from "./SweepSummary.js";

const SEEDS = seedRange(30);

function mean(s: VariantSummary, name: string): number {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return f.sum / f.count;
}

describe("retry-storm scenario", () => {
  it("pins the verdicts over seeds 0..29: no jitter overloads the recovering server, jitter with a budget never does", async () => {
    const unsafe = await runSweep(retryStorm, "unsafe", SEEDS);
    const safe = await runSweep(retryStorm, "safe", SEEDS);
    expect(unsafe.properties["no-overload-after-recovery"]!.violated).toBeGreaterThanOrEqual(27);
    expect(safe.properties["no-overload-after-recovery"]).toMatchObject({ violated: 0, held: 30 });

    // The AWS shape: jitter cuts the calls by more than half and finishes far sooner.
    for (const jitter of ["full-jitter", "decorrelated-jitter"]) {
      expect(mean(unsafe, `${jitter}.calls`)).toBeLessThan(0.5 * mean(unsafe, "no-jitter.calls"));
      expect(mean(unsafe, `${jitter}.completion`)).toBeLessThan(
        0.2 * mean(unsafe, "no-jitter.completion"),
      );
    }
    expect(mean(unsafe, "equal-jitter.calls")).toBeLessThan(0.6 * mean(unsafe, "no-jitter.calls"));
    // Without a budget every caller gets through eventually, at several calls per request.
    for (const s of RETRY_STORM_STRATEGIES.slice(0, 4)) {
      expect(mean(unsafe, `${s}.success`)).toBe(1);
      expect(mean(unsafe, `${s}.amplification`)).toBeGreaterThan(3);
    }
    // A budget bounds the amplification near 1.1x, by failing fast during the outage.
    for (const s of ["full-jitter+token-bucket", "full-jitter+ratio-budget"]) {
      expect(mean(safe, `${s}.amplification`)).toBeGreaterThanOrEqual(1);
      expect(mean(safe, `${s}.amplification`)).toBeLessThanOrEqual(1.15);
      expect(mean(safe, `${s}.overloaded`)).toBe(0);
    }
    // Both variants measure every strategy, so their figures agree.
    expect(mean(safe, "no-jitter.calls")).toBe(mean(unsafe, "no-jitter.calls"));
    expect(retryStorm.report!([unsafe, safe]).join("\n")).toContain("full-jitter+ratio-budget");
  });

  it("shows that a seed replays exactly: same trace hash and figures twice", async () => {
    const a = await retryStorm.run({ seed: Seed.parse(7), variant: "unsafe" });
    const b = await retryStorm.run({ seed: Seed.parse(7), variant: "unsafe" });
    expect(b).toEqual(a);
    const w = await runRetryStormWorld({ seed: Seed.parse(7), variant: "unsafe" }, "no-jitter");
    expect(w.calls).toBe(a.figures["no-jitter.calls"]);
  });
});
