// Keys that are independent registers with read, write and compare-and-set (Jepsen's independent
// cas-register; what `murphy real etcd-test` records), checked per key: each key is its own part,
// so a long history stays fast to check.
//
//   read({key})             → the value, or null for a key never written
//   write({key, value})     → stores value
//   cas({key, from, to})    → true and stores `to` when the value equals `from`, else false

import { valuesEqual, type Value, type ValueObject } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";
import type { Call } from "../Model.js";
import {
  describeKeyedState,
  EMPTY_KEYED_STATE,
  hashKeyedState,
  keyedCallProblem,
  keyedPartition,
  keyedStatesEqual,
  keyOf,
  type KeyedState,
} from "./keyedState.js";

function field(input: Value, name: string): Value {
  return ((input as ValueObject)[name] ?? null) as Value;
}

/**
 * Independent compare-and-set registers, one per key, each initially nil (`null`). Every input is
 * an object with a `key` (any JSON value). The calls, as `f(input) → output`:
 *
 * - `read`, input `{ key }` → the key's value (`null` for a key never written).
 * - `write`, input `{ key, value }` → any output (not compared).
 * - `cas`, input `{ key, from, to }` → `true` when the value equalled `from` and is now `to`,
 *   `false` when the comparison failed and nothing changed.
 *
 * An `info` write or cas may take effect at any instant after its invocation, or never; an `info`
 * read tells nothing. A `fail` call did not happen.
 */
export const casKvModel = defineModel<KeyedState>({
  name: "cas-kv",
  init: () => EMPTY_KEYED_STATE,
  apply(state, f, input) {
    const key = keyOf(input);
    const current = state.get(key) ?? null;
    if (f === "read") return { state, output: current };
    if (f === "cas" && !valuesEqual(current, field(input, "from"))) return { state, output: false };
    const next = new Map(state);
    next.set(key, field(input, f === "write" ? "value" : "to"));
    return { state: next, output: f === "write" ? null : true };
  },
  outputMatches: (f, expected, seen) => f === "write" || valuesEqual(expected, seen),
  readOnly: (call: Call) => call.f === "read" || (call.f === "cas" && call.output === false),
  partition: keyedPartition,
  equal: keyedStatesEqual,
  hash: hashKeyedState,
  describeState: describeKeyedState,
  validate: (call) => keyedCallProblem(call, ["read", "write", "cas"], "{key, ...}"),
});
