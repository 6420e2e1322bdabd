import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import {
  compileLatency,
  describeLatency,
  LATENCY_CEILING_MICROS,
  type LatencySpec,
  validateLatency,
} from "./Latency.js";

function draws(spec: LatencySpec, n: number, seed = 1): number[] {
  const sample = compileLatency(validateLatency(spec, "network.latency"));
  const rng = Rng.fromSeed(seed).derive("link");
  return Array.from({ length: n }, () => sample(rng));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("validateLatency", () => {
  it("shows that every kind's example spec is accepted unchanged", () => {
    const specs: LatencySpec[] = [
      { kind: "constant", ms: 5 },
      { kind: "uniform", minMs: 1, maxMs: 10 },
      { kind: "exponential", meanMs: 10, minMs: 1, maxMs: 100 },
      { kind: "lognormal", medianMs: 5, sigma: 0.5 },
      { kind: "pareto", scaleMs: 1, shape: 1.5, maxMs: 1000 },
    ];
    for (const spec of specs) expect(validateLatency(spec, "network.latency")).toEqual(spec);
  });

  it("shows that an unknown kind names the field path and lists the kinds", () => {
    expect(() => validateLatency({ kind: "gaussian" }, "network.latency")).toThrow(
      /`network\.latency\.kind`.*"constant".*"pareto"/,
    );
    expect(() => validateLatency(5, "links.a-b.latency")).toThrow(ConfigError);
  });

  it("shows that negative, NaN and missing values are rejected with the field named", () => {
    expect(() => validateLatency({ kind: "constant", ms: -1 }, "n.l")).toThrow(
      /`n\.l\.ms` must be >= 0/,
    );
    expect(() => validateLatency({ kind: "constant", ms: NaN }, "n.l")).toThrow(/`n\.l\.ms`/);
    expect(() => validateLatency({ kind: "uniform", minMs: 1 }, "n.l")).toThrow(/`n\.l\.maxMs`/);
    expect(() => validateLatency({ kind: "pareto", scaleMs: 1, shape: 0 }, "n.l")).toThrow(/shape/);
    expect(() => validateLatency({ kind: "lognormal", medianMs: 0, sigma: 1 }, "n.l")).toThrow(
      /medianMs/,
    );
  });

  it("shows that min above max is rejected, and min equal to max is the valid edge", () => {
    expect(() => validateLatency({ kind: "uniform", minMs: 10, maxMs: 1 }, "n.l")).toThrow(
      /`n\.l\.minMs` must be at most `n\.l\.maxMs` \(1\)/,
    );
    expect(validateLatency({ kind: "uniform", minMs: 3, maxMs: 3 }, "n.l")).toBeTruthy();
    expect(() => validateLatency({ kind: "exponential", meanMs: 5, minMs: 6 }, "n.l")).toThrow(
      /minMs/,
    );
    expect(() =>
      validateLatency({ kind: "pareto", scaleMs: 5, shape: 1, maxMs: 4 }, "n.l"),
    ).toThrow(/scaleMs/);
  });

  it("shows that a misspelt field is caught instead of silently ignored", () => {
    expect(() => validateLatency({ kind: "uniform", minMs: 1, maxMS: 10 }, "n.l")).toThrow(
      /`n\.l\.maxMS`/,
    );
  });
});

describe("compileLatency", () => {
  it("shows that a constant latency is exactly that many microseconds", () => {
    expect(draws({ kind: "constant", ms: 2.5 }, 3)).toEqual([2500, 2500, 2500]);
  });

  it("shows that uniform draws are whole microseconds within [min, max] and reach both ends", () => {
    const xs = draws({ kind: "uniform", minMs: 0.001, maxMs: 0.004 }, 2000);
    expect(new Set(xs)).toEqual(new Set([1, 2, 3, 4]));
  });

  it("shows that every kind gives non-negative integers within its bounds for any seed", () => {
    const specs: LatencySpec[] = [
      { kind: "uniform", minMs: 1, maxMs: 10 },
      { kind: "exponential", meanMs: 10, minMs: 1, maxMs: 50 },
      { kind: "lognormal", medianMs: 5, sigma: 2, minMs: 0.5, maxMs: 200 },
      { kind: "pareto", scaleMs: 1, shape: 0.5, maxMs: 1000 },
    ];
    const lows = [1000, 1000, 500, 1000];
    const highs = [10_000, 50_000, 200_000, 1_000_000];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        specs.forEach((spec, i) => {
          for (const x of draws(spec, 50, seed)) {
            expect(Number.isInteger(x)).toBe(true);
            expect(x).toBeGreaterThanOrEqual(lows[i]!);
            expect(x).toBeLessThanOrEqual(highs[i]!);
          }
        });
      }),
      { numRuns: 50 },
    );
  });

  it("shows that the named statistic describes the whole delay, the floor included", () => {
    const exp = draws({ kind: "exponential", meanMs: 10, minMs: 2 }, 20_000);
    expect(mean(exp) / 1000).toBeCloseTo(10, 0);
    expect(Math.min(...exp)).toBeGreaterThanOrEqual(2000);
    const logn = draws({ kind: "lognormal", medianMs: 5, sigma: 0.5, minMs: 1 }, 20_000);
    expect(median(logn) / 1000).toBeCloseTo(5, 0);
  });

  it("shows that pareto has a heavy tail: its p99.9 is far above its median", () => {
    const xs = draws({ kind: "pareto", scaleMs: 1, shape: 1.2 }, 20_000).sort((a, b) => a - b);
    expect(xs[0]).toBeGreaterThanOrEqual(1000);
    expect(xs[19_980]! / xs[10_000]!).toBeGreaterThan(50);
  });

  it("shows that an absurd uncapped tail is held at the ceiling, never Infinity", () => {
    const xs = draws({ kind: "pareto", scaleMs: 1, shape: 0.01 }, 1000);
    expect(Math.max(...xs)).toBeLessThanOrEqual(LATENCY_CEILING_MICROS);
    expect(xs.every(Number.isSafeInteger)).toBe(true);
  });

  it("shows that the same seed gives the same delays", () => {
    const spec: LatencySpec = { kind: "lognormal", medianMs: 3, sigma: 1 };
    expect(draws(spec, 100, 9)).toEqual(draws(spec, 100, 9));
  });
});

describe("describeLatency", () => {
  it("shows short descriptions for tables", () => {
    expect(describeLatency({ kind: "uniform", minMs: 1, maxMs: 10 })).toBe("uniform 1–10 ms");
    expect(describeLatency({ kind: "constant", ms: 5 })).toBe("constant 5 ms");
    expect(describeLatency({ kind: "exponential", meanMs: 10, minMs: 1, maxMs: 100 })).toBe(
      "exponential mean 10 ms (min 1 ms, max 100 ms)",
    );
    expect(describeLatency({ kind: "pareto", scaleMs: 1, shape: 1.5 })).toBe(
      "pareto scale 1 ms shape 1.5",
    );
  });
});
