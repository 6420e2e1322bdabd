// A FIFO queue, initially empty:
//   enqueue(v) → appends v
//   dequeue()  → removes and returns the oldest value, or nil when the queue is empty

import { hashValue, showValue, valuesEqual, type Value } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";

type QueueState = readonly Value[];

export const queueModel = defineModel<QueueState>({
  name: "queue",
  init: () => [],
  apply(state, f, input) {
    if (f === "enqueue") return { state: [...state, input], output: null };
    if (state.length === 0) return { state, output: null };
    return { state: state.slice(1), output: state[0] as Value };
  },
  outputMatches: (f, expected, seen) => f === "enqueue" || valuesEqual(expected, seen),
  readOnly: (call) => call.f === "dequeue" && call.output === null,
  equal: (a, b) => a.length === b.length && a.every((v, i) => valuesEqual(v, b[i] as Value)),
  hash: (state) => hashValue(state),
  describeState: (state) => showValue(state),
  validate: (call) =>
    call.f === "enqueue" || call.f === "dequeue" ? undefined : "f to be enqueue or dequeue",
});
