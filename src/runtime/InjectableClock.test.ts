// Shows that a clock jump moves the wall clock and never the monotonic one, that drift makes both
// run fast or slow and stays in the state a restarted process is given, and that the clock's
// timers wait by the node's oscillator.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { InjectableClock } from "./InjectableClock.js";

function machine() {
  const m = { mono: 1_000, wall: 1_700_000_000_000 };
  return {
    m,
    source: { monotonicMs: () => m.mono, wallMs: () => m.wall },
    advance(ms: number) {
      m.mono += ms;
      m.wall += ms;
    },
  };
}

describe("InjectableClock", () => {
  it("steps the wall clock on a jump and leaves the monotonic clock alone", () => {
    const { source, advance } = machine();
    const clock = new InjectableClock({ source });
    const mono = clock.monotonicMs();
    const wall = clock.wallMs();
    clock.jump(-5_000);
    expect(clock.monotonicMs()).toBe(mono);
    expect(clock.wallMs()).toBe(wall - 5_000);
    advance(10);
    expect(clock.monotonicMs()).toBe(mono + 10);
    expect(clock.trueTime()).toEqual({
      earliestMs: wall - 5_000 + 10 - 100,
      latestMs: wall - 5_000 + 10 + 100,
    });
  });

  it("runs fast under positive drift, keeps what drifted when the drift changes, and hands it on", () => {
    const { source, advance } = machine();
    const clock = new InjectableClock({ source, driftPpm: 500 });
    const mono = clock.monotonicMs();
    const wall = clock.wallMs();
    advance(10_000);
    expect(clock.monotonicMs() - mono).toBeCloseTo(10_005, 6);
    expect(clock.wallMs() - wall).toBeCloseTo(10_005, 6);
    clock.setDrift(0);
    advance(10_000);
    expect(clock.wallMs() - wall).toBeCloseTo(20_005, 6);
    expect(clock.state()).toEqual({ offsetMs: 5, driftPpm: 0 });
    expect(clock.machineDelayMs(1_000)).toBe(1_000);
    clock.setDrift(-500);
    expect(clock.machineDelayMs(1_000)).toBeCloseTo(1_000.5, 3);
    const restarted = new InjectableClock({ source, ...clock.state() });
    expect(restarted.wallMs()).toBeCloseTo(clock.wallMs(), 6);
    expect(() => clock.setDrift(1e6)).toThrow(ConfigError);
  });
});
