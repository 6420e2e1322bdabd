// A key-value map, partitioned by key (every key is an independent register-like object):
//   get({key})          → the value, or nil/"" for a key never written
//   put({key, value})   → stores value
//   append({key, value})→ appends: strings concatenate (Jepsen's "x 1 0 y" style), lists grow
// A key never written reads as nil or as the empty string, since stores differ in which they
// return and Jepsen's key-value tests expect "".

import { valuesEqual, type Value, type ValueObject } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";
import { ARRAY_BYTES, MAP_BYTES, MAP_ENTRY_BYTES, SLOT_BYTES, stringBytes } from "./stateBytes.js";
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

function appended(current: Value | undefined, value: Value): Value {
  if (current === undefined || current === null || current === "") {
    return typeof value === "string" ? value : [value];
  }
  if (typeof current === "string" && typeof value === "string") return current + value;
  return [...(Array.isArray(current) ? (current as Value[]) : [current]), value];
}

/**
 * A key-value map, checked per key (each key is its own part, so big histories stay fast). Every
 * input is an object with a `key` (any JSON value; `{a:1,b:2}` and `{b:2,a:1}` are the same key).
 * The calls, as `f(input) → output`:
 *
 * - `get`, input `{ key }` → the value, or nil (`null`) or `""` for a key never written (stores
 *   differ in which they return; Jepsen's key-value tests expect `""`).
 * - `put`, input `{ key, value }` → any output (not compared); stores `value`.
 * - `append`, input `{ key, value }` → any output; strings concatenate (`"x 1"` then `" 2"` reads
 *   `"x 1 2"`), anything else makes the value a list that grows by one element.
 *
 * An `info` put or append may take effect at any instant after its invocation, or never; an `info`
 * get tells nothing. A `fail` call did not happen. Jepsen EDN's `:key` becomes the `key` field.
 */
export const kvModel = defineModel<KeyedState>({
  name: "kv",
  init: () => EMPTY_KEYED_STATE,
  apply(state, f, input) {
    const key = keyOf(input);
    if (f === "get") return { state, output: state.get(key) ?? null };
    const value = (input as ValueObject).value ?? null;
    const next = new Map(state);
    next.set(key, f === "put" ? value : appended(state.get(key), value));
    return { state: next, output: null };
  },
  outputMatches(f, expected, seen) {
    if (f !== "get") return true;
    if (expected === null) return seen === null || seen === "";
    return valuesEqual(expected, seen);
  },
  readOnly: (call) => call.f === "get",
  equal: keyedStatesEqual,
  hash: hashKeyedState,
  partition: keyedPartition,
  // A new Map (entries and hash buckets), a new key string, and whatever append built: counted
  // for every value, though only the one appended to is new (the safe side).
  sizeOfState(state: KeyedState) {
    let bytes = MAP_BYTES + MAP_ENTRY_BYTES * state.size;
    for (const [key, value] of state) {
      bytes += stringBytes(key.length);
      if (typeof value === "string") bytes += stringBytes(value.length);
      else if (Array.isArray(value)) bytes += ARRAY_BYTES + SLOT_BYTES * value.length;
    }
    return bytes;
  },
  describeState: describeKeyedState,
  validate: (call) => keyedCallProblem(call, ["get", "put", "append"], "{key, value}"),
});
