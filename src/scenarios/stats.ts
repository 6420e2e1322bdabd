// Small statistics shared by the scenarios: nearest-rank percentiles and means over plain arrays
// of numbers. Nearest-rank (as in AdaptiveTimeout): the p-th percentile of n samples is the
// ceil(p·n)-th smallest, so it is always one of the samples and p = 1 gives the maximum.

/** Sorts a copy ascending (numerically); pass it to `percentileOfSorted` for several percentiles. */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Nearest-rank percentile of an ascending array; p in (0, 1]. NaN when empty. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile must be in (0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = Math.ceil(p * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** Nearest-rank percentile of unsorted values; p in (0, 1]. NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
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
