// A counter, initially 0:
//   add(n)  → adds n (a number; nil means 1); `increment` is an alias
//   read()  → the count

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
export const counterModel = defineModel<number>({
  name: "counter",
  init: () => 0,
  apply(state, f, input) {
    if (f === "read") return { state, output: state };
    return { state: state + (input === null ? 1 : (input as number)), output: null };
  },
  outputMatches: (f, expected, seen) => f !== "read" || expected === seen,
  readOnly: (call) => call.f === "read",
  equal: (a, b) => a === b,
  hash: (state) => (Math.imul(state | 0, 0x9e3779b1) ^ Math.floor(state / 2 ** 32)) >>> 0,
  describeState: (state) => String(state),
  validate(call) {
    if (call.f === "read") return undefined;
    if (call.f !== "add" && call.f !== "increment") return "f to be add, increment or read";
    const input: Value = call.input;
    return input === null || typeof input === "number" ? undefined : `${call.f} input a number`;
  },
});
