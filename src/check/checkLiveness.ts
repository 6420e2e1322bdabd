// Liveness after faults heal: once the last fault has healed and the system has had `recoveryMicros`
// to recover, every operation must get an answer within `latencyMicros`, and some must succeed.
// Operations invoked too close to the end of the history to have had `latencyMicros` are not
// judged. The report says how long recovery actually took: from the heal to the first successful
// completion of an operation invoked at or after it.

import { ConfigError } from "../core/errors.js";
import { requireNonNegative, requirePositive } from "../core/validate.js";
import type { History, Operation } from "../workload/Operation.js";
import { describeOperation } from "../workload/Operation.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export interface LivenessInput {
  readonly history: History;
  /** When the last fault healed. */
  readonly healedAtMicros: number;
  /** How long the system may take to recover after the heal. */
  readonly recoveryMicros: number;
  /** How long each judged operation may take to complete. Default: `recoveryMicros`. */
  readonly latencyMicros?: number;
  /** When the history ended. Default: the latest time in it. */
  readonly endMicros?: number;
}

export interface LivenessViolation extends Violation {
  readonly kind: "no-response" | "slow-response" | "no-progress";
  readonly operationId?: number;
}

export interface LivenessReport extends CheckReport<LivenessViolation> {
  /** From the heal to the first ok completion of an operation invoked after it; undefined if none. */
  readonly recoveredAfterMicros: number | undefined;
  /** Operations invoked in the judged window. */
  readonly judged: number;
}

export function checkLiveness(input: LivenessInput): LivenessReport {
  const healed = requireNonNegative("healedAtMicros", input.healedAtMicros);
  const recovery = requireNonNegative("recoveryMicros", input.recoveryMicros);
  const latency = requirePositive("latencyMicros", input.latencyMicros ?? Math.max(recovery, 1));
  const end = input.endMicros ?? latestTime(input.history);
  if (end < healed) {
    throw new ConfigError({
      field: "endMicros",
      value: end,
      expected: `>= healedAtMicros (${healed})`,
      fix: "pass the time the history ended, after the heal",
    });
  }
  const from = healed + recovery;
  const until = end - latency;
  const violations: LivenessViolation[] = [];
  let judged = 0;
  let succeeded = 0;
  let firstOk: number | undefined;
  for (const op of input.history) {
    if (op.invokeMicros >= healed && op.status === "ok" && op.completeMicros !== undefined) {
      firstOk = Math.min(firstOk ?? Infinity, op.completeMicros);
    }
    if (op.invokeMicros < from || op.invokeMicros > until) continue;
    judged++;
    const answered = op.status !== "info" && op.completeMicros !== undefined;
    if (!answered) {
      violations.push({
        kind: "no-response",
        operationId: op.id,
        message: `${describeOperation(op)} invoked at ${op.invokeMicros} µs, ${op.invokeMicros - healed} µs after the heal, never got an answer`,
      });
    } else if ((op.completeMicros as number) - op.invokeMicros > latency) {
      violations.push({
        kind: "slow-response",
        operationId: op.id,
        message: `${describeOperation(op)} took ${(op.completeMicros as number) - op.invokeMicros} µs, more than the ${latency} µs allowed after recovery`,
      });
    }
    if (op.status === "ok") succeeded++;
  }
  if (judged > 0 && succeeded === 0) {
    violations.push({
      kind: "no-progress",
      message: `none of the ${judged} operations invoked from ${from} to ${until} µs succeeded: no progress after the heal`,
    });
  }
  const recoveredAfterMicros = firstOk === undefined ? undefined : firstOk - healed;
  const recoveredText =
    recoveredAfterMicros === undefined
      ? "no operation succeeded after the heal"
      : `first success ${recoveredAfterMicros} µs after the heal`;
  const summary =
    judged === 0
      ? `no operations were invoked from ${from} to ${until} µs, so liveness cannot be judged; ${recoveredText}`
      : `${judged} operations judged, ${violations.length} violations; ${recoveredText}`;
  return { ...report("liveness", violations, summary, judged === 0), recoveredAfterMicros, judged };
}

function latestTime(history: History): number {
  let latest = 0;
  for (const op of history as readonly Operation[]) {
    latest = Math.max(latest, op.invokeMicros, op.completeMicros ?? 0);
  }
  return latest;
}
