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

/**
 * Rejects keys the object does not know (a misspelt `lossProbabilty` would otherwise be ignored
 * silently, which JavaScript and JSON users would never notice). Undefined values are allowed.
 */
export function requireKnownKeys(
  field: string,
  value: unknown,
  known: readonly string[],
  example?: string,
): void {
  if (value === undefined || value === null || typeof value !== "object" || Array.isArray(value))
    return;
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = known.find(
      (k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2,
    );
    throw new ConfigError({
      field: field === "" ? key : `${field}.${key}`,
      value: (value as Record<string, unknown>)[key],
      expected: "a known setting",
      fix:
        (near !== undefined ? `did you mean \`${near}\`?` : `known: ${known.join(", ")}`) +
        (example !== undefined ? `; e.g. ${example}` : ""),
    });
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
