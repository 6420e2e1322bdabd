// What the linearizability checker answers, as plain JSON data ready for a report. `unknown` means
// a budget ran out first, and says which; it is never rounded up to `ok`.

import type { OperationStatus, ProcessId } from "../workload/Operation.js";
import type { Value } from "../workload/Value.js";

/** An operation as reports show it. */
export interface OperationReport {
  readonly id: number;
  readonly process: ProcessId;
  readonly f: string;
  readonly input: Value;
  readonly output?: Value;
  readonly status: OperationStatus;
  readonly invokeMicros: number;
  /** Absent when the operation is open to the end (`info`). */
  readonly completeMicros?: number;
  readonly line?: number;
  /** The model's rendering, e.g. `cas([1,2]) → false`. */
  readonly text: string;
}

/** The longest prefix of a legal order the search found in a part, and where it got stuck. */
export interface PartialLinearization {
  readonly partition: string;
  /** Operations in the order they took effect. */
  readonly operations: readonly OperationReport[];
  /** The model's state after them. */
  readonly stateAfter: string;
  /** The operation that completed without any legal place to take effect before it. */
  readonly blocked: OperationReport;
  /**
   * What the model, in the state after `operations`, would have returned for `blocked`, where the
   * client saw `blocked.output`. Present when the model can say (it has `apply`, as every model
   * built with `defineModel` does) and the output seen is not one that state allows.
   */
  readonly expected?: Value;
  /** Every operation that could have gone next, and why none leads to a legal order. */
  readonly candidates: readonly { readonly operation: OperationReport; readonly reason: string }[];
}

export interface LinearizabilityStats {
  readonly operations: number;
  readonly partitions: number;
  /** Model steps taken by the search. */
  readonly steps: number;
  /** (linearised set, state) pairs remembered. */
  readonly visitedStates: number;
  /** Set when the checker was given a clock. */
  readonly elapsedMs?: number;
}

export type UnknownReason = "steps" | "memory" | "timeout" | "heap";

export type LinearizabilityResult =
  | { readonly verdict: "ok"; readonly model: string; readonly stats: LinearizabilityStats }
  | {
      readonly verdict: "illegal";
      readonly model: string;
      readonly stats: LinearizabilityStats;
      readonly partition: string;
      /** The operations that cannot be linearised: the blocked one and the candidates it beat. */
      readonly unlinearizable: readonly OperationReport[];
      readonly longest: readonly PartialLinearization[];
    }
  | {
      readonly verdict: "unknown";
      readonly model: string;
      readonly stats: LinearizabilityStats;
      /**
       * The budget that ran out: `steps` (maxSteps) or `memory` (maxStateBytes), both
       * deterministic; or one of the two stops that depend on the machine: `timeout` (the
       * wall-time guard timeoutMs, set by the caller) and `heap` (the last-resort stop near the
       * V8 heap's limit).
       */
      readonly reason: UnknownReason;
      /** The parts not yet decided when the budget ran out. */
      readonly undecided: readonly string[];
    };
