// A counter's final read must be explained by the increments: every acknowledged add counted
// once, every add of unknown outcome counted once or not at all, every failed add not at all. So
// the final value must lie between the sum with no unknown adds taking effect and the sum with the
// ones that move it furthest. (Whether the read could have come from those exact adds is a
// linearizability question; this is the quick check that catches lost and doubled increments.)

import { ConfigError } from "../core/errors.js";
import type { OperationStatus } from "../workload/Operation.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export interface CounterInput {
  /** Default 0. */
  readonly initial?: number;
  readonly adds: readonly { readonly delta: number; readonly outcome: OperationStatus }[];
  readonly finalRead: number;
}

export interface CounterViolation extends Violation {
  readonly kind: "counter-out-of-bounds";
  readonly finalRead: number;
  readonly lowest: number;
  readonly highest: number;
}

export interface CounterReport extends CheckReport<CounterViolation> {
  readonly lowest: number;
  readonly highest: number;
}

export function checkCounter(input: CounterInput): CounterReport {
  let lowest = input.initial ?? 0;
  let highest = lowest;
  input.adds.forEach((add, i) => {
    if (typeof add.delta !== "number" || !Number.isFinite(add.delta)) {
      throw new ConfigError({
        field: `adds[${i}].delta`,
        value: add.delta,
        expected: "a finite number",
        fix: "record the amount each add sent",
      });
    }
    if (add.outcome === "ok") {
      lowest += add.delta;
      highest += add.delta;
    } else if (add.outcome === "info") {
      if (add.delta < 0) lowest += add.delta;
      else highest += add.delta;
    }
  });
  const ok = input.finalRead >= lowest && input.finalRead <= highest;
  const violations: CounterViolation[] = ok
    ? []
    : [
        {
          kind: "counter-out-of-bounds",
          finalRead: input.finalRead,
          lowest,
          highest,
          message:
            input.finalRead < lowest
              ? `final read ${input.finalRead} is below ${lowest}, the least the acknowledged adds allow: increments were lost`
              : `final read ${input.finalRead} is above ${highest}, the most the adds allow: increments were applied twice or invented`,
        },
      ];
  const summary = `final read ${input.finalRead}, allowed [${lowest}, ${highest}] by ${input.adds.length} adds`;
  return { ...report("counter", violations, summary), lowest, highest };
}
