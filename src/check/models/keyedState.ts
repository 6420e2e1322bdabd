// What the models of independent keys share (kv, cas-kv): the state is a map from a key's
// canonical form to its value, each key is its own part of the search, and the state's equality,
// hash and description go key by key.

import {
  canonicalValue,
  hashValue,
  showValue,
  valuesEqual,
  type Value,
  type ValueObject,
} from "../../workload/Value.js";
import type { Call } from "../Model.js";

export type KeyedState = ReadonlyMap<string, Value>;

export const EMPTY_KEYED_STATE: KeyedState = new Map();

/**
 * Keys compare as values do: an object key is the same key whatever the order of its fields. The
 * search asks for the key of the same input at every step, so it is worked out once per input.
 */
const keys = new WeakMap<object, string>();
export function keyOf(input: Value): string {
  const object = input as ValueObject;
  let key = keys.get(object);
  if (key === undefined) {
    key = canonicalValue((object.key ?? null) as Value);
    keys.set(object, key);
  }
  return key;
}

/** Each key is an independent part of the search. */
export const keyedPartition = (call: Call): string => `key ${keyOf(call.input)}`;

export function keyedStatesEqual(a: KeyedState, b: KeyedState): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    const other = b.get(key);
    if (other === undefined || !valuesEqual(value, other)) return false;
  }
  return true;
}

export function hashKeyedState(state: KeyedState): number {
  let sum = 0;
  for (const [key, value] of state)
    sum = (sum + Math.imul(hashValue(key), 31) + hashValue(value)) | 0;
  return sum >>> 0;
}

export function describeKeyedState(state: KeyedState): string {
  if (state.size === 0) return "{}";
  return [...state].map(([key, value]) => `${key}: ${showValue(value)}`).join(", ");
}

/** Why `call` is not one of `fs` on an object input with a key, or undefined when it is. */
export function keyedCallProblem(
  call: Call,
  fs: readonly string[],
  inputShape: string,
): string | undefined {
  if (!fs.includes(call.f)) return `f to be ${fs.slice(0, -1).join(", ")} or ${fs.at(-1)}`;
  const input = call.input;
  if (input === null || typeof input !== "object" || Array.isArray(input) || !("key" in input)) {
    return `${call.f} input ${inputShape}`;
  }
  return undefined;
}
