import { describe, expect, it } from "vitest";
import { mean, percentile, percentiles, percentileOfSorted, sortedCopy } from "./stats.js";

describe("scenario stats", () => {
  it("takes nearest-rank percentiles, numerically sorted", () => {
    const xs = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 100];
    expect(percentile(xs, 0.5)).toBe(6);
    expect(percentile(xs, 1)).toBe(100);
    expect(percentile(xs, 0.01)).toBe(1);
    expect(percentiles(xs, [0.5, 0.99])).toEqual([6, 100]);
    expect(percentileOfSorted(sortedCopy(xs), 0.9)).toBe(10);
    expect(percentile([], 0.5)).toBeNaN();
    expect(() => percentile(xs, 0)).toThrow(RangeError);
  });

  it("takes the mean", () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(mean([])).toBeNaN();
  });
});
