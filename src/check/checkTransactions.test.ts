// Shows each transaction anomaly found and named with the transactions involved — G0, G1a, G1b,
// G1c, internal and garbage reads — that a serial history has none, and which models forbid which.
import { describe, expect, it } from "vitest";
import type { Operation } from "../workload/Operation.js";
import type { Value } from "../workload/Value.js";
import { checkTxnConsistency, findTxnAnomalies } from "./checkTransactions.js";

let id = 0;
/** A transaction: `ok` with its completed micro-ops, or `fail`/`info` with what was sent. */
function txn(status: Operation["status"], ops: Value[], process = 0): Operation {
  const t = id++ * 10;
  return {
    id: id - 1,
    process,
    f: "txn",
    input: ops.map((m) => ((m as Value[])[0] === "r" ? ["r", (m as Value[])[1]!, null] : m)),
    invokeMicros: t,
    status,
    output: status === "ok" ? ops : undefined,
    completeMicros: status === "info" ? undefined : t + 5,
  };
}

const kinds = (history: Operation[]) => findTxnAnomalies(history).map((a) => a.kind);

describe("findTxnAnomalies", () => {
  it("shows that a serial history of reads and writes has no anomaly", () => {
    id = 0;
    const history = [
      txn("ok", [
        ["w", "x", 1],
        ["w", "y", 1],
      ]),
      txn("ok", [
        ["r", "x", 1],
        ["w", "x", 2],
      ]),
      txn("ok", [
        ["r", "x", 2],
        ["r", "y", 1],
      ]),
      txn("fail", [["w", "y", 9]]),
      txn("info", [["w", "z", 1]]),
      txn("ok", [
        ["r", "z", 1],
        ["r", "q", null],
      ]),
    ];
    expect(findTxnAnomalies(history)).toEqual([]);
  });

  it("shows G1a: a committed read of a value whose writer definitely failed, naming both", () => {
    id = 0;
    const anomalies = findTxnAnomalies([txn("fail", [["w", "x", 1]]), txn("ok", [["r", "x", 1]])]);
    expect(anomalies.map((a) => [a.kind, a.operations])).toEqual([["G1a", [0, 1]]]);
    expect(anomalies[0]!.message).toMatch(
      /^G1a \(aborted read\): op 1 .* read "x"=1, written by op 0 .* which failed$/,
    );
  });

  it("shows G1b: reading a value its writer overwrote in the same transaction", () => {
    id = 0;
    expect(
      kinds([
        txn("ok", [
          ["w", "x", 1],
          ["w", "x", 2],
        ]),
        txn("ok", [["r", "x", 1]]),
      ]),
    ).toEqual(["G1b"]);
  });

  it("shows G0: each transaction overwrote the version of the other it had read (a ww cycle)", () => {
    id = 0;
    const history = [
      txn("ok", [
        ["r", "x", 1],
        ["w", "x", 2],
        ["w", "y", 1],
      ]),
      txn("ok", [
        ["w", "x", 1],
        ["r", "y", 1],
        ["w", "y", 2],
      ]),
    ];
    const found = findTxnAnomalies(history);
    const g0 = found.find((a) => a.kind === "G0");
    expect(g0?.operations).toEqual([0, 1, 0]);
    expect(g0?.message).toMatch(/^G0 \(write cycle\): op 0 .* -ww→ op 1 .* -ww→ op 0$/);
  });

  it("shows G1c: each transaction read what the other wrote (wr edges in a cycle)", () => {
    id = 0;
    const history = [
      txn("ok", [
        ["w", "x", 1],
        ["r", "y", 1],
      ]),
      txn("ok", [
        ["w", "y", 1],
        ["r", "x", 1],
      ]),
    ];
    const found = findTxnAnomalies(history);
    expect(found.map((a) => [a.kind, a.operations])).toEqual([["G1c", [0, 1, 0]]]);
    expect(found[0]!.message).toMatch(/-wr→ op 1 .* -wr→ op 0$/);
  });

  it("shows internal and garbage reads", () => {
    id = 0;
    expect(
      kinds([
        txn("ok", [
          ["w", "x", 1],
          ["r", "x", 2],
        ]),
        txn("ok", [["r", "y", 7]]),
      ]),
    ).toEqual(["internal", "garbage-read"]);
  });
});

describe("checkTxnConsistency", () => {
  it("shows read uncommitted forbidding only G0 (and nonsense), read committed also G1a, G1b and G1c", () => {
    id = 0;
    const anomalies = findTxnAnomalies([txn("fail", [["w", "x", 1]]), txn("ok", [["r", "x", 1]])]);
    expect(checkTxnConsistency(anomalies, "read-uncommitted", 1).verdict).toBe("ok");
    const rc = checkTxnConsistency(anomalies, "read-committed", 1);
    expect(rc.verdict).toBe("illegal");
    expect(rc.summary).toBe("read-committed violated: 1 × G1a");
  });
});
