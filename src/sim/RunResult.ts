// How a run ends: a result with the seed, the end time, the event count, why it stopped and the
// trace hash — or a NodeFailureError naming the node, the time and the seed when a node threw.

import { MurphyError } from "../core/errors.js";

export class NodeFailureError extends MurphyError {
  readonly code = "E_NODE_FAILURE";
  readonly definite = true;
  constructor(
    readonly node: string,
    readonly timeMicros: number,
    readonly seed: string,
    cause: unknown,
  ) {
    super(
      `node ${node} threw at ${(timeMicros / 1000).toFixed(3)} ms (seed ${seed}): ${cause instanceof Error ? cause.message : String(cause)}`,
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
