import { describe, expect, it } from "vitest";
import { negLog10NormalUpperTail, normalUpperTail } from "./normalTail.js";

// Reference values of Q(y) = P(Z > y), from standard tables (Abramowitz and Stegun, 26.2).
const TABLE: [number, number][] = [
  [-2, 0.9772498680518208],
  [-1, 0.8413447460685429],
  [0, 0.5],
  [0.5, 0.3085375387259869],
  [1, 0.15865525393145707],
  [2, 0.022750131948179195],
  [3, 0.0013498980316301035],
  [4, 3.1671241833119863e-5],
  [5, 2.866515718791939e-7],
  [6, 9.865876450377e-10],
  [8, 6.220960574271785e-16],
  [10, 7.61985302416047e-24],
];

describe("normalUpperTail", () => {
  it("shows that the tail matches tabulated values to 1e-9 relative error, far into the tail", () => {
    for (const [y, q] of TABLE) {
      expect(Math.abs(normalUpperTail(y) - q) / q).toBeLessThan(1e-9);
    }
  });

  it("shows that the two methods meet smoothly at y = 3 and −log10 stays finite at y = 40", () => {
    expect(normalUpperTail(2.9999999) / normalUpperTail(3)).toBeCloseTo(1, 6);
    expect(negLog10NormalUpperTail(40)).toBeGreaterThan(349);
    expect(Number.isFinite(negLog10NormalUpperTail(40))).toBe(true);
    expect(negLog10NormalUpperTail(0)).toBeCloseTo(Math.log10(2), 12);
  });
});
