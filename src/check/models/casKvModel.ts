// Keys that are independent registers with read, write and compare-and-set (Jepsen's independent
// cas-register; what `murphy real etcd-test` records), checked per key: each key is its own part,
// so a long history stays fast to check. Within a part there is one key, so the state is that
// key's value.
//
//   read({key})             → the value, or null for a key never written
//   write({key, value})     → stores value
//   cas({key, from, to})    → true and stores `to` when the value equals `from`, else false

import { defineModel } from "../defineModel.js";
import type { Call } from "../Model.js";
import {
  canonicalValue,
  hashValue,
  showValue,
  valuesEqual,
  type Value,
  type ValueObject,
} from "../../workload/Value.js";

function field(input: Value, name: string): Value {
  return ((input as ValueObject)[name] ?? null) as Value;
}

export const casKvModel = defineModel<Value>({
  name: "cas-kv",
  init: () => null,
  apply(state, f, input) {
    if (f === "read") return { state, output: state };
    if (f === "write") return { state: field(input, "value"), output: null };
    return valuesEqual(state, field(input, "from"))
      ? { state: field(input, "to"), output: true }
      : { state, output: false };
  },
  outputMatches: (f, expected, seen) => f === "write" || valuesEqual(expected, seen),
  readOnly: (call: Call) => call.f === "read" || (call.f === "cas" && call.output === false),
  partition: (call: Call) => `key ${canonicalValue(field(call.input, "key"))}`,
  equal: valuesEqual,
  hash: hashValue,
  describeState: showValue,
  validate(call) {
    if (!["read", "write", "cas"].includes(call.f)) return "f to be read, write or cas";
    const input = call.input;
    if (input === null || typeof input !== "object" || Array.isArray(input) || !("key" in input)) {
      return `${call.f} input {key, ...}`;
    }
    return undefined;
  },
});
