// Regression tests for two kernel clock bugs found while writing the clock scenarios: every NTP
// sync of a node drew the same measurement error (the stream was re-derived per sync), and a
// node's TrueTime interval ignored how far off its clock was set before its first sync.
import { describe, expect, it } from "vitest";
import { Simulation } from "./Simulation.js";

describe("kernel clocks", () => {
  it("shows that each NTP sync draws a fresh measurement error", async () => {
    const sim = new Simulation({
      seed: 3,
      nodes: { a: () => ({}) },
      // No drift and a tiny step threshold: after each sync the offset is exactly that sync's error.
      clocks: { ntp: { intervalMs: 1_000, errorMs: 35, stepThresholdMs: 0.001 } },
    });
    const offsets = new Set<number>();
    for (let s = 1; s <= 20; s++)
      sim.at(s * 1_000 + 999, () => offsets.add(sim.clockOf("a").offsetMicros(sim.now)));
    await sim.run({ untilMs: 21_000 });
    expect(offsets.size).toBeGreaterThan(15);
    for (const o of offsets) expect(Math.abs(o)).toBeLessThanOrEqual(35_000);
  });

  it("shows that TrueTime contains true time before the first sync when clocks start offset", async () => {
    for (let seed = 0; seed < 20; seed++) {
      const sim = new Simulation({
        seed,
        nodes: { a: () => ({}), b: () => ({}) },
        clocks: { initialOffsetMsMax: 100, driftPpmMax: 50, driftBoundPpm: 50 },
      });
      for (const id of ["a", "b"]) {
        const clock = sim.clockOf(id);
        const tt = clock.trueTime(5_000_000);
        const trueWall = clock.epochMicros + 5_000_000;
        expect(tt.earliestMicros).toBeLessThanOrEqual(trueWall);
        expect(tt.latestMicros).toBeGreaterThanOrEqual(trueWall);
      }
    }
  });
});
