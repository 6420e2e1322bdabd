import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import {
  constantBackoff,
  decorrelatedJitterBackoff,
  equalJitterBackoff,
  exponentialBackoff,
  fullJitterBackoff,
  type Backoff,
} from "./Backoff.js";

const shapeArb = fc
  .record({ baseMs: fc.double({ min: 0.001, max: 10_000, noNaN: true }), extra: fc.nat(100_000) })
  .map(({ baseMs, extra }) => ({ baseMs, capMs: baseMs + extra }));

function strategies(shape: { baseMs: number; capMs: number }, jitterRatio: number): Backoff[] {
  return [
    constantBackoff(shape.baseMs),
    exponentialBackoff(shape),
    exponentialBackoff({ ...shape, factor: 1.5, jitterRatio }),
    fullJitterBackoff(shape),
    equalJitterBackoff(shape),
    decorrelatedJitterBackoff(shape),
  ];
}

describe("Backoff", () => {
  it("shows that every strategy's delay lies within its bounds and the cap, for every retry (property)", () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (shape, jitterRatio, seed) => {
          const random = Rng.fromSeed(seed);
          for (const backoff of strategies(shape, jitterRatio)) {
            let previous: number | undefined;
            for (let retry = 0; retry < 60; retry++) {
              const { minMs, maxMs } = backoff.boundsMs(retry, previous);
              const delay = backoff.delayMs(retry, previous, random);
              expect(delay).toBeGreaterThanOrEqual(0);
              expect(delay).toBeGreaterThanOrEqual(minMs);
              expect(delay).toBeLessThanOrEqual(maxMs);
              if (backoff.kind !== "constant") expect(delay).toBeLessThanOrEqual(shape.capMs);
              previous = delay;
            }
          }
        },
      ),
    );
  });

  it("shows the textbook values: exponential doubles to the cap, full jitter spans [0, that]", () => {
    const exp = exponentialBackoff({ baseMs: 100, capMs: 1000 });
    const rng = Rng.fromSeed(1);
    expect([0, 1, 2, 3, 4, 50, 5000].map((n) => exp.delayMs(n, undefined, rng))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
    expect(fullJitterBackoff({ baseMs: 100, capMs: 1000 }).boundsMs(3, undefined)).toEqual({
      minMs: 0,
      maxMs: 800,
    });
    expect(equalJitterBackoff({ baseMs: 100, capMs: 1000 }).boundsMs(2, undefined)).toEqual({
      minMs: 200,
      maxMs: 400,
    });
    expect(decorrelatedJitterBackoff({ baseMs: 100, capMs: 1000 }).boundsMs(7, 250)).toEqual({
      minMs: 100,
      maxMs: 750,
    });
  });

  it("shows that jitter actually spreads delays: full jitter's mean is about half its bound", () => {
    const backoff = fullJitterBackoff({ baseMs: 100, capMs: 100_000 });
    const rng = Rng.fromSeed(9);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += backoff.delayMs(3, undefined, rng);
    expect(sum / 10_000).toBeGreaterThan(380);
    expect(sum / 10_000).toBeLessThan(420);
  });

  it("shows that bad arguments are refused at construction with the value and the fix", () => {
    expect(() => constantBackoff(-1)).toThrow(ConfigError);
    expect(() => constantBackoff(-1)).toThrow(/`delayMs` must be >= 0, got -1/);
    expect(() => fullJitterBackoff({ baseMs: 0, capMs: 10 })).toThrow(/`baseMs` must be > 0/);
    expect(() => equalJitterBackoff({ baseMs: 100, capMs: 50 })).toThrow(
      /`capMs` must be >= baseMs \(100\), got 50; raise capMs/,
    );
    expect(() => exponentialBackoff({ baseMs: 1, capMs: 2, jitterRatio: 1.5 })).toThrow(
      /`jitterRatio` must be in \[0, 1\], got 1.5/,
    );
    expect(() => exponentialBackoff({ baseMs: 1, capMs: 2, factor: 0.5 })).toThrow(/factor/);
    expect(() => decorrelatedJitterBackoff({ baseMs: NaN, capMs: 2 })).toThrow(/finite number/);
  });
});
