// A counter, initially 0:
//   add(n)  → adds n (a whole number; nil means 1); `increment` is an alias
//   read()  → the count
// The count is a bigint, so that no sum of adds is ever rounded: with float sums, adds near 2^53
// would make different counts look equal, and fractional adds would make the count depend on the
// order they were summed in. So adds are whole numbers, and reads are checked exactly.

import type { Value } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";

/**
 * A counter, initially 0. The calls, as `f(input) → output`:
 *
 * - `add` (or its alias `increment`), input a number n, or nil (`null`) for 1 → any output (not
 *   compared); adds n, which may be negative.
 * - `read`, input `null` → the count, a number.
 *
 * An `info` add may take effect at any instant after its invocation, or never; an `info` read
 * tells nothing. A `fail` call did not happen. The whole history is one part. (For bounds on a
 * final read when many adds are `info`, `checkCounter` is far cheaper.)
 */
export const counterModel = defineModel<bigint>({
  name: "counter",
  init: () => 0n,
  apply(state, f, input) {
    // A count no float holds exactly is returned as text, which no valid read (a number) equals:
    // the readers only ever produce numbers a float holds exactly.
    if (f === "read") {
      const n = Number(state);
      return { state, output: Number.isFinite(n) && BigInt(n) === state ? n : String(state) };
    }
    return { state: state + (input === null ? 1n : BigInt(input as number)), output: null };
  },
  outputMatches: (f, expected, seen) => f !== "read" || expected === seen,
  readOnly: (call) => call.f === "read",
  equal: (a, b) => a === b,
  hash: (state) =>
    (Math.imul(Number(BigInt.asIntN(32, state)), 0x9e3779b1) ^
      Number(BigInt.asIntN(32, state >> 32n))) >>>
    0,
  describeState: (state) => String(state),
  sizeOfState: () => 24,
  validate(call) {
    if (call.f === "read") {
      const output = call.output;
      return output === undefined || Number.isInteger(output)
        ? undefined
        : "read output a whole number";
    }
    if (call.f !== "add" && call.f !== "increment") return "f to be add, increment or read";
    const input: Value = call.input;
    return input === null || Number.isInteger(input)
      ? undefined
      : `${call.f} input a whole number (a fractional count would depend on the order of the adds)`;
  },
});
