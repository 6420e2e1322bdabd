// The upper tail of the standard normal distribution, Q(y) = P(Z > y), accurate far into the tail
// where 1 − CDF would round to zero. The phi accrual detector needs −log10 Q(y) for y up to about
// 40 (φ ≈ 350), so the tail is computed on a log scale there.
//
// For |y| < 3 it uses the all-positive series erf(x) = (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1))
// with x = y/√2, which has no cancellation. For y ≥ 3 it uses the continued fraction for Mills'
// ratio, Q(y) = pdf(y) / (y + 1/(y + 2/(y + 3/(y + …)))), evaluated from the bottom up.

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** ln Q(y) for y >= 3, by the Mills-ratio continued fraction. */
function lnUpperTailLarge(y: number): number {
  let t = y;
  for (let k = 80; k >= 1; k--) t = y + k / t;
  return -0.5 * y * y - LN_SQRT_2PI - Math.log(t);
}

/** P(Z > y) for a standard normal Z. */
export function normalUpperTail(y: number): number {
  if (Number.isNaN(y)) return NaN;
  if (y >= 3) return Math.exp(lnUpperTailLarge(y));
  if (y <= -3) return 1 - Math.exp(lnUpperTailLarge(-y));
  const half = 0.5 * erfSeries(Math.abs(y) / Math.SQRT2);
  return y >= 0 ? 0.5 - half : 0.5 + half;
}

/** −log10 P(Z > y): the phi of the accrual detector at standardised silence y. */
export function negLog10NormalUpperTail(y: number): number {
  if (y >= 3) return -lnUpperTailLarge(y) / Math.LN10;
  // Below the mean Q(y) = 1 − Q(−y) is close to 1; log1p keeps φ's small values exact.
  if (y < 0) return -Math.log1p(-normalUpperTail(-y)) / Math.LN10;
  return -Math.log10(normalUpperTail(y));
}
