// A flag's number, read from its text: anything else is a ConfigError that names the flag, the
// text and an example, before any work starts.

import { ConfigError } from "../core/errors.js";

export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** The smallest value allowed; `above` instead excludes it. */
  min?: number;
  above?: number;
  /** What the flag takes, said in the error ("a positive number"). */
  expected: string;
  /** A value to show in the fix: `e.g. --flag <example>`. */
  example: string | number;
}

export function numberFlag(field: string, text: string, rule: NumberRule): number {
  const n = Number(text);
  const ok =
    text.trim() !== "" &&
    (rule.integer === true ? Number.isSafeInteger(n) : Number.isFinite(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.above === undefined || n > rule.above);
  if (!ok) {
    throw new ConfigError({
      field,
      value: text,
      expected: rule.expected,
      fix: `e.g. ${field} ${rule.example}`,
    });
  }
  return n;
}
