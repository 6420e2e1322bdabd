import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { Rng } from "../core/Rng.js";
import { realRuntime } from "../runtime/realRuntime.js";
import { PhiAccrualFailureDetector, type PhiEvent } from "./PhiAccrualFailureDetector.js";

// z with P(Z > z) = 10^-8 for a standard normal Z (so that φ = 8), from tables: 5.612001244.
const Z_PHI_8 = 5.612001244;

describe("PhiAccrualFailureDetector", () => {
  it("shows that, fed normal heartbeat intervals, it suspects only after the closed-form silence μ + pause + z·σ", async () => {
    for (const [meanMs, sdMs] of [
      [1000, 200],
      [500, 40], // σ below the 100 ms floor: the floor applies
      [2000, 700],
    ] as const) {
      const clock = new ManualClock();
      const suspicions: PhiEvent[] = [];
      const detector = new PhiAccrualFailureDetector({
        clock,
        timers: clock,
        maxSampleSize: 200,
        onSuspect: (e) => suspicions.push(e),
      });
      const rng = Rng.fromSeed(meanMs);
      detector.heartbeat();
      const intervals: number[] = [];
      for (let i = 0; i < 200; i++) {
        const interval = Math.max(1, rng.normal(meanMs, sdMs));
        intervals.push(interval);
        clock.advanceMs(interval);
        detector.heartbeat();
      }
      expect(suspicions).toEqual([]);
      // The window holds exactly the 200 sampled intervals (the two seeds have slid out).
      const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
      const sd = Math.sqrt(intervals.reduce((a, b) => a + (b - mean) ** 2, 0) / intervals.length);
      const expectedSilenceMs = mean + 3000 + Z_PHI_8 * Math.max(100, sd);

      const lastBeat = clock.monotonicMs();
      clock.advanceMs(expectedSilenceMs - 1);
      expect(suspicions).toEqual([]);
      expect(detector.isAvailable()).toBe(true);
      clock.advanceMs(2);
      expect(suspicions).toHaveLength(1);
      expect(suspicions[0]!.silenceMs).toBeCloseTo(expectedSilenceMs, 0);
      expect(suspicions[0]!.phi).toBeGreaterThanOrEqual(8);
      expect(detector.isAvailable()).toBe(false);
      expect(clock.monotonicMs() - lastBeat).toBeCloseTo(expectedSilenceMs + 1, 6);
    }
  });

  it("shows Akka's start: after one heartbeat φ uses the 1 s estimate (σ = 250 ms) plus the 3 s pause", () => {
    const clock = new ManualClock();
    const detector = new PhiAccrualFailureDetector({ clock });
    expect(detector.phi()).toBe(0);
    detector.heartbeat();
    expect(detector.model()).toEqual({ meanMs: 4000, stdDeviationMs: 250 });
    clock.advanceMs(4000);
    expect(detector.phi()).toBeCloseTo(Math.log10(2), 10);
    expect(detector.silenceToThresholdMs()).toBeCloseTo(4000 + Z_PHI_8 * 250, 2);
  });

  it("shows that φ grows with silence and a heartbeat from a suspected node fires onAlive", () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const detector = new PhiAccrualFailureDetector({
      clock,
      timers: clock,
      onSuspect: () => events.push(`suspect@${clock.monotonicMs()}`),
      onAlive: () => events.push(`alive@${clock.monotonicMs()}`),
    });
    detector.heartbeat();
    let last = -1;
    for (let t = 0; t < 6000; t += 500) {
      const phi = detector.phiAfter(t);
      expect(phi).toBeGreaterThan(last);
      last = phi;
    }
    clock.advanceMs(10_000);
    detector.heartbeat();
    expect(events).toEqual([expect.stringMatching(/^suspect@54\d\d/), "alive@10000"]);
    expect(detector.isAvailable()).toBe(true);
  });

  it("shows that, as in Akka, the silence before a heartbeat from a suspected node stays out of the history", () => {
    const clock = new ManualClock();
    const detector = new PhiAccrualFailureDetector({ clock });
    detector.heartbeat();
    for (let i = 0; i < 10; i++) {
      clock.advanceMs(1000);
      detector.heartbeat();
    }
    const before = detector.silenceToThresholdMs();
    expect(before).toBeCloseTo(4573, 0);
    clock.advanceMs(60_000);
    expect(detector.isAvailable()).toBe(false);
    detector.heartbeat();
    // Counting the 60 s pause would push the next suspicion out to about 97 s.
    expect(detector.silenceToThresholdMs()).toBe(before);
    // A long silence the node was not yet suspected for still counts.
    clock.advanceMs(4000);
    expect(detector.isAvailable()).toBe(true);
    detector.heartbeat();
    expect(detector.silenceToThresholdMs()).toBeGreaterThan(before);
  });

  it("shows that Akka's logistic formula agrees near the mean and suspects earlier in the far tail", () => {
    const clock = new ManualClock();
    const normal = new PhiAccrualFailureDetector({ clock });
    const logistic = new PhiAccrualFailureDetector({ clock, formula: "logistic" });
    normal.heartbeat();
    logistic.heartbeat();
    expect(logistic.phiAfter(4000)).toBeCloseTo(normal.phiAfter(4000), 6);
    expect(Math.abs(logistic.phiAfter(4250) - normal.phiAfter(4250))).toBeLessThan(0.01);
    expect(logistic.silenceToThresholdMs()).toBeLessThan(normal.silenceToThresholdMs());
  });

  it("shows that bad parameters are refused at construction, naming the value and the fix", () => {
    const clock = new ManualClock();
    expect(() => new PhiAccrualFailureDetector({ clock, threshold: 0 })).toThrow(ConfigError);
    expect(() => new PhiAccrualFailureDetector({ clock, threshold: -1 })).toThrow(
      /`threshold` must be > 0, got -1/,
    );
    expect(() => new PhiAccrualFailureDetector({ clock, maxSampleSize: 0 })).toThrow(
      /maxSampleSize/,
    );
    expect(() => new PhiAccrualFailureDetector({ clock, minStdDeviationMs: 0 })).toThrow(
      /minStdDeviationMs/,
    );
    expect(() => new PhiAccrualFailureDetector({ clock, acceptableHeartbeatPauseMs: -1 })).toThrow(
      /acceptableHeartbeatPauseMs/,
    );
    expect(() => new PhiAccrualFailureDetector({ clock, onSuspect: () => undefined })).toThrow(
      /timers/,
    );
  });

  it("shows that on the real clock a silent node is suspected and a beating one is not", async () => {
    const { clock, timers } = realRuntime();
    let suspected = false;
    const detector = new PhiAccrualFailureDetector({
      clock,
      timers,
      threshold: 1,
      acceptableHeartbeatPauseMs: 0,
      firstHeartbeatEstimateMs: 5,
      minStdDeviationMs: 1,
      onSuspect: () => (suspected = true),
    });
    detector.heartbeat();
    expect(detector.isAvailable()).toBe(true);
    await timers.sleep(40);
    expect(suspected).toBe(true);
    expect(detector.isAvailable()).toBe(false);
    detector.stop();
  });
});
