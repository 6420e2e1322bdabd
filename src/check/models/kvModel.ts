// A key-value map, partitioned by key (every key is an independent register-like object):
//   get({key})          → the value, or nil/"" for a key never written
//   put({key, value})   → stores value
//   append({key, value})→ appends: strings concatenate (Jepsen's "x 1 0 y" style), lists grow
// A key never written reads as nil or as the empty string, since stores differ in which they
// return and Jepsen's key-value tests expect "".

import {
  canonicalValue,
  hashValue,
  showValue,
  valuesEqual,
  type Value,
  type ValueObject,
} from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";
import { ARRAY_BYTES, MAP_BYTES, MAP_ENTRY_BYTES, SLOT_BYTES, stringBytes } from "./stateBytes.js";
import type { Call } from "../Model.js";

type KvState = ReadonlyMap<string, Value>;

const EMPTY: KvState = new Map();

/**
 * Keys compare as values do: an object key is the same key whatever the order of its fields. The
 * search asks for the key of the same input at every step, so it is worked out once per input.
 */
const keys = new WeakMap<object, string>();
function keyOf(input: Value): string {
  const object = input as ValueObject;
  let key = keys.get(object);
  if (key === undefined) {
    key = canonicalValue(object.key as Value);
    keys.set(object, key);
  }
  return key;
}

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
export const kvModel = defineModel<KvState>({
  name: "kv",
  init: () => EMPTY,
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
    for (const [key, value] of state)
      sum = (sum + Math.imul(hashValue(key), 31) + hashValue(value)) | 0;
    return sum >>> 0;
  },
  partition: (call: Call) => `key ${keyOf(call.input)}`,
  // A new Map (entries and hash buckets), a new key string, and whatever append built: counted
  // for every value, though only the one appended to is new (the safe side).
  sizeOfState(state) {
    let bytes = MAP_BYTES + MAP_ENTRY_BYTES * state.size;
    for (const [key, value] of state) {
      bytes += stringBytes(key.length);
      if (typeof value === "string") bytes += stringBytes(value.length);
      else if (Array.isArray(value)) bytes += ARRAY_BYTES + SLOT_BYTES * value.length;
    }
    return bytes;
  },
  describeState(state) {
    if (state.size === 0) return "{}";
    return [...state].map(([key, value]) => `${key}: ${showValue(value)}`).join(", ");
  },
  validate(call) {
    if (!["get", "put", "append"].includes(call.f)) return "f to be get, put or append";
    const input = call.input;
    if (input === null || typeof input !== "object" || Array.isArray(input) || !("key" in input)) {
      return `${call.f} input {key, value}`;
    }
    return undefined;
  },
});
