// A set of values, initially empty:
//   add(v)     → adds v (idempotent)
//   remove(v)  → removes v
//   read()     → every member, in any order
// The state is a sorted array of members' canonical JSON, so equal sets are equal arrays.

import { canonicalValue, hashValue, type Value } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";
import { ARRAY_BYTES, SLOT_BYTES, stringBytes } from "./stateBytes.js";

type SetState = readonly string[];

const canonical = canonicalValue;

function sameMembers(expected: Value, seen: Value): boolean {
  if (!Array.isArray(expected) || !Array.isArray(seen)) return false;
  const a = new Set((expected as Value[]).map(canonical));
  const b = new Set((seen as Value[]).map(canonical));
  return a.size === b.size && [...a].every((m) => b.has(m));
}

/**
 * A set of JSON values, initially empty. The calls, as `f(input) → output`:
 *
 * - `add`, input the value → any output (not compared); adding a member again changes nothing.
 * - `remove`, input the value → any output; removing a non-member changes nothing.
 * - `read`, input `null` → a list of every member, in any order (members compare as values).
 *
 * An `info` add or remove may take effect at any instant after its invocation, or never; an
 * `info` read tells nothing. A `fail` call did not happen. The whole history is one part. (For a
 * set checked by its final read rather than by linearizability, see `checkSet`.)
 */
export const setModel = defineModel<SetState>({
  name: "set",
  init: () => [],
  apply(state, f, input) {
    if (f === "read") return { state, output: state.map((m) => JSON.parse(m) as Value) };
    const member = canonical(input);
    const has = state.includes(member);
    // concat, not spread: an exactly sized array (see queueModel).
    if (f === "add") return { state: has ? state : state.concat([member]).sort(), output: null };
    if (!has) return { state, output: null };
    const at = state.indexOf(member);
    return { state: state.slice(0, at).concat(state.slice(at + 1)), output: null };
  },
  outputMatches: (f, expected, seen) => f !== "read" || sameMembers(expected, seen),
  readOnly: (call) => call.f === "read",
  equal: (a, b) => a.length === b.length && a.every((m, i) => m === b[i]),
  hash: (state) => hashValue(state as readonly Value[]),
  describeState: (state) => `{${state.join(", ")}}`,
  // A new array of members, and (after an add) one new member string, at most the longest.
  sizeOfState(state) {
    let longest = 0;
    for (const member of state) longest = Math.max(longest, member.length);
    return ARRAY_BYTES + SLOT_BYTES * state.length + stringBytes(longest);
  },
  validate(call) {
    if (!["add", "remove", "read"].includes(call.f)) return "f to be add, remove or read";
    if (call.f === "read" && call.output !== undefined && !Array.isArray(call.output)) {
      return "read output to be a list of members";
    }
    return undefined;
  },
});
