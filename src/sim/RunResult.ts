// How a run ends: a result with the seed, the end time, the event count, why it stopped and the
// trace hash — or a NodeFailureError naming the node, the time and the seed when a node threw, or
// an EventLimitError when a run meant to go on until the world was quiet hit the event limit.

import { MurphyError } from "../core/errors.js";

export class NodeFailureError extends MurphyError {
  readonly code = "E_NODE_FAILURE";
  readonly definite = true;
  constructor(
    /** The node's id; empty when a detached rejection could not be traced to one node. */
    readonly node: string,
    readonly timeMicros: number,
    readonly seed: string,
    cause: unknown,
    /** `threw`: its code threw; `detached`: it left a promise rejected with no handler. */
    readonly how: "threw" | "detached" = "threw",
  ) {
    const at = `${(timeMicros / 1000).toFixed(3)} ms`;
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      how === "threw"
        ? `node ${node} threw at ${at} (seed ${seed}): ${why}`
        : `${node === "" ? "a node" : `node ${node}`} left a promise rejected with no handler ` +
            `${node === "" ? `(seen when the run ended at ${at}, ` : `at ${at} (`}seed ${seed}): ${why}; ` +
            "await it, or catch it",
      { cause },
    );
  }
}

/**
 * `quiescent`: no event was left. `time-limit`: the next event lay past `untilMs`. `event-limit`:
 * `limits.maxEvents` events ran first (a run without `untilMs` throws EventLimitError instead).
 */
export type StopReason = "quiescent" | "time-limit" | "event-limit";

export interface RunResult {
  seed: string;
  /** Virtual time when the run stopped, in microseconds. */
  endMicros: number;
  events: number;
  stopReason: StopReason;
  traceHash: string;
  /**
   * Set when the run stopped at `limits.maxEvents` before the `untilMs` it was given: the run is
   * shorter than asked. (With the default limit this is also written to stderr as a warning.)
   */
  warning?: string;
}

/** What a run that reached `maxEvents` before `untilMs` says, in its result and on stderr. */
export function eventLimitWarning(result: RunResult, untilMs: number, maxEvents: number): string {
  const endMs = (result.endMicros / 1000).toFixed(3);
  return (
    `the run stopped at limits.maxEvents (${maxEvents} events) at ${endMs} ms of virtual time, ` +
    `before untilMs (${untilMs} ms) (seed ${result.seed}): the rest of the run did not happen; ` +
    "raise limits.maxEvents, or pass a smaller untilMs"
  );
}

/**
 * `run()` without `untilMs` runs until no event is left; this says it reached `limits.maxEvents`
 * first, so the world never went quiet (a heartbeat, a retry loop or an NTP daemon keeps
 * scheduling events). `result` is the run so far, and the world can still be inspected. The fix
 * is to bound the run by virtual time, `run({ untilMs })`, or to raise `limits.maxEvents`.
 */
export class EventLimitError extends MurphyError {
  readonly code = "E_EVENT_LIMIT";
  readonly definite = true;
  readonly field = "limits.maxEvents";
  readonly maxEvents: number;
  readonly result: RunResult;
  readonly fix = "pass run({ untilMs }) to stop at a virtual time, or raise limits.maxEvents";

  constructor(result: RunResult, maxEvents: number) {
    super(
      `run() without untilMs stopped at limits.maxEvents (${maxEvents} events) at ` +
        `${(result.endMicros / 1000).toFixed(3)} ms of virtual time (seed ${result.seed}), with ` +
        "events still pending: this world never goes quiet, so a run until no event is left " +
        "cannot end; pass run({ untilMs }) to stop at a virtual time, or raise limits.maxEvents " +
        "if it does go quiet later",
    );
    this.maxEvents = maxEvents;
    this.result = result;
  }
}
