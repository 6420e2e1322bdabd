// What the fuzz suite shares: how many cases a property runs (a bounded number in `npm test`,
// `npm run fuzz -- --runs N` for more), and the tally of the outcome classes the cases reached, so
// that a run can say what it covered. Every case must end in a verdict or a typed error (a
// MurphyError: a ConfigError, a parse error, ...); anything else (a TypeError, a RangeError from a
// stack overflow) is a bug, and fails the property with the input that caused it.

import { afterAll } from "vitest";
import { MurphyError } from "../../src/core/errors.js";

/** Cases per property: MURPHY_FUZZ_RUNS (set by `npm run fuzz -- --runs N`), else `fallback`. */
export function fuzzRuns(fallback: number): number {
  const runs = Number(process.env.MURPHY_FUZZ_RUNS);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : fallback;
}

const tallies = new Map<string, Map<string, number>>();

/** Counts one case of `suite` as reaching `outcome` (a verdict, or a typed error's code). */
export function tally(suite: string, outcome: string): void {
  let suiteTally = tallies.get(suite);
  if (suiteTally === undefined) {
    suiteTally = new Map();
    tallies.set(suite, suiteTally);
  }
  suiteTally.set(outcome, (suiteTally.get(outcome) ?? 0) + 1);
}

/** The outcomes `suite` reached so far, for assertions that a class was covered. */
export function outcomes(suite: string): ReadonlyMap<string, number> {
  return tallies.get(suite) ?? new Map();
}

/**
 * Runs one case: returns its value, or the typed error it threw (tallied by code). Any other
 * error is rethrown: it is the bug the fuzz suite is looking for.
 */
export function typedOutcome<T>(suite: string, run: () => T): T | MurphyError {
  try {
    return run();
  } catch (error) {
    if (error instanceof MurphyError) {
      tally(suite, error.code);
      return error;
    }
    throw error;
  }
}

/** The same, for a case that runs asynchronously. */
export async function typedOutcomeAsync<T>(
  suite: string,
  run: () => Promise<T>,
): Promise<T | MurphyError> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MurphyError) {
      tally(suite, error.code);
      return error;
    }
    throw error;
  }
}

// One line per suite at the end of its file: how many cases, and which classes they reached.
afterAll(() => {
  for (const [suite, counts] of tallies) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const classes = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(", ");
    console.log(`fuzz ${suite}: ${total} cases: ${classes}`);
  }
  tallies.clear();
});
