// Nearest-rank percentiles: the p-th percentile of n samples is the ceil(p·n)-th smallest, so it
// is always one of the samples and p = 1 gives the maximum. Shared by the adaptive timeouts and
// the scenarios' figures, so that both mean the same thing by "p99".

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
