// A FIFO queue, initially empty:
//   enqueue(v) → appends v
//   dequeue()  → removes and returns the oldest value, or nil when the queue is empty
// Since nil means "empty", nil cannot be an element: enqueue(nil) is refused as invalid input.
// Otherwise a dequeue returning nil could have removed an element, and no longer be read-only.

import { hashValue, showValue, valuesEqual, type Value } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";
import { ARRAY_BYTES, SLOT_BYTES } from "./stateBytes.js";

type QueueState = readonly Value[];

/**
 * A FIFO queue of JSON values, initially empty. The calls, as `f(input) → output`:
 *
 * - `enqueue`, input the value (not nil) → any output (not compared); appends it.
 * - `dequeue`, input `null` → the oldest value, which it removes, or nil (`null`) when the queue
 *   is empty. Since nil means "empty", `enqueue(nil)` is refused as invalid input.
 *
 * An `info` enqueue may take effect at any instant after its invocation, or never; an `info`
 * dequeue may have removed the oldest value at some instant, or nothing. A `fail` call did not
 * happen. The whole history is one part.
 */
export const queueModel = defineModel<QueueState>({
  name: "queue",
  init: () => [],
  apply(state, f, input) {
    // concat, not spread: spread grows its array as it goes and leaves up to half of it unused,
    // which the memo would keep for every state.
    if (f === "enqueue") return { state: state.concat([input]), output: null };
    if (state.length === 0) return { state, output: null };
    return { state: state.slice(1), output: state[0] as Value };
  },
  outputMatches: (f, expected, seen) => f === "enqueue" || valuesEqual(expected, seen),
  readOnly: (call) => call.f === "dequeue" && call.output === null,
  equal: (a, b) => a.length === b.length && a.every((v, i) => valuesEqual(v, b[i] as Value)),
  hash: (state) => hashValue(state),
  describeState: (state) => showValue(state),
  // Each state is a new array; its elements are the history's own inputs, shared.
  sizeOfState: (state) => ARRAY_BYTES + SLOT_BYTES * state.length,
  validate(call) {
    if (call.f !== "enqueue" && call.f !== "dequeue") return "f to be enqueue or dequeue";
    if (call.f === "enqueue" && call.input === null) {
      return "enqueue input a value other than nil (a dequeue returns nil when the queue is empty)";
    }
    return undefined;
  },
});
