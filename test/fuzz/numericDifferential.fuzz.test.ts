// Differential checks for the numeric edges that once gave wrong verdicts: the same history with
// every time shifted by 2^60 (or any offset up to 2^63), and with its values moved next to 2^53,
// must get the same verdict as the original; and a number a float cannot hold is refused, never
// silently rounded into agreement with another.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLinearizability } from "../../src/check/checkLinearizability.js";
import { generateHistory } from "../../src/check/generateHistory.js";
import { counterModel } from "../../src/check/models/counterModel.js";
import { registerModel } from "../../src/check/models/registerModel.js";
import { Rng } from "../../src/core/Rng.js";
import { HistoryParseError } from "../../src/workload/HistoryParseError.js";
import { readJepsenEdn } from "../../src/workload/JepsenHistory.js";
import { readHistoryJsonl, writeHistoryJsonl } from "../../src/workload/MurphyJsonl.js";
import type { History, Operation } from "../../src/workload/Operation.js";
import type { Value } from "../../src/workload/Value.js";
import { fuzzRuns, tally } from "./fuzzRuns.js";

const RUNS = fuzzRuns(200);
const TOP = 2n ** 53n - 1n;

/** A register history of small integer values, some outputs perturbed so some are illegal. */
const registerHistory = fc
  .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.nat({ max: 9 }), { maxLength: 3 }))
  .map(([seed, perturb]) => {
    const history = generateHistory({
      model: registerModel,
      rng: Rng.fromSeed(seed).derive("register"),
      operations: 10,
      clients: 3,
      infoProbability: 0.1,
      failProbability: 0.1,
    });
    return history.map((op, i): Operation => {
      const bump = perturb.includes(i) && op.status === "ok" && op.f === "read";
      return bump ? { ...op, output: ((op.output as number | null) ?? 0) + 1 } : op;
    });
  });

function verdict(history: History, model = registerModel): string {
  return checkLinearizability(history, model, { maxSteps: 50_000 }).verdict;
}

/** Every `"atMicros":N` in murphy JSONL, plus `offset`, in exact digits. */
function shiftTimes(text: string, offset: bigint): string {
  return text.replace(/"atMicros":(\d+)/g, (_, t: string) => `"atMicros":${BigInt(t) + offset}`);
}

/** Every small integer value `v` (inputs, outputs, cas pairs) as `map(v)`, in exact digits. */
function mapValues(history: History, map: (v: bigint) => bigint): string {
  const raw = (value: Value | undefined): string =>
    typeof value === "number"
      ? String(map(BigInt(value)))
      : Array.isArray(value)
        ? `[${value.map(raw).join(",")}]`
        : JSON.stringify(value ?? null);
  return writeHistoryJsonl(history)
    .split("\n")
    .map((line) =>
      line.replace(/"value":(\[[^\]]*\]|-?\d+)/, (_, v: string) => `"value":${raw(JSON.parse(v))}`),
    )
    .join("\n");
}

/** The same history as Jepsen EDN, values mapped (a register's write, read and cas). */
function ednWithValues(history: History, map: (v: bigint) => bigint): string {
  const edn = (value: Value | undefined): string =>
    value === null || value === undefined
      ? "nil"
      : Array.isArray(value)
        ? `[${value.map(edn).join(" ")}]`
        : typeof value === "number"
          ? String(map(BigInt(value)))
          : String(value);
  // One line per event in time order; at equal times a process's own events keep their order
  // (a Jepsen process completes one call before it invokes the next).
  const step = new Map<Operation["process"], number>();
  const next = (process: Operation["process"]) => {
    const k = step.get(process) ?? 0;
    step.set(process, k + 1);
    return k;
  };
  const events = [...history]
    .sort((a, b) => a.invokeMicros - b.invokeMicros || a.id - b.id)
    .flatMap((op) => [
      { at: op.invokeMicros, rank: 1, k: next(op.process), op },
      ...(op.completeMicros === undefined
        ? []
        : [{ at: op.completeMicros, rank: 0, k: next(op.process), op }]),
    ]);
  events.sort((a, b) => a.at - b.at || a.k - b.k || a.op.id - b.op.id);
  const lines: string[] = [];
  for (const { rank, op } of events) {
    const type = rank === 1 ? "invoke" : op.f === "cas" && op.output === false ? "fail" : op.status;
    const value = rank === 1 || op.f !== "read" ? edn(op.input) : edn(op.output);
    lines.push(`{:process ${op.process}, :type :${type}, :f :${op.f}, :value ${value}}`);
  }
  return lines.join("\n");
}

