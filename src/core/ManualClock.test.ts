import { describe, expect, it } from "vitest";
import { AbortedError, ConfigError } from "./errors.js";
import { ManualClock } from "./ManualClock.js";

describe("ManualClock", () => {
  it("shows that time moves only when advanced, and timers fire in (due time, set order) order", () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push(`b@${clock.monotonicMs()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.monotonicMs()}`));
    clock.setTimer(20, () => fired.push(`c@${clock.monotonicMs()}`));
    expect(clock.monotonicMs()).toBe(0);
    clock.advanceMs(15);
    expect(fired).toEqual(["a@10"]);
    clock.advanceMs(100);
    expect(fired).toEqual(["a@10", "b@20", "c@20"]);
    expect(clock.monotonicMs()).toBe(115);
  });

  it("shows that timers set by a firing timer fire within the same advance when they fall due", () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimer(5, () => clock.setTimer(5, () => fired.push(clock.monotonicMs())));
    clock.advanceMs(10);
    expect(fired).toEqual([10]);
  });

  it("shows that a cleared timer never fires", () => {
    const clock = new ManualClock();
    let fired = false;
    const id = clock.setTimer(5, () => (fired = true));
    clock.clearTimer(id);
    clock.advanceMs(10);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("shows that wall jumps leave monotonic time alone and TrueTime widens wall time", () => {
    const clock = new ManualClock({ wallStartMs: 1000, uncertaintyMs: 7 });
    clock.advanceMs(10);
    clock.jumpWallMs(-500);
    expect(clock.monotonicMs()).toBe(10);
    expect(clock.wallMs()).toBe(510);
    expect(clock.trueTime()).toEqual({ earliestMs: 503, latestMs: 517 });
  });

  it("shows that sleep resolves at its due time and rejects at once when its signal aborts", async () => {
    const clock = new ManualClock();
    const woke: number[] = [];
    void clock.sleep(30).then(() => woke.push(clock.monotonicMs()));
    await clock.advanceMsAsync(30);
    expect(woke).toEqual([30]);

    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort("stop");
    await expect(sleeping).rejects.toBeInstanceOf(AbortedError);
    expect(clock.pendingTimers()).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toBeInstanceOf(AbortedError);
  });

  it("shows that run() drives time until async work settles, and reports work that can never finish", async () => {
    const clock = new ManualClock();
    const work = async () => {
      await clock.sleep(100);
      await clock.sleep(50);
      return clock.monotonicMs();
    };
    await expect(clock.run(work())).resolves.toBe(150);
    await expect(clock.run(new Promise(() => undefined))).rejects.toThrow(/no timer set/);
  });

  it("shows that negative delays and bad options are refused with a ConfigError", () => {
    const clock = new ManualClock();
    expect(() => clock.setTimer(-1, () => undefined)).toThrow(ConfigError);
    expect(() => clock.advanceMs(-5)).toThrow(/`ms` must be >= 0/);
    expect(() => new ManualClock({ uncertaintyMs: -1 })).toThrow(/uncertaintyMs/);
  });
});
