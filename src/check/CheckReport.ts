// The common shape of every checker's answer other than linearizability's: a three-valued verdict,
// one sentence that says what was found, and the violations, each with its own message. `unknown`
// means the input could not decide the property (e.g. no final read), never that it held.

export type CheckVerdict = "ok" | "illegal" | "unknown";

export interface Violation {
  /** A stable name for the kind of violation, e.g. `lost-write`. */
  readonly kind: string;
  readonly message: string;
}

export interface CheckReport<V extends Violation = Violation> {
  /** Which checker, e.g. `fencing`. */
  readonly checker: string;
  readonly verdict: CheckVerdict;
  readonly summary: string;
  readonly violations: readonly V[];
}

/** Builds a report: illegal when there are violations, else `ok` or the `unknown` given. */
export function report<V extends Violation>(
  checker: string,
  violations: readonly V[],
  summary: string,
  undecided = false,
): CheckReport<V> {
  const verdict = violations.length > 0 ? "illegal" : undecided ? "unknown" : "ok";
  return { checker, verdict, summary, violations };
}
