import { describe, expect, it } from "vitest";
import { AbortedError } from "../core/errors.js";
import { CryptoRandom } from "./CryptoRandom.js";
import { RealClock } from "./RealClock.js";
import { RealTimers } from "./RealTimers.js";
import { realRuntime } from "./realRuntime.js";

describe("RealClock", () => {
  it("shows that monotonic time never goes back and TrueTime brackets wall time by the uncertainty", () => {
    const clock = new RealClock({ uncertaintyMs: 25 });
    let last = clock.monotonicMs();
    for (let i = 0; i < 1000; i++) {
      const now = clock.monotonicMs();
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
    const { earliestMs, latestMs } = clock.trueTime();
    expect(latestMs - earliestMs).toBe(50);
    expect(Math.abs(clock.wallMs() - (earliestMs + 25))).toBeLessThan(1000);
    expect(() => new RealClock({ uncertaintyMs: -1 })).toThrow(/uncertaintyMs/);
  });
});

describe("RealTimers", () => {
  it("shows that timers fire in order, clearTimer cancels, and sleep honours its signal", async () => {
    const timers = new RealTimers();
    const fired: string[] = [];
    timers.setTimer(10, () => fired.push("b"));
    timers.setTimer(1, () => fired.push("a"));
    const cancelled = timers.setTimer(5, () => fired.push("never"));
    timers.clearTimer(cancelled);
    await timers.sleep(30);
    expect(fired).toEqual(["a", "b"]);
    const controller = new AbortController();
    const sleeping = timers.sleep(3_600_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(AbortedError);
    expect(() => timers.setTimer(-1, () => undefined)).toThrow(/delayMs/);
  });
});

describe("CryptoRandom", () => {
  it("shows that draws stay in range, small ranges are covered evenly, and realRuntime bundles all three", () => {
    const random = new CryptoRandom();
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const f = random.float();
      expect(f >= 0 && f < 1).toBe(true);
      counts[random.int(3)]! += 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
    expect(random.int(2 ** 40)).toBeLessThan(2 ** 40);
    expect(() => random.int(0)).toThrow(RangeError);
    const rt = realRuntime();
    expect(rt.clock).toBeInstanceOf(RealClock);
    expect(rt.timers).toBeInstanceOf(RealTimers);
    expect(rt.random).toBeInstanceOf(CryptoRandom);
  });
});