describe("numeric differential checks", () => {
  it("shows that shifting every time by 2^60 (or any offset up to 2^63) keeps the verdict", () => {
    fc.assert(
      fc.property(
        registerHistory,
        fc.oneof(fc.constant(2n ** 60n), fc.bigInt({ min: 0n, max: 2n ** 63n })),
        (history, offset) => {
          const text = writeHistoryJsonl(history);
          const expected = verdict(readHistoryJsonl(text));
          expect(verdict(readHistoryJsonl(shiftTimes(text, offset)))).toBe(expected);
          tally("differential times", `verdict ${expected}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("shows that values moved next to 2^53 keep the verdict, in JSONL and in EDN", () => {
    fc.assert(
      fc.property(registerHistory, (history) => {
        const expected = verdict(history);
        const near = (v: bigint) => TOP - v;
        expect(verdict(readHistoryJsonl(mapValues(history, near)))).toBe(expected);
        expect(verdict(readJepsenEdn(ednWithValues(history, near)))).toBe(
          verdict(readJepsenEdn(ednWithValues(history, (v) => v))),
        );
        tally("differential values", `verdict ${expected}`);
      }),
      { numRuns: RUNS },
    );
  });

  it("shows that values past 2^53 are refused unless a float holds every one exactly", () => {
    fc.assert(
      fc.property(registerHistory, (history) => {
        const past = (v: bigint) => 2n ** 53n + v;
        const inexact = history.some((op) =>
          [op.input, op.output].flat().some((v) => typeof v === "number" && v % 2 === 1),
        );
        let got: string;
        try {
          got = verdict(readHistoryJsonl(mapValues(history, past)));
        } catch (error) {
          expect(error).toBeInstanceOf(HistoryParseError);
          got = "refused";
        }
        // Odd offsets from 2^53 have no float: refused. Even ones are exact: same verdict.
        expect(got).toBe(inexact ? "refused" : verdict(history));
        tally("differential past 2^53", got);
      }),
      { numRuns: RUNS },
    );
  });

  it("shows the cases that were wrong before: a stale read at 2^53 µs, a write of 2^53+1 read as 2^53", () => {
    const base = 2n ** 53n;
    const stale = [
      `{"type":"invoke","process":1,"f":"write","value":1,"atMicros":${base}}`,
      `{"type":"ok","process":1,"atMicros":${base + 1n}}`,
      `{"type":"invoke","process":2,"f":"read","atMicros":${base + 2n}}`,
      `{"type":"ok","process":2,"value":null,"atMicros":${base + 3n}}`,
    ].join("\n");
    expect(verdict(readHistoryJsonl(stale))).toBe("illegal");
    const rounded = [
      '{"type":"invoke","process":1,"f":"write","value":9007199254740993,"atMicros":0}',
      '{"type":"ok","process":1,"atMicros":1}',
      '{"type":"invoke","process":2,"f":"read","atMicros":2}',
      '{"type":"ok","process":2,"value":9007199254740992,"atMicros":3}',
    ].join("\n");
    expect(() => readHistoryJsonl(rounded)).toThrow(/not 9007199254740993/);
    const edn = [
      "{:process 1, :type :invoke, :f :write, :value 9007199254740993}",
      "{:process 1, :type :ok, :f :write, :value 9007199254740993}",
      "{:process 2, :type :invoke, :f :read, :value nil}",
      "{:process 2, :type :ok, :f :read, :value 9007199254740992}",
    ].join("\n");
    expect(() => readJepsenEdn(edn)).toThrow(/line 1: expected an integer a 64-bit float holds/);
    const nan = [
      "{:process 1, :type :invoke, :f :write, :value ##NaN}",
      "{:process 1, :type :ok, :f :write, :value ##NaN}",
    ].join("\n");
    expect(() => readJepsenEdn(nan)).toThrow(/a finite number/);
  });

  it("shows that a counter sums exactly past 2^53", () => {
    const ops = (adds: number[], read: number): History => [
      ...adds.map((n, i): Operation => ({
        id: i,
        process: i,
        f: "add",
        input: n,
        invokeMicros: 2 * i,
        status: "ok",
        output: null,
        completeMicros: 2 * i + 1,
      })),
      {
        id: adds.length,
        process: 99,
        f: "read",
        input: null,
        invokeMicros: 100,
        status: "ok",
        output: read,
        completeMicros: 101,
      },
    ];
    const max = Number.MAX_SAFE_INTEGER;
    // (2^53 - 1) + 1 + 1 = 2^53 + 1, which no float holds: a read of 2^53 is illegal.
    expect(verdict(ops([max, 1, 1], 2 ** 53), counterModel as never)).toBe("illegal");
    expect(verdict(ops([max, 1], 2 ** 53), counterModel as never)).toBe("ok");
    expect(verdict(ops([max, 2, -1], 2 ** 53), counterModel as never)).toBe("ok");
  });
});
