// Lamport's logical clock (1978). Each node keeps a counter: it ticks on every local event and on
// every send, and on receipt jumps past the counter carried by the message. If event a happened
// before event b, then a's timestamp is less than b's. The converse does not hold: Lamport order
// extends happened-before to a total order (ties broken by node id) without detecting concurrency;
// use VectorClock for that.

import { ConfigError } from "../core/errors.js";
import { requireInteger } from "../core/validate.js";

export interface LamportTimestamp {
  readonly time: number;
  readonly nodeId: string;
}

/** Total order: by time, then by node id (code-unit order). Negative, zero or positive. */
export function compareLamport(a: LamportTimestamp, b: LamportTimestamp): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.nodeId === b.nodeId) return 0;
  return a.nodeId < b.nodeId ? -1 : 1;
}

export class LamportClock {
  private time: number;

  constructor(
    readonly nodeId: string,
    initialTime = 0,
  ) {
    if (typeof nodeId !== "string" || nodeId === "") {
      throw new ConfigError({
        field: "nodeId",
        value: nodeId,
        expected: "a non-empty string",
        fix: "name the node, e.g. 'n1'; the id breaks ties in the total order",
      });
    }
    this.time = requireInteger("initialTime", initialTime, 0);
  }

  /** The timestamp of the latest event, without creating one. */
  peek(): LamportTimestamp {
    return { time: this.time, nodeId: this.nodeId };
  }

  /** A local event. */
  tick(): LamportTimestamp {
    this.time += 1;
    return this.peek();
  }

  /** A send: ticks and returns the timestamp to put on the message. */
  send(): LamportTimestamp {
    return this.tick();
  }

  /** A receive: moves past the message's time, then ticks; returns the receive event's stamp. */
  receive(message: LamportTimestamp | number): LamportTimestamp {
    const remote = typeof message === "number" ? message : message.time;
    requireInteger("message.time", remote, 0);
    this.time = Math.max(this.time, remote) + 1;
    return this.peek();
  }
}
