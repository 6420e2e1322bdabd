// A counter, initially 0:
//   add(n)  → adds n (a number; nil means 1); `increment` is an alias
//   read()  → the count

import type { Value } from "../../workload/Value.js";
import { defineModel } from "../defineModel.js";

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
