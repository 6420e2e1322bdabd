// Keys that are independent registers with read, write and compare-and-set (Jepsen's independent
// cas-register; what `murphy real etcd-test` records), checked per key: each key is its own part,
// so a long history stays fast to check.
//
//   read({key})             → the value, or null for a key never written
//   write({key, value})     → stores value
//   cas({key, from, to})    → true and stores `to` when the value equals `from`, else false

import {
  canonicalValue,
  hashValue,
  showValue,
  valuesEqual,
  type Value,
  type ValueObject,
} from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";
import type { Call } from "../Model.js";

type CasKvState = ReadonlyMap<string, Value>;

const EMPTY: CasKvState = new Map();

function field(input: Value, name: string): Value {
  return ((input as ValueObject)[name] ?? null) as Value;
}

function keyOf(input: Value): string {
  return canonicalValue(field(input, "key"));
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
export const casKvModel = defineModel<CasKvState>({
  name: "cas-kv",
  init: () => EMPTY,
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
  partition: (call: Call) => `key ${keyOf(call.input)}`,
  equal(a, b) {
    if (a.size !== b.size) return false;
    for (const [key, value] of a) {
      const other = b.get(key);
      if (other === undefined || !valuesEqual(value, other)) return false;
    }
    return true;
  },
  hash(state) {
    let sum = 0;
    for (const [key, value] of state) {
      sum = (sum + Math.imul(hashValue(key), 31) + hashValue(value)) | 0;
    }
    return sum >>> 0;
  },
  describeState(state) {
    if (state.size === 0) return "{}";
    return [...state].map(([key, value]) => `${key}: ${showValue(value)}`).join(", ");
  },
  validate(call) {
    if (!["read", "write", "cas"].includes(call.f)) return "f to be read, write or cas";
    const input = call.input;
    if (input === null || typeof input !== "object" || Array.isArray(input) || !("key" in input)) {
      return `${call.f} input {key, ...}`;
    }
    return undefined;
  },
});
