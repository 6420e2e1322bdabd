// A single register holding one value, initially nil (`null`):
//   read()          → the value
//   write(v)        → stores v; any output is accepted
//   cas([from, to]) → true and stores `to` when the value equals `from`, else false.
// Jepsen's failed `:cas` (the comparison failed) arrives here as an `ok` with output `false`.

import { hashValue, showValue, valuesEqual, type Value } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";

function casArguments(input: Value): [Value, Value] | undefined {
  if (Array.isArray(input) && input.length === 2) return [input[0] as Value, input[1] as Value];
  if (input !== null && typeof input === "object" && !Array.isArray(input)) {
    const object = input as { readonly from?: Value; readonly to?: Value };
    if (object.from !== undefined && object.to !== undefined) return [object.from, object.to];
  }
  return undefined;
}

/**
 * A single register holding one value, initially nil (`null`). The calls, as `f(input) → output`:
 *
 * - `read`, input `null` → the value (`null` for nil).
 * - `write`, input the new value → any output (not compared).
 * - `cas`, input `[from, to]` or `{ from, to }` → `true` when the value equalled `from` and is
 *   now `to`, `false` when the comparison failed and nothing changed. Jepsen's failed `:cas`
 *   arrives as an `ok` with output `false`; any other output is invalid input.
 *
 * Values are JSON data compared structurally. An `info` call (its outcome unknown) may take effect
 * at any instant after its invocation, or never: a write or cas that timed out may still land, and
 * an `info` read tells nothing. A `fail` call did not happen. The whole history is one object (one
 * part). Recording: `recorder.invoke(p, "write", 3).ok()`, `recorder.invoke(p, "read").ok(3)`.
 */
export const registerModel = defineModel<Value>({
  name: "register",
  init: () => null,
  apply(state, f, input) {
    if (f === "read") return { state, output: state };
    if (f === "write") return { state: input, output: null };
    const [from, to] = casArguments(input) as [Value, Value];
    return valuesEqual(state, from) ? { state: to, output: true } : { state, output: false };
  },
  outputMatches: (f, expected, seen) => f === "write" || valuesEqual(expected, seen),
  readOnly: (call) => call.f === "read" || (call.f === "cas" && call.output === false),
  equal: valuesEqual,
  hash: hashValue,
  describeState: showValue,
  // The state is a value from the history (a write's input, a cas's `to`), shared.
  sizeOfState: () => 0,
  validate(call) {
    if (call.f === "read" || call.f === "write") return undefined;
    if (call.f !== "cas") return "f to be read, write or cas";
    if (casArguments(call.input) === undefined) return "cas input [from, to] or {from, to}";
    if (call.output !== undefined && typeof call.output !== "boolean") {
      return "cas output true (swapped) or false (the comparison failed)";
    }
    return undefined;
  },
});
