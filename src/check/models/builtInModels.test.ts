// Shows that the built-in models accept exactly the call shapes their TSDoc and docs/checking.md
// document: each documented `f(input) → output`, recorded one after another, is linearizable; a
// wrong output is not; an `info` write may land later; an unknown `f` is refused by name.
import { describe, expect, it } from "vitest";
import { HistoryRecorder } from "../../workload/HistoryRecorder.js";
import type { Value } from "../../workload/Value.js";
import { checkLinearizability } from "../checkLinearizability.js";
import { ModelInputError } from "../ModelInputError.js";
import type { Model } from "../Model.js";
import { builtInModels, type BuiltInModelName } from "./builtInModels.js";

/** `[f, input, output]`, one call after another by one client; `"info"` leaves it unknown. */
type Step = readonly [string, Value, Value | "info"];

function verdict(model: Model<unknown>, steps: readonly Step[]): string {
  let now = 0;
  const recorder = new HistoryRecorder({ nowMicros: () => (now += 10) });
  steps.forEach(([f, input, output], i) => {
    const handle = recorder.invoke(i, f, input);
    if (output === "info") handle.info();
    else handle.ok(output);
  });
  return checkLinearizability(recorder.history(), model).verdict;
}

/** Every documented call of each model, in an order one copy of the object would answer so. */
const DOCUMENTED: Record<BuiltInModelName, readonly Step[]> = {
  register: [
    ["read", null, null],
    ["write", 3, null],
    ["cas", [3, 4], true],
    ["cas", { from: 3, to: 5 }, false],
    ["read", null, 4],
  ],
  kv: [
    ["get", { key: "x" }, ""],
    ["get", { key: "y" }, null],
    ["put", { key: { a: 1, b: 2 }, value: 1 }, null],
    ["get", { key: { b: 2, a: 1 } }, 1],
    ["append", { key: "x", value: "x 1" }, null],
    ["append", { key: "x", value: " 2" }, null],
    ["get", { key: "x" }, "x 1 2"],
    ["append", { key: "z", value: 1 }, null],
    ["append", { key: "z", value: 2 }, null],
    ["get", { key: "z" }, [1, 2]],
  ],
  set: [
    ["add", 1, null],
    ["add", { id: 2 }, null],
    ["add", 1, null],
    ["remove", 7, null],
    ["read", null, [{ id: 2 }, 1]],
    ["remove", 1, null],
    ["read", null, [{ id: 2 }]],
  ],
  queue: [
    ["dequeue", null, null],
    ["enqueue", "a", null],
    ["enqueue", "b", null],
    ["dequeue", null, "a"],
    ["dequeue", null, "b"],
  ],
  counter: [
    ["read", null, 0],
    ["add", 5, null],
    ["increment", null, null],
    ["add", -2, null],
    ["read", null, 4],
  ],
  "cas-kv": [
    ["read", { key: "x" }, null],
    ["write", { key: "x", value: 3 }, null],
    ["cas", { key: "x", from: 3, to: 4 }, true],
    ["cas", { key: "x", from: 3, to: 5 }, false],
    ["write", { key: "y", value: 1 }, null],
    ["read", { key: "x" }, 4],
    ["read", { key: "y" }, 1],
  ],
};

/** A call whose output no state allows, and an `info` write that may land after it. */
const WRONG_AND_INFO: Record<BuiltInModelName, { wrong: Step; info: readonly Step[] }> = {
  register: {
    wrong: ["read", null, 9],
    info: [
      ["write", 9, "info"],
      ["read", null, 9],
    ],
  },
  kv: {
    wrong: ["get", { key: "k" }, 9],
    info: [
      ["put", { key: "k", value: 9 }, "info"],
      ["get", { key: "k" }, 9],
    ],
  },
  set: {
    wrong: ["read", null, [9]],
    info: [
      ["add", 9, "info"],
      ["read", null, [9]],
    ],
  },
  queue: {
    wrong: ["dequeue", null, 9],
    info: [
      ["enqueue", 9, "info"],
      ["dequeue", null, 9],
    ],
  },
  counter: {
    wrong: ["read", null, 9],
    info: [
      ["add", 9, "info"],
      ["read", null, 9],
    ],
  },
  "cas-kv": {
    wrong: ["read", { key: "k" }, 9],
    info: [
      ["cas", { key: "k", from: null, to: 9 }, "info"],
      ["read", { key: "k" }, 9],
    ],
  },
};

describe("the built-in models' documented shapes", () => {
  for (const name of Object.keys(DOCUMENTED) as BuiltInModelName[]) {
    const model = builtInModels[name] as unknown as Model<unknown>;

    it(`shows that ${name} accepts every documented call, refuses a wrong output, and lets an info write land later`, () => {
      expect(verdict(model, DOCUMENTED[name])).toBe("ok");
      expect(verdict(model, [WRONG_AND_INFO[name].wrong])).toBe("illegal");
      expect(verdict(model, WRONG_AND_INFO[name].info)).toBe("ok");
    });

    it(`shows that ${name} refuses an f it does not know, naming what it expected`, () => {
      expect(() => verdict(model, [["frobnicate", null, null]])).toThrow(ModelInputError);
      expect(() => verdict(model, [["frobnicate", null, null]])).toThrow(/expected f to be/);
    });
  }

  it("shows that the queue refuses enqueue(nil), since nil means empty", () => {
    const queue = builtInModels.queue as unknown as Model<unknown>;
    expect(() => verdict(queue, [["enqueue", null, null]])).toThrow(/other than nil/);
  });
});
