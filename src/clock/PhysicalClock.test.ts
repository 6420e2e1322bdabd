import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { AssertionError } from "../core/assert.js";
import { Rng } from "../core/Rng.js";
import { DEFAULT_EPOCH_MS, PhysicalClock, validateClockConfig } from "./PhysicalClock.js";
import { NTP_LAN, ntpSyncOptions, sampleNtpError } from "./NtpConfig.js";

const SECOND = 1_000_000;
const DAY = 86_400 * SECOND;
const EPOCH = DEFAULT_EPOCH_MS * 1000;

describe("PhysicalClock drift", () => {
  it("shows that +50 ppm is 4.32 s ahead and -50 ppm 4.32 s behind after one day: 8.64 s apart", () => {
    const fast = new PhysicalClock({ driftPpm: 50 });
    const slow = new PhysicalClock({ driftPpm: -50 });
    expect(fast.offsetMicros(DAY)).toBe(4_320_000);
    expect(slow.offsetMicros(DAY)).toBe(-4_320_000);
    expect(fast.wallMicros(DAY) - slow.wallMicros(DAY)).toBe(8_640_000);
  });

  it("shows that a perfect clock reads the epoch plus true time, and monotonic starts at 0", () => {
    const clock = new PhysicalClock({ initialOffsetMs: 0 });
    expect(clock.wallMicros(0)).toBe(EPOCH);
    expect(clock.wallMicros(123_456)).toBe(EPOCH + 123_456);
    expect(clock.monotonicMicros(0)).toBe(0);
    expect(clock.monotonicMicros(5 * SECOND)).toBe(5 * SECOND);
  });

  it("shows that changing the drift bends the line without a jump", () => {
    const clock = new PhysicalClock({ driftPpm: 100 });
    const before = clock.offsetMicros(10 * SECOND);
    clock.setDriftPpm(10 * SECOND, -100);
    expect(clock.offsetMicros(10 * SECOND)).toBe(before);
    expect(clock.offsetMicros(20 * SECOND)).toBe(0);
  });
});

describe("PhysicalClock steps", () => {
  it("shows that a backward step makes the wall clock go back while the monotonic clock does not", () => {
    const clock = new PhysicalClock({});
    const wallBefore = clock.wallMicros(SECOND);
    const monoBefore = clock.monotonicMicros(SECOND);
    clock.step(SECOND, -2 * SECOND);
    expect(clock.wallMicros(SECOND)).toBe(wallBefore - 2 * SECOND);
    expect(clock.monotonicMicros(SECOND)).toBe(monoBefore);
    expect(clock.monotonicMicros(SECOND + 1)).toBe(monoBefore + 1);
  });

  it("shows that the monotonic clock never goes back under any sequence of adjustments", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("step" as const), delta: fc.integer({ min: -1e8, max: 1e8 }) }),
      fc.record({ kind: fc.constant("drift" as const), ppm: fc.integer({ min: -500, max: 500 }) }),
      fc.record({ kind: fc.constant("ntp" as const), error: fc.integer({ min: -2e5, max: 2e5 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * SECOND }), op), { maxLength: 40 }),
        (steps) => {
          const clock = new PhysicalClock({ driftPpm: 30 });
          let now = 0;
          let last = clock.monotonicMicros(0);
          for (const [dt, action] of steps) {
            now += dt;
            if (action.kind === "step") clock.step(now, action.delta);
            else if (action.kind === "drift") clock.setDriftPpm(now, action.ppm);
            else clock.ntpSync(now, action.error);
            const mono = clock.monotonicMicros(now);
            expect(mono).toBeGreaterThanOrEqual(last);
            last = mono;
          }
        },
      ),
    );
  });

  it("shows that reading the clock before its last adjustment is a programmer error", () => {
    const clock = new PhysicalClock({});
    clock.step(10, 5);
    expect(() => clock.wallMicros(9)).toThrow(AssertionError);
  });
});

