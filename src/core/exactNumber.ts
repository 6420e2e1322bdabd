// Numbers read from a file must mean what was written. A JavaScript number is a 64-bit float, so
// `9007199254740993` silently becomes `9007199254740992`, `0.30000000000000001` becomes `0.3` and
// `1e400` becomes `Infinity`; a checker comparing such numbers would call two different values
// equal. Here a number token becomes a float only when nothing is lost: an integer when the float
// holds it exactly (else it is kept as a bigint, for the reader to accept or refuse), a decimal
// when it has no more precision than the float (it is then the float's shortest spelling), so that
// two different numbers as written never become the same float.

/** The longest number token read: longer ones are refused before any conversion is attempted. */
export const MAX_NUMBER_TOKEN_CHARS = 400;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * An integer token (an optional sign and digits) as a number when a 64-bit float holds it exactly,
 * else as a bigint. Zero is always `0` (never `-0`).
 */
export function exactInteger(token: string): number | bigint {
  if (!INTEGER.test(token)) throw new RangeError(`not an integer token: ${token}`);
  const big = BigInt(token);
  const n = Number(big);
  if (n === 0) return 0;
  return Number.isFinite(n) && BigInt(n) === big ? n : big;
}

/**
 * The float a decimal token (`1.5`, `-2e10`, `0.25E-3`) stands for, or undefined when a float
 * cannot hold it as written: out of range (`1e400`, `1e-400`) or with more significant digits
 * than the float keeps (`0.30000000000000001`).
 */
export function exactDecimal(token: string): number | undefined {
  const written = normalise(token);
  if (written === undefined) return undefined;
  const n = Number(token);
  if (!Number.isFinite(n)) return undefined;
  if (n === 0) return written.digits === "" ? 0 : undefined;
  const shortest = normalise(String(Math.abs(n)));
  return shortest !== undefined &&
    shortest.digits === written.digits &&
    shortest.exponent === written.exponent &&
    n < 0 === written.negative
    ? n
    : undefined;
}

/** A decimal as sign, significant digits (no leading or trailing zeros) and a power of ten. */
function normalise(
  token: string,
): { negative: boolean; digits: string; exponent: number } | undefined {
  const match = DECIMAL.exec(token);
  if (match === null) return undefined;
  const [, sign, whole = "", fraction = "", exponentText = "0"] = match;
  if (whole === "" && fraction === "") return undefined;
  let digits = whole + fraction;
  let exponent = Number(exponentText) - fraction.length;
  let start = 0;
  while (start < digits.length && digits[start] === "0") start++;
  digits = digits.slice(start);
  let end = digits.length;
  while (end > 0 && digits[end - 1] === "0") end--;
  exponent += digits.length - end;
  digits = digits.slice(0, end);
  if (digits === "") exponent = 0;
  return { negative: sign === "-", digits, exponent };
}
