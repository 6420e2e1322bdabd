import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { realRuntime } from "../runtime/realRuntime.js";
import { HeartbeatFailureDetector } from "./HeartbeatFailureDetector.js";

describe("HeartbeatFailureDetector", () => {
  it("shows that a node is suspected exactly when the silence reaches the timeout, and alive again on a heartbeat", () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const detector = new HeartbeatFailureDetector({
      clock,
      timers: clock,
      timeoutMs: 1000,
      onSuspect: (e) => events.push(`suspect@${clock.monotonicMs()} after ${e.silenceMs}`),
      onAlive: (e) => events.push(`alive@${clock.monotonicMs()} after ${e.silenceMs}`),
    });
    expect(detector.isAvailable()).toBe(true);
    detector.heartbeat();
    clock.advanceMs(600);
    detector.heartbeat();
    clock.advanceMs(999);
    expect(detector.isAvailable()).toBe(true);
    expect(events).toEqual([]);
    clock.advanceMs(1);
    expect(detector.isAvailable()).toBe(false);
    clock.advanceMs(5000);
    detector.heartbeat();
    expect(events).toEqual(["suspect@1600 after 1000", "alive@6600 after 6000"]);
    detector.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it("shows that a node never heard from is not suspected (no evidence), and bad timeouts are refused", () => {
    const clock = new ManualClock();
    const detector = new HeartbeatFailureDetector({ clock, timeoutMs: 10 });
    clock.advanceMs(1000);
    expect(detector.isAvailable()).toBe(true);
    expect(detector.silenceMs()).toBeUndefined();
    expect(() => new HeartbeatFailureDetector({ clock, timeoutMs: 0 })).toThrow(ConfigError);
  });

  it("shows that on the real clock a silent node is suspected", async () => {
    const { clock, timers } = realRuntime();
    let suspected = false;
    const detector = new HeartbeatFailureDetector({
      clock,
      timers,
      timeoutMs: 5,
      onSuspect: () => (suspected = true),
    });
    detector.heartbeat();
    await timers.sleep(30);
    expect(suspected).toBe(true);
  });
});

describe("HeartbeatFailureDetector on a timer service that rounds delays to whole microseconds", () => {
  it("shows that a silence that falls short of the timeout only by float rounding still ends in a suspicion, not an endless re-arm at one instant", () => {
    // Time in whole microseconds, read as ms (micros / 1000), as the simulator does.
    let nowMicros = 1_801_461;
    const due: { atMicros: number; callback: () => void }[] = [];
    let fired = 0;
    const clock = { monotonicMs: () => nowMicros / 1000 };
    const timers = {
      setTimer: (delayMs: number, callback: () => void) => {
        due.push({ atMicros: nowMicros + Math.round(delayMs * 1000), callback });
        return due.length;
      },
      clearTimer: () => {},
      sleep: () => Promise.resolve(),
    };
    const suspicions: number[] = [];
    const detector = new HeartbeatFailureDetector({
      clock,
      timers,
      timeoutMs: 400,
      onSuspect: () => suspicions.push(nowMicros),
    });
    detector.heartbeat();
    // 2201.461 - 1801.461 is 399.99999999999994 in floating point.
    expect(2201.461 - 1801.461).toBeLessThan(400);
    while (due.length > 0 && fired < 1000) {
      due.sort((a, b) => a.atMicros - b.atMicros);
      const next = due.shift()!;
      nowMicros = next.atMicros;
      fired++;
      next.callback();
    }
    expect(fired).toBeLessThan(5);
    expect(suspicions).toHaveLength(1);
    expect(suspicions[0]! - 1_801_461).toBeGreaterThanOrEqual(400_000);
    expect(suspicions[0]! - 1_801_461).toBeLessThanOrEqual(400_001);
  });
});
