// Records what clients saw, as they see it: a call is invoked, and later the client learns it
// completed (`ok`), definitely failed (`fail`) or does not know (`info`). The recorder takes its
// time from a function passed in, so the same code records virtual time in the simulator and a
// monotonic clock in the real runtime. A call still pending when the history is taken is `info`:
// the client never learned its outcome.

import { assert } from "../core/assert.js";
import { MurphyError } from "../core/errors.js";
import { requireInteger } from "../core/validate.js";
import type { History, Operation, ProcessId } from "./Operation.js";
import { isValue, type Value } from "./Value.js";

/** The client's side of one call: report exactly one outcome. */
export interface OperationHandle {
  readonly id: number;
  ok(output?: Value): void;
  /** The call definitely did not take effect. */
  fail(error?: string): void;
  /** The outcome is unknown (timeout, crash): the call may take effect later, or never. */
  info(error?: string): void;
}

export interface HistoryRecorderOptions {
  /** The current time in integer microseconds; must never go backwards. */
  nowMicros: () => number;
  /** Histories are bounded like everything else; invoking beyond this throws. */
  maxOperations?: number;
}

/** Raised when a recorder would grow beyond its `maxOperations`. */
export class HistoryFullError extends MurphyError {
  readonly code = "E_HISTORY_FULL";
  readonly definite = true;
  constructor(readonly maxOperations: number) {
    super(
      `the history already holds ${maxOperations} operations (its maxOperations); ` +
        "raise maxOperations or run a shorter workload",
    );
  }
}

interface Pending {
  readonly id: number;
  readonly process: ProcessId;
  readonly f: string;
  readonly input: Value;
  readonly invokeMicros: number;
  outcome?: { status: Operation["status"]; output?: Value; error?: string; atMicros: number };
}

export class HistoryRecorder {
  private readonly nowMicros: () => number;
  private readonly maxOperations: number;
  private readonly calls: Pending[] = [];
  private lastMicros = -Infinity;

  constructor(options: HistoryRecorderOptions) {
    this.nowMicros = options.nowMicros;
    this.maxOperations = requireInteger("maxOperations", options.maxOperations ?? 1_000_000, 1);
  }

  /** Records an invocation now; the returned handle records its outcome. */
  invoke(process: ProcessId, f: string, input: Value = null): OperationHandle {
    assert(isValue(input), () => `input of ${f} must be JSON data, got ${String(input)}`);
    if (this.calls.length >= this.maxOperations) throw new HistoryFullError(this.maxOperations);
    const call: Pending = { id: this.calls.length, process, f, input, invokeMicros: this.now() };
    this.calls.push(call);
    const complete = (status: Operation["status"], output?: Value, error?: string) => {
      assert(call.outcome === undefined, () => `operation ${call.id} (${f}) completed twice`);
      call.outcome = { status, atMicros: this.now() };
      if (output !== undefined) call.outcome.output = output;
      if (error !== undefined) call.outcome.error = error;
    };
    return {
      id: call.id,
      ok: (output: Value = null) => {
        assert(isValue(output), () => `output of ${f} must be JSON data, got ${String(output)}`);
        complete("ok", output);
      },
      fail: (error?: string) => complete("fail", undefined, error),
      info: (error?: string) => complete("info", undefined, error),
    };
  }

  /** Number of operations invoked so far. */
  get size(): number {
    return this.calls.length;
  }

  /** The history so far; calls still pending are `info` with no completion time. */
  history(): History {
    return this.calls.map((call): Operation => {
      const outcome = call.outcome;
      const base = {
        id: call.id,
        process: call.process,
        f: call.f,
        input: call.input,
        invokeMicros: call.invokeMicros,
      };
      if (outcome === undefined) {
        return { ...base, status: "info", output: undefined, completeMicros: undefined };
      }
      const op: Operation = {
        ...base,
        status: outcome.status,
        output: outcome.status === "ok" ? (outcome.output ?? null) : undefined,
        completeMicros: outcome.atMicros,
      };
      return outcome.error === undefined ? op : { ...op, error: outcome.error };
    });
  }

  private now(): number {
    const t = this.nowMicros();
    assert(Number.isFinite(t), () => `nowMicros() returned ${t}`);
    assert(t >= this.lastMicros, () => `time went backwards: ${t} after ${this.lastMicros}`);
    this.lastMicros = t;
    return t;
  }
}
