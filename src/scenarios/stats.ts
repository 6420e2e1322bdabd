// Small statistics shared by the scenarios: nearest-rank percentiles (src/core/percentile.ts) and
// means over plain arrays of numbers.

import { percentileOfSorted } from "../core/percentile.js";

export { percentile, percentileOfSorted } from "../core/percentile.js";

/** Sorts a copy ascending (numerically); pass it to `percentileOfSorted` for several percentiles. */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Several percentiles at once (one sort). */
export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => percentileOfSorted(sorted, p));
}

/** Arithmetic mean; NaN when empty. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}
