// Shows the broadcast / g-set check on hand-made histories: a lost element names the nodes whose
// final read misses it, an element no one added is caught, a stale read is counted, and stable
// latency runs from the acknowledgement to the last read that missed the element.
import { describe, expect, it } from "vitest";
import type { Operation } from "../../workload/Operation.js";
import type { Value } from "../../workload/Value.js";
import { analyseSet } from "./setAnalysis.js";

let next = 0;
function op(
  f: string,
  input: Value,
  output: Value | undefined,
  fromMs: number,
  toMs: number,
  status: Operation["status"] = "ok",
): Operation {
  return {
    id: next++,
    process: 0,
    f,
    input,
    output,
    status,
    invokeMicros: fromMs * 1000,
    completeMicros: toMs * 1000,
  };
}

describe("analyseSet", () => {
  it("shows a history where every element reaches every node, with stable latency and a stale read", () => {
    const history = [
      op("broadcast", 1, null, 0, 10),
      op("read", null, [], 20, 30), // misses 1, acknowledged before: stale
      op("read", null, [1], 40, 50),
      op("final-read", "n0", [1], 100, 110),
      op("final-read", "n1", [1], 100, 110),
    ];
    const { property, figures } = analyseSet(history, "broadcast", ["n0", "n1"], "message");
    expect(property.verdict).toBe("held");
    expect(figures["stale-reads"]).toBe(1);
    expect(figures["stable-latency-max"]).toBe(20); // acknowledged at 10 ms, last missed at 30 ms
  });

  it("shows a lost message (naming the node) and one no client sent", () => {
    const history = [
      op("broadcast", 1, null, 0, 10),
      op("broadcast", 2, undefined, 0, 10, "info"),
      op("final-read", "n0", [1, 2], 100, 110),
      op("final-read", "n1", [2, 99], 100, 110),
    ];
    const { property } = analyseSet(history, "broadcast", ["n0", "n1"], "message");
    expect(property.verdict).toBe("violated");
    expect(property.details).toEqual([
      "message 1 was acknowledged but is missing from the final read of n1",
      "a read returned 99, which no client ever added",
    ]);
  });

  it("shows unknown, not held, when a node's final read never succeeded", () => {
    const history = [op("add", 1, null, 0, 10), op("final-read", "n0", [1], 100, 110)];
    const { property } = analyseSet(history, "add", ["n0", "n1"], "element");
    expect(property.verdict).toBe("unknown");
    expect(property.details).toEqual(["no final read succeeded on n1"]);
  });
});
