import { describe, expect, it } from "vitest";
import { AbortedError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { realRuntime } from "../runtime/realRuntime.js";
import { TrueTime } from "./TrueTime.js";

describe("TrueTime", () => {
  it("shows that now() is an interval and after/before are true only when certain", () => {
    const clock = new ManualClock({ wallStartMs: 10_000, uncertaintyMs: 7 });
    const tt = new TrueTime({ clock, timers: clock });
    expect(tt.now()).toEqual({ earliestMs: 9_993, latestMs: 10_007 });
    expect(tt.after(9_992)).toBe(true);
    expect(tt.after(9_993)).toBe(false);
    expect(tt.after(10_000)).toBe(false);
    expect(tt.before(10_008)).toBe(true);
    expect(tt.before(10_007)).toBe(false);
    expect(tt.before(10_000)).toBe(false);
  });

  it("shows that commitWait(t) returns only once t is certainly past, about twice the uncertainty after now", async () => {
    const clock = new ManualClock({ wallStartMs: 10_000, uncertaintyMs: 7 });
    const tt = new TrueTime({ clock, timers: clock });
    const commitTs = tt.now().latestMs; // Spanner picks s >= TT.now().latest
    const waited = await clock.run(tt.commitWait(commitTs));
    expect(tt.after(commitTs)).toBe(true);
    expect(clock.wallMs()).toBe(10_015);
    expect(waited).toBe(15);
    await expect(clock.run(tt.commitWait(commitTs))).resolves.toBe(0);
  });

  it("shows that commitWait keeps waiting if the interval widens meanwhile, and stops on abort", async () => {
    const clock = new ManualClock({ wallStartMs: 0, uncertaintyMs: 5 });
    const tt = new TrueTime({ clock, timers: clock });
    const waiting = tt.commitWait(5);
    clock.setUncertaintyMs(20);
    await clock.run(waiting);
    expect(clock.trueTime().earliestMs).toBeGreaterThan(5);
    const controller = new AbortController();
    const aborted = tt.commitWait(10_000, controller.signal);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
  });

  it("shows that commitWait on the real clock ends after t is certainly past", async () => {
    const { clock, timers } = realRuntime({ uncertaintyMs: 3 });
    const tt = new TrueTime({ clock, timers });
    const t = tt.now().latestMs;
    await tt.commitWait(t);
    expect(tt.after(t)).toBe(true);
    expect(clock.trueTime().earliestMs).toBeGreaterThan(t);
  });
});
