import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import { DETECTION_BOUND_MS, timeouts, timeoutsFaults } from "./TimeoutsScenario.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(150);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("timeouts scenario", () => {
  it("pins the verdicts over seeds 0..149 and shows the dilemma in the figures", async () => {
    const unsafe = await runSweep(timeouts, "unsafe", SEEDS);
    const safe = await runSweep(timeouts, "safe", SEEDS);

    // Unsafe: fixed 100 ms declares the live, paused server dead in most seeds.
    expect(unsafe.properties["no-false-suspicion"]!.violated).toBeGreaterThanOrEqual(75);
    expectHeld(unsafe, "crash-detected-within-bound");
    // Safe: phi accrual never does, and still declares the real crash within the bound.
    expectHeld(safe, "no-false-suspicion");
    expectHeld(safe, "crash-detected-within-bound");

    // Both variants measure the same worlds: the figures agree.
    const measured = (v: VariantSummary) =>
      Object.entries(v.figures).filter(([name]) => !name.startsWith("acted."));
    expect(measured(safe)).toEqual(measured(unsafe));
    // The tour's key figures: the acted-on detector's false suspicions and detection time.
    expect(fig(unsafe, "acted.false-suspicions").sum).toBeGreaterThan(0);
    expect(fig(safe, "acted.false-suspicions").sum).toBe(0);
    expect(fig(unsafe, "acted.detect-ms").mean).toBeLessThan(fig(safe, "acted.detect-ms").mean);
    const s = safe;
    // Short timeout: many false suspicions, fast detection.
    expect(fig(s, "fixed-100ms.false-suspicions").sum).toBeGreaterThan(100);
    expect(fig(s, "fixed-100ms.detect-ms").mean).toBeLessThan(1_000);
    // Long timeout: none, but about a minute to detect the crash, never within the bound.
    expect(fig(s, "fixed-60s.false-suspicions").sum).toBe(0);
    expect(fig(s, "fixed-60s.detect-ms").mean).toBeGreaterThan(59_000);
    expect(fig(s, "fixed-60s.within-bound").sum).toBe(0);
    // Adaptive detectors in between: few or no false suspicions, detection in seconds.
    expect(fig(s, "adaptive.false-suspicions").sum).toBeLessThan(
      fig(s, "fixed-100ms.false-suspicions").sum / 4,
    );
    expect(fig(s, "phi.false-suspicions").sum).toBe(0);
    for (const d of ["adaptive", "phi"]) {
      const detect = fig(s, `${d}.detect-ms`);
      expect(detect.mean).toBeGreaterThan(fig(s, "fixed-100ms.detect-ms").mean);
      expect(detect.max).toBeLessThanOrEqual(DETECTION_BOUND_MS);
    }
    expect(timeouts.report!([s]).join("\n")).toMatch(/phi\s+0\.0\s+0\/150/);
  });

  it("has GC pauses from milliseconds to seconds and one crash per seed", () => {
    const { faults, crashAtMs } = timeoutsFaults(Seed.parse(7));
    const pauses = faults.flatMap((f) => (f.kind === "pause" ? [f.durationMs] : []));
    expect(pauses.length).toBeGreaterThan(3);
    expect(faults.filter((f) => f.kind === "crash")).toEqual([
      { atMs: crashAtMs, kind: "crash", node: "server" },
    ]);
    const all = seedRange(50).flatMap((seed) =>
      timeoutsFaults(seed).faults.flatMap((f) => (f.kind === "pause" ? [f.durationMs] : [])),
    );
    expect(Math.min(...all)).toBeLessThan(10);
    expect(Math.max(...all)).toBeGreaterThan(1_000);
  });

  it("is deterministic: the same seed gives the same outcome", async () => {
    const a = await timeouts.run({ seed: Seed.parse(3), variant: "safe" });
    const b = await timeouts.run({ seed: Seed.parse(3), variant: "safe" });
    expect(b).toEqual(a);
  });
});
