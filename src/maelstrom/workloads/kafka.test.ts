// Shows the kafka checks on hand-made histories: a lost acknowledged send, two messages at one
// offset, a poll that skips a known offset or goes backwards, and a clean history that passes.
import { describe, expect, it } from "vitest";
import type { Operation } from "../../workload/Operation.js";
import type { Value } from "../../workload/Value.js";
import { checkKafka } from "./kafka.js";

let next = 0;
function op(process: number, f: string, input: Value, output: Value | undefined): Operation {
  const t = next++ * 1000;
  return {
    id: next - 1,
    process,
    f,
    input,
    output,
    status: "ok",
    invokeMicros: t,
    completeMicros: t + 10,
  };
}
const send = (p: number, msg: number, offset: number) => op(p, "send", { key: "k", msg }, offset);
const poll = (p: number, from: number, pairs: [number, number][]) =>
  op(p, "poll", { k: from }, { k: pairs });
const final = (from: number, pairs: [number, number][]) =>
  op(9, "final-poll", { key: "k", from }, pairs);
const verdicts = (history: Operation[]) =>
  Object.fromEntries(
    Object.entries(checkKafka(history, ["k"])).map(([name, p]) => [name, p.verdict]),
  );

describe("checkKafka", () => {
  const sends = () => [send(0, 10, 0), send(0, 11, 1), send(1, 12, 2)];

  it("shows a history in order passing all three properties", () => {
    next = 0;
    const history = [
      ...sends(),
      poll(2, 0, [
        [0, 10],
        [1, 11],
      ]),
      poll(2, 2, [[2, 12]]),
      final(0, [
        [0, 10],
        [1, 11],
        [2, 12],
      ]),
      final(3, []),
    ];
    expect(verdicts(history)).toEqual({
      "no-lost-sends": "held",
      "monotonic-offsets": "held",
      "polls-in-order": "held",
    });
  });

  it("shows a lost send, a skip, a backwards poll and two messages at one offset each named", () => {
    next = 0;
    const history = [
      ...sends(),
      send(1, 13, 2), // offset 2 again, another message
      poll(2, 0, [
        [0, 10],
        [2, 12],
      ]), // skips offset 1
      poll(2, 0, [[0, 10]]), // backwards for this client
      final(0, [
        [0, 10],
        [2, 12],
      ]),
      final(3, []),
    ];
    const result = checkKafka(history, ["k"]);
    expect(result["no-lost-sends"]!.details).toEqual([
      "send of 11 to key k was acknowledged at offset 1, but the final polls do not have that offset",
      "send of 13 to key k was acknowledged at offset 2, but the final polls show 12 there",
    ]);
    expect(result["monotonic-offsets"]!.details).toContain("offset 2 of key k holds 12 and 13");
    expect(result["polls-in-order"]!.details).toEqual([
      "process 2's poll of key k skipped offsets 1 between 0 and 2",
      "process 2's poll of key k began at 0 after the client had read up to 2",
    ]);
  });

  it("shows no-lost-sends unknown when the final polls did not reach the end of the key", () => {
    next = 0;
    expect(verdicts([...sends(), final(0, [[0, 10]])])["no-lost-sends"]).toBe("unknown");
  });
});
