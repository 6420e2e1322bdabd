// How a run ends: a result with the seed, the end time, the event count, why it stopped and the
// trace hash — or a NodeFailureError naming the node, the time and the seed when a node threw.

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

export type StopReason = "quiescent" | "time-limit" | "event-limit";

export interface RunResult {
  seed: string;
  endMicros: number;
  events: number;
  stopReason: StopReason;
  traceHash: string;
}
