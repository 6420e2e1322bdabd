// A set's final read must be explained by the adds: every acknowledged add present, adds of
// unknown outcome present or not, definitely failed adds absent, nothing else present. Elements
// are compared as values (objects with keys in any order are equal).

import type { OperationStatus } from "../workload/Operation.js";
import { canonicalValue, showValue, type Value } from "../workload/Value.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export interface SetInput {
  readonly adds: readonly { readonly value: Value; readonly outcome: OperationStatus }[];
  readonly finalRead: readonly Value[];
}

export interface SetViolation extends Violation {
  readonly kind: "lost-element" | "failed-add-visible" | "unexpected-element";
  readonly value: Value;
}

export interface SetReport extends CheckReport<SetViolation> {
  readonly acknowledged: number;
  readonly lost: number;
  /** Unknown-outcome adds that the final read shows took effect. */
  readonly recovered: number;
}

export function checkSet(input: SetInput): SetReport {
  const present = new Set(input.finalRead.map(canonicalValue));
  const rank = { fail: 0, info: 1, ok: 2 } as const;
  const best = new Map<string, { value: Value; outcome: OperationStatus }>();
  for (const add of input.adds) {
    const id = canonicalValue(add.value);
    const seen = best.get(id);
    if (seen === undefined || rank[add.outcome] > rank[seen.outcome]) best.set(id, add);
  }
  const violations: SetViolation[] = [];
  let acknowledged = 0;
  let recovered = 0;
  for (const [id, { value, outcome }] of best) {
    if (outcome === "ok") {
      acknowledged++;
      if (!present.has(id)) {
        violations.push({
          kind: "lost-element",
          value,
          message: `acknowledged add of ${showValue(value)} is missing from the final read`,
        });
      }
    } else if (outcome === "info") {
      if (present.has(id)) recovered++;
    } else if (present.has(id)) {
      violations.push({
        kind: "failed-add-visible",
        value,
        message: `add of ${showValue(value)} failed definitely, yet the final read shows it`,
      });
    }
  }
  for (const value of input.finalRead) {
    if (!best.has(canonicalValue(value))) {
      violations.push({
        kind: "unexpected-element",
        value,
        message: `the final read shows ${showValue(value)}, which nobody added`,
      });
    }
  }
  const lost = violations.filter((v) => v.kind === "lost-element").length;
  const summary = `${acknowledged} acknowledged adds, ${lost} lost; ${recovered} unknown-outcome adds took effect; final read has ${input.finalRead.length} elements`;
  return { ...report("set", violations, summary), acknowledged, lost, recovered };
}
