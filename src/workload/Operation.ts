// An operation is one call a client made and what it learned about the outcome. The outcome is
// three-valued, because a client cannot tell a lost request from a lost response:
//
// - `ok`: the call completed with an output; it took effect once, between invocation and completion.
// - `fail`: the call definitely did not take effect (the server said so before doing anything).
// - `info`: unknown (timed out, crashed). It may take effect at any later time, or never, so for
//   checking it stays open until the end of the history, whatever time the client gave up.
//
// Times are integer microseconds on one timeline (virtual time in the simulator; a monotonic clock
// or file order elsewhere). Intervals are closed: a call and a return at the same instant overlap.

import { showValue, type Value } from "./Value.js";

export type OperationStatus = "ok" | "fail" | "info";

/** The client that made a call: a number (Jepsen's process) or a name. */
export type ProcessId = number | string;

export interface Operation {
  /** Unique within its history; the order of invocation. */
  readonly id: number;
  readonly process: ProcessId;
  /** The function called, e.g. `read`, `write`, `cas`, `get`, `put`, `append`. */
  readonly f: string;
  readonly input: Value;
  readonly invokeMicros: number;
  readonly status: OperationStatus;
  /** The output of an `ok` operation (`null` when it returned nothing); `undefined` otherwise. */
  readonly output: Value | undefined;
  /**
   * When the client learned the outcome. For `info` this is when it gave up (or `undefined` if the
   * history ended first); checkers treat an `info` operation as open to the end regardless. An
   * `ok` operation returned, so it must have one: the linearizability checker refuses it without.
   */
  readonly completeMicros: number | undefined;
  /** Why a `fail` or `info` operation ended so (or why a Jepsen `cas` failed), if known. */
  readonly error?: string;
  /** The line of the invocation in the file it was read from, for error messages. */
  readonly line?: number;
}

/** What clients saw: operations in order of invocation. */
export type History = readonly Operation[];

/** A short human-readable form: `p3 write(4) → ok`, `p1 read() → ok 3`, `p2 cas([1,2]) → info`. */
export function describeOperation(op: Operation): string {
  const input = op.input === null ? "" : showValue(op.input);
  let outcome: string = op.status;
  if (op.status === "ok" && op.output !== undefined && op.output !== null) {
    outcome = `ok ${showValue(op.output)}`;
  }
  return `p${op.process} ${op.f}(${input}) → ${outcome}`;
}
