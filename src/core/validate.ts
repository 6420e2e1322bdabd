// Configuration checks shared by every layer. Each throws a ConfigError naming the field, the
// value received and the fix; none clamps silently.

import { ConfigError } from "./errors.js";

export function requireNumber(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ConfigError({ field, value, expected: "a finite number", fix: "pass a number" });
  }
  return value;
}

export function requireNonNegative(field: string, value: unknown): number {
  const n = requireNumber(field, value);
  if (n < 0) {
    throw new ConfigError({ field, value, expected: ">= 0", fix: "use zero or a positive value" });
  }
  return n;
}

export function requirePositive(field: string, value: unknown): number {
  const n = requireNumber(field, value);
  if (n <= 0) {
    throw new ConfigError({ field, value, expected: "> 0", fix: "use a positive value" });
  }
  return n;
}

export function requireInteger(field: string, value: unknown, min = -Infinity): number {
  const n = requireNumber(field, value);
  if (!Number.isInteger(n) || n < min) {
    const expected = min === -Infinity ? "an integer" : `an integer >= ${min}`;
    throw new ConfigError({ field, value, expected, fix: `pass a whole number >= ${min}` });
  }
  return n;
}

export function requireRange(field: string, value: unknown, min: number, max: number): number {
  const n = requireNumber(field, value);
  if (n < min || n > max) {
    throw new ConfigError({
      field,
      value,
      expected: `in [${min}, ${max}]`,
      fix: `choose a value between ${min} and ${max}`,
    });
  }
  return n;
}

export function requireOneOf<T extends string>(
  field: string,
  value: unknown,
  options: readonly T[],
): T {
  if (typeof value !== "string" || !options.includes(value as T)) {
    throw new ConfigError({
      field,
      value,
      expected: `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`,
      fix: "use one of the listed values",
    });
  }
  return value as T;
}