describe("PhysicalClock NTP", () => {
  it("shows that an offset above 128 ms is stepped at once", () => {
    const clock = new PhysicalClock({ initialOffsetMs: 500 });
    const result = clock.ntpSync(SECOND, 1_000);
    expect(result).toEqual({ action: "step", offsetMicros: 499_000, correctionMicros: -499_000 });
    expect(clock.offsetMicros(SECOND)).toBe(1_000);
  });

  it("shows that an offset below 128 ms is slewed at 500 ppm, converging without a jump", () => {
    const clock = new PhysicalClock({ initialOffsetMs: 100 });
    const result = clock.ntpSync(0, 0);
    expect(result).toEqual({
      action: "slew",
      offsetMicros: 100_000,
      correctionMicros: -100_000,
      slewEndsAtMicros: 200 * SECOND, // 100 ms at 500 µs/s
    });
    // Halfway through, half is absorbed; the wall clock never jumps, it runs 500 ppm slow.
    expect(clock.offsetMicros(100 * SECOND)).toBe(50_000);
    const tick = 100_000;
    let prev = clock.wallMicros(100 * SECOND);
    for (let t = 100 * SECOND + tick; t <= 300 * SECOND; t += tick) {
      const wall = clock.wallMicros(t);
      expect(Math.abs(wall - prev - tick)).toBeLessThanOrEqual(tick * 500e-6 + 1);
      prev = wall;
    }
    expect(clock.isSlewing(200 * SECOND)).toBe(false);
    expect(clock.offsetMicros(300 * SECOND)).toBe(0);
  });

  it("shows that 128 ms exactly is the edge: slewed, while 128.001 ms is stepped", () => {
    expect(new PhysicalClock({ initialOffsetMs: 128 }).ntpSync(0, 0).action).toBe("slew");
    expect(new PhysicalClock({ initialOffsetMs: -128.001 }).ntpSync(0, 0).action).toBe("step");
  });

  it("shows that a slew also speeds up the monotonic clock, which still never steps", () => {
    const clock = new PhysicalClock({ initialOffsetMs: -10 });
    clock.ntpSync(0, 0);
    expect(clock.monotonicMicros(10 * SECOND)).toBe(10 * SECOND + 5_000);
  });

  it("shows that NTP-synced clocks stay within the error bound plus drift × interval", () => {
    const intervalMicros = NTP_LAN.intervalMs * 1000;
    for (const driftPpm of [-50, 50, 0, 13]) {
      const rng = Rng.fromSeed(driftPpm + 100).derive("ntp");
      const clock = new PhysicalClock({ driftPpm, syncUncertaintyMs: NTP_LAN.errorMs });
      const boundMicros = NTP_LAN.errorMs * 1000 + Math.abs(driftPpm) * 1e-6 * intervalMicros + 1;
      for (let sync = 0; sync < 200; sync++) {
        const at = sync * intervalMicros;
        clock.ntpSync(at, sampleNtpError(rng, NTP_LAN), ntpSyncOptions(NTP_LAN));
        for (let t = at; t < at + intervalMicros; t += intervalMicros / 16) {
          expect(Math.abs(clock.offsetMicros(t))).toBeLessThanOrEqual(boundMicros);
        }
      }
    }
  });

  it("shows that the NTP error sample is whole microseconds within ±errorMs", () => {
    const rng = Rng.fromSeed(3);
    const xs = Array.from({ length: 1000 }, () => sampleNtpError(rng, NTP_LAN));
    expect(xs.every((x) => Number.isInteger(x) && Math.abs(x) <= 35_000)).toBe(true);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(60_000);
  });
});

describe("PhysicalClock TrueTime", () => {
  it("shows that the interval contains true wall time while drift and sync error stay in bounds", () => {
    const action = fc.oneof(
      fc.record({
        kind: fc.constant("ntp" as const),
        errorMicros: fc.integer({ min: -100_000, max: 100_000 }),
        threshold: fc.constantFrom(0, 128, 1000),
      }),
      fc.record({ kind: fc.constant("drift" as const), ppm: fc.integer({ min: -200, max: 200 }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 600 * SECOND }), action), { maxLength: 30 }),
        (driftPpm, initialOffsetMicros, actions) => {
          const clock = new PhysicalClock({
            driftPpm,
            initialOffsetMs: initialOffsetMicros / 1000,
            syncUncertaintyMs: 100,
          });
          const contains = (now: number) => {
            const { earliestMicros, latestMicros } = clock.trueTime(now);
            expect(earliestMicros).toBeLessThanOrEqual(EPOCH + now);
            expect(latestMicros).toBeGreaterThanOrEqual(EPOCH + now);
          };
          let now = 0;
          contains(now);
          for (const [dt, a] of actions) {
            contains(now + Math.floor(dt / 2));
            now += dt;
            if (a.kind === "ntp") {
              clock.ntpSync(now, a.errorMicros, {
                stepThresholdMs: a.threshold,
                uncertaintyMs: 100,
              });
            } else clock.setDriftPpm(now, a.ppm);
            contains(now);
          }
        },
      ),
    );
  });

  it("shows that the interval widens with time since the last sync and narrows after one", () => {
    const clock = new PhysicalClock({ syncUncertaintyMs: 1 });
    const width = (now: number) => {
      const i = clock.trueTime(now);
      return i.latestMicros - i.earliestMicros;
    };
    expect(width(0)).toBe(2_000);
    expect(width(10 * SECOND)).toBe(2_000 + 2 * 2_000); // 200 ppm over 10 s each side
    clock.ntpSync(10 * SECOND, 0, { uncertaintyMs: 0.5 });
    expect(width(10 * SECOND)).toBe(1_000);
  });
});

describe("validateClockConfig", () => {
  it("shows the defaults: epoch 1.7e12 ms, drift bound 200 ppm, no uncertainty", () => {
    expect(validateClockConfig({}, "clock")).toEqual({
      driftPpm: 0,
      initialOffsetMs: 0,
      epochMs: DEFAULT_EPOCH_MS,
      driftBoundPpm: 200,
      syncUncertaintyMs: 0,
    });
  });

  it("shows that bad values fail with the field path", () => {
    expect(() => validateClockConfig({ driftPpm: NaN }, "nodes.n1.clock")).toThrow(
      /`nodes\.n1\.clock\.driftPpm`/,
    );
    expect(() => validateClockConfig({ driftPpm: 2e6 }, "c")).toThrow(ConfigError);
    expect(() => validateClockConfig({ syncUncertaintyMs: -1 }, "c")).toThrow(/syncUncertaintyMs/);
    expect(() => validateClockConfig({ drift: 5 }, "c")).toThrow(/`c\.drift`/);
    expect(() => new PhysicalClock({ driftBoundPpm: -1 }, "n.clock")).toThrow(
      /n\.clock\.driftBoundPpm/,
    );
  });
});
