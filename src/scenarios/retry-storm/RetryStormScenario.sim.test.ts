import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import {
  RETRY_STORM_BURST_STRATEGIES,
  retryStorm,
  runRetryStormBurstWorld,
  runRetryStormWorld,
} from "./RetryStormScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";

const SEEDS = seedRange(24);
const UNBUDGETED = ["no-jitter", "full-jitter", "equal-jitter", "decorrelated-jitter"];
const BUDGETED = ["full-jitter+token-bucket", "full-jitter+ratio-budget"];

function mean(s: VariantSummary, name: string): number {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return f.sum / f.count;
}

describe("retry-storm scenario", () => {
  it("pins the verdicts over seeds 0..23: retries without a budget keep the recovering server overloaded and unserved; jitter with a budget serves at once; in the burst jitter halves the calls", async () => {
    const unsafe = await runSweep(retryStorm, "unsafe", SEEDS);
    const safe = await runSweep(retryStorm, "safe", SEEDS);
    expect(unsafe.properties["no-overload-after-recovery"]!.violated).toBeGreaterThanOrEqual(22);
    expect(unsafe.properties["served-after-recovery"]!.violated).toBeGreaterThanOrEqual(22);
    expect(safe.properties["no-overload-after-recovery"]).toMatchObject({ violated: 0, held: 24 });
    expect(safe.properties["served-after-recovery"]).toMatchObject({ violated: 0, held: 24 });

    // Without a budget, every strategy (jitter or not) retries up to three times per request and
    // the recovering server stays over capacity while new work arrives: most requests fail.
    for (const s of UNBUDGETED) {
      expect(mean(unsafe, `${s}.amplification`)).toBeGreaterThan(2);
      expect(mean(unsafe, `${s}.outage-amplification`)).toBeGreaterThan(2);
      expect(mean(unsafe, `${s}.back-under-capacity`)).toBeGreaterThan(1_000);
      expect(mean(unsafe, `${s}.success-after-recovery`)).toBeLessThan(0.7);
    }
    // With a budget: about 1.1 calls per request during the outage, never over capacity after
    // it, and the requests started after the recovery are served, fast.
    for (const s of BUDGETED) {
      expect(mean(safe, `${s}.outage-amplification`)).toBeGreaterThanOrEqual(1);
      expect(mean(safe, `${s}.outage-amplification`)).toBeLessThanOrEqual(1.2);
      expect(mean(safe, `${s}.amplification`)).toBeLessThanOrEqual(1.1);
      expect(mean(safe, `${s}.back-under-capacity`)).toBe(0);
      expect(mean(safe, `${s}.success-after-recovery`)).toBeGreaterThanOrEqual(0.99);
      expect(mean(safe, `${s}.latency-after-recovery`)).toBeLessThan(20);
      // Fewer than half the calls of no jitter, for more answers.
      expect(mean(safe, `${s}.calls`)).toBeLessThan(0.5 * mean(unsafe, "no-jitter.calls"));
      expect(mean(safe, `${s}.success`)).toBeGreaterThan(mean(unsafe, "no-jitter.success"));
    }
    // The burst (both variants run it, with the same figures): callers that all failed at once
    // contend for a recovering server; every jitter cuts the calls by more than half versus none,
    // every caller is still served, and sooner.
    const JITTERED = ["full-jitter", "equal-jitter", "decorrelated-jitter"];
    for (const s of RETRY_STORM_BURST_STRATEGIES) {
      expect(mean(safe, `burst.${s}.calls`)).toBe(mean(unsafe, `burst.${s}.calls`));
      expect(mean(unsafe, `burst.${s}.success`)).toBe(1);
    }
    const noJitterCalls = mean(unsafe, "burst.no-jitter.calls");
    expect(noJitterCalls).toBeGreaterThan(1_000);
    for (const s of JITTERED) {
      expect(mean(unsafe, `burst.${s}.calls`)).toBeLessThan(0.5 * noJitterCalls);
      expect(mean(unsafe, `burst.${s}.completion-ms`)).toBeLessThan(
        mean(unsafe, "burst.no-jitter.completion-ms"),
      );
    }
    // The key figures differ between the variants' rules.
    expect(mean(unsafe, "rule.success-after-recovery")).toBeLessThan(0.5);
    expect(mean(safe, "rule.success-after-recovery")).toBeGreaterThanOrEqual(0.99);
    const report = retryStorm.report!([unsafe, safe]).join("\n");
    for (const s of [...UNBUDGETED, ...BUDGETED]) expect(report).toContain(s);
    // The burst table comes above the stream table.
    expect(report.indexOf("Burst:")).toBeGreaterThanOrEqual(0);
    expect(report.indexOf("Burst:")).toBeLessThan(report.indexOf("Stream:"));
  });

  it("shows that a seed replays exactly: same trace hash and figures twice", async () => {
    const a = await retryStorm.run({ seed: Seed.parse(7), variant: "safe" });
    const b = await retryStorm.run({ seed: Seed.parse(7), variant: "safe" });
    expect(b).toEqual(a);
    const w = await runRetryStormWorld(
      { seed: Seed.parse(7), variant: "safe" },
      "full-jitter+token-bucket",
    );
    expect(w.calls).toBe(a.figures["full-jitter+token-bucket.calls"]);
    const burst = await runRetryStormBurstWorld(
      { seed: Seed.parse(7), variant: "safe" },
      "no-jitter",
    );
    expect(burst.calls).toBe(a.figures["burst.no-jitter.calls"]);
    expect(burst.completionMs).toBe(a.figures["burst.no-jitter.completion-ms"]);
  });
});
