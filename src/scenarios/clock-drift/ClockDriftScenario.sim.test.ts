import { describe, expect, it } from "vitest";
import { clockDrift } from "./ClockDriftScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(80);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("clock-drift scenario", () => {
  it("pins the verdicts over seeds 0..79 and shows drift, NTP's bound and the step back in the figures", async () => {
    const unsafe = await runSweep(clockDrift, "unsafe", SEEDS);
    const safe = await runSweep(clockDrift, "safe", SEEDS);

    // A step back happens when the clock starts more than 128 ms ahead (about a third of seeds):
    // wall-clock stamps then repeat and go out of order; monotonic stamps never do.
    expect(unsafe.properties["timestamps-monotonic"]!.violated).toBeGreaterThanOrEqual(15);
    expect(unsafe.properties["timestamps-monotonic"]!.violated).toBe(
      fig(unsafe, "step.stepped-back").sum,
    );
    expectHeld(safe, "timestamps-monotonic");
    // Both variants measure the same worlds.
    expect(safe.figures).toEqual(unsafe.figures);

    // ±50 ppm for a day: 100 ppm × 86,400 s = 8.64 s between the fastest and the slowest.
    expect(fig(safe, "free.skew-day-s").min).toBeGreaterThan(8.6);
    expect(fig(safe, "free.skew-day-s").max).toBeLessThan(8.7);
    // NTP bounds the skew: about twice its error plus a minute's drift, never near seconds.
    const lan = fig(safe, "lan.skew-max-ms");
    const internet = fig(safe, "internet.skew-max-ms");
    expect(lan.max).toBeLessThan(2 * 35 + 15);
    expect(lan.mean).toBeGreaterThan(35);
    expect(internet.max).toBeLessThan(2 * 100 + 30);
    expect(internet.mean).toBeGreaterThan(lan.mean);
    // The step back is over the step threshold (128 ms) and produces both kinds of disorder.
    expect(fig(safe, "step.back-ms").max).toBeGreaterThan(128);
    expect(fig(safe, "step.wall-repeated").sum).toBeGreaterThan(0);
    expect(fig(safe, "step.wall-out-of-order").sum).toBeGreaterThan(
      fig(safe, "step.wall-repeated").sum,
    );
    expect(fig(safe, "step.monotonic-repeated").sum).toBe(0);
    expect(fig(safe, "step.monotonic-out-of-order").sum).toBe(0);
  });

  it("gives the same outcome for the same seed", async () => {
    const a = await clockDrift.run({ seed: SEEDS[3]!, variant: "unsafe" });
    const b = await clockDrift.run({ seed: SEEDS[3]!, variant: "unsafe" });
    expect(b).toEqual(a);
  });
});
