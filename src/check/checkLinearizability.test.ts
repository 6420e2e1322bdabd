import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import { readJepsenEdn, readJepsenLog } from "../workload/JepsenHistory.js";
import type { History, Operation } from "../workload/Operation.js";
import type { Value } from "../workload/Value.js";
import {
  checkLinearizability,
  DEFAULT_MAX_STEPS,
  type LinearizabilityOptions,
} from "./checkLinearizability.js";
import { generateHistory } from "./generateHistory.js";
import type { Model } from "./Model.js";
import { ModelInputError } from "./ModelInputError.js";
import { kvModel } from "./models/kvModel.js";
import { registerModel } from "./models/registerModel.js";
import { queueModel } from "./models/queueModel.js";

type Outcome = { ok: Value } | "info" | "fail";

/** Builds a history from [process, f, input, invoke, complete, outcome] rows. */
function history(...rows: [number, string, Value, number, number, Outcome][]): History {
  return rows.map(([process, f, input, invokeMicros, complete, outcome], id): Operation => ({
    id,
    process,
    f,
    input,
    invokeMicros,
    status: typeof outcome === "string" ? outcome : "ok",
    output: typeof outcome === "string" ? undefined : outcome.ok,
    completeMicros: complete,
  }));
}

const verdict = (h: History, model: Model<unknown> = registerModel) =>
  checkLinearizability(h, model).verdict;

const corpus = (name: string) =>
  readFileSync(new URL(`../../test/corpus/histories/${name}`, import.meta.url), "utf8");

describe("checkLinearizability: the classic register cases", () => {
  it("shows that a stale read after a completed write is illegal", () => {
    const h = history(
      [0, "write", 1, 0, 1, { ok: null }],
      [1, "write", 2, 2, 3, { ok: null }],
      [2, "read", null, 4, 5, { ok: 1 }],
    );
    expect(verdict(h)).toBe("illegal");
  });

  it("shows that a read concurrent with a write may see either value", () => {
    for (const seen of [null, 1]) {
      const h = history(
        [0, "write", 1, 0, 10, { ok: null }],
        [1, "read", null, 2, 3, { ok: seen }],
      );
      expect(verdict(h)).toBe("ok");
    }
  });

  it("shows that once a read saw the new value, a later read cannot see the old one", () => {
    const h = history(
      [0, "write", 1, 0, 10, { ok: null }],
      [1, "read", null, 2, 3, { ok: 1 }],
      [2, "read", null, 4, 5, { ok: null }],
    );
    expect(verdict(h)).toBe("illegal");
  });

  it("shows that an info write may take effect late, long after its client gave up", () => {
    const h = history(
      [0, "write", 1, 0, 1, "info"],
      [1, "read", null, 5, 6, { ok: null }],
      [2, "read", null, 10, 11, { ok: 1 }],
    );
    expect(verdict(h)).toBe("ok");
    const never = history([0, "write", 1, 0, 1, "info"], [1, "read", null, 5, 6, { ok: null }]);
    expect(verdict(never)).toBe("ok");
  });

  it("shows that an info write still cannot be undone once seen", () => {
    const h = history(
      [0, "write", 1, 0, 1, "info"],
      [1, "read", null, 5, 6, { ok: 1 }],
      [2, "read", null, 10, 11, { ok: null }],
    );
    expect(verdict(h)).toBe("illegal");
  });

  it("shows that a failed cas is a comparison that failed, and must be consistent with the value", () => {
    const mismatch = history(
      [0, "write", 1, 0, 1, { ok: null }],
      [1, "cas", [2, 3], 2, 3, { ok: false }],
      [2, "read", null, 4, 5, { ok: 1 }],
    );
    expect(verdict(mismatch)).toBe("ok");
    const impossible = history(
      [0, "write", 1, 0, 1, { ok: null }],
      [1, "cas", [1, 3], 2, 3, { ok: false }],
    );
    expect(verdict(impossible)).toBe("illegal");
    const swapped = history(
      [0, "cas", [null, 3], 0, 1, { ok: true }],
      [1, "read", null, 2, 3, { ok: 3 }],
    );
    expect(verdict(swapped)).toBe("ok");
  });

  it("shows that zero-duration operations at the same instant overlap (closed intervals)", () => {
    for (const seen of [null, 1]) {
      const h = history([0, "write", 1, 5, 5, { ok: null }], [1, "read", null, 5, 5, { ok: seen }]);
      expect(verdict(h)).toBe("ok");
    }
    const after = history(
      [0, "write", 1, 5, 5, { ok: null }],
      [1, "read", null, 6, 6, { ok: null }],
    );
    expect(verdict(after)).toBe("illegal");
  });

  it("shows that a failed write definitely did not happen", () => {
    const seen = history([0, "write", 1, 0, 1, "fail"], [1, "read", null, 2, 3, { ok: 1 }]);
    expect(verdict(seen)).toBe("illegal");
    const unseen = history([0, "write", 1, 0, 1, "fail"], [1, "read", null, 2, 3, { ok: null }]);
    expect(verdict(unseen)).toBe("ok");
  });

  it("shows that the empty history is linearizable", () => {
    expect(verdict([])).toBe("ok");
  });
});

describe("checkLinearizability: what an illegal answer says", () => {
  it("shows the longest partial linearisation and the operation that cannot be linearised", () => {
    const h = history(
      [0, "write", 1, 0, 1, { ok: null }],
      [1, "write", 2, 2, 3, { ok: null }],
      [2, "read", null, 4, 5, { ok: 1 }],
    );
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe("illegal");
    if (result.verdict !== "illegal") return;
    const [longest] = result.longest;
    expect(longest?.operations.map((op) => op.text)).toEqual(["write(1) → nil", "write(2) → nil"]);
    expect(longest?.stateAfter).toBe("2");
    expect(longest?.blocked).toMatchObject({ id: 2, f: "read", output: 1, completeMicros: 5 });
    expect(longest?.candidates[0]?.reason).toMatch(/cannot take effect in this state/);
    expect(result.unlinearizable.map((op) => op.id)).toEqual([2]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe("checkLinearizability: parts, fairness and budgets", () => {
  /** 24 concurrent writes and a read of a value nobody wrote: exponential without a shortcut. */
  function hardPart(key: string): Operation[] {
    const rows: [number, string, Value, number, number, Outcome][] = [];
    for (let i = 0; i < 24; i++)
      rows.push([i, "put", { key, value: `v${i}` }, 0, 100, { ok: null }]);
    for (let i = 0; i < 24; i++)
      rows.push([30 + i, "get", { key }, 1, 99, { ok: `v${(i * 7) % 24}` }]);
    rows.push([99, "get", { key }, 101, 102, { ok: "nobody wrote this" }]);
    return [...history(...rows)];
  }

  it("shows that a part too hard for the budget gives unknown, never ok", () => {
    const result = checkLinearizability(hardPart("h"), kvModel, { maxSteps: 20_000 });
    expect(result.verdict).toBe("unknown");
    if (result.verdict === "unknown") {
      expect(result.reason).toBe("steps");
      expect(result.undecided).toEqual(['key "h"']);
    }
  });

  it("shows that a hard part cannot hide an easy violation in another part", () => {
    const easy = history(
      [100, "put", { key: "e", value: "a" }, 200, 201, { ok: null }],
      [101, "get", { key: "e" }, 202, 203, { ok: "" }],
    );
    const h = [...hardPart("h"), ...easy].map((op, id) => ({ ...op, id }));
    const result = checkLinearizability(h, kvModel, { maxSteps: 50_000 });
    expect(result.verdict).toBe("illegal");
    if (result.verdict === "illegal") expect(result.partition).toBe('key "e"');
  });

  it("shows that in a 50-client kv history over 10 keys, one illegal key is reported in far fewer steps than the legal keys need", () => {
    let written = 0;
    const legal = generateHistory({
      model: kvModel,
      rng: Rng.fromSeed(2).derive("kv/50x10"),
      operations: 1_700,
      clients: 50,
      keys: 10,
      latencyMicrosMax: 1_000,
      nextCall: (rng): { f: string; input: Value } => {
        const key = String(rng.int(10));
        if (rng.chance(0.5)) return { f: "get", input: { key } };
        return { f: "append", input: { key, value: `x ${written++} y` } };
      },
    });
    // A read a third of the way through key 3 sees a value no append made. Proving a part
    // illegal takes that part's whole search before the bad read; round robin bounds the rest at
    // one slice per other undecided part for each slice of it. (The legal history takes ~107,000
    // steps, the illegal one ~13,000.)
    const reads = legal.filter(
      (op) =>
        op.f === "get" &&
        op.input !== null &&
        (op.input as { key: string }).key === "3" &&
        op.output,
    );
    const victim = reads[Math.floor(reads.length / 3)] as Operation;
    const illegal = legal.map((op) =>
      op.id === victim.id ? { ...op, output: `${String(op.output)}!` } : op,
    );
    const ok = checkLinearizability(legal, kvModel);
    const bad = checkLinearizability(illegal, kvModel);
    expect(ok.verdict).toBe("ok");
    expect(bad).toMatchObject({ verdict: "illegal", partition: 'key "3"' });
    expect(bad.stats.steps * 3).toBeLessThan(ok.stats.steps);
  });

  it("shows that the time budget answers unknown when the clock passes the deadline", () => {
    let now = 0;
    const clock = { monotonicMs: () => (now += 10) };
    const result = checkLinearizability(hardPart("h"), kvModel, { timeoutMs: 100, clock });
    expect(result).toMatchObject({ verdict: "unknown", reason: "timeout" });
  });

  it("shows that the time budget is checked inside a slice, so slow steps cannot overrun it", () => {
    // A clock that passes 1 ms per reading: the deadline falls within the first slice of 2,000.
    let now = 0;
    const clock = { monotonicMs: () => (now += 1) };
    const result = checkLinearizability(hardPart("h"), kvModel, { timeoutMs: 10, clock });
    expect(result).toMatchObject({ verdict: "unknown", reason: "timeout" });
    expect(result.stats.steps).toBeLessThan(2_000);
  });

  it("shows that the memory budget counts what each remembered state holds", () => {
    // The same search, with states that claim to be large, runs out of memory far sooner.
    const heavy = { ...kvModel, sizeOfState: () => 100_000 };
    const light = checkLinearizability(hardPart("h"), kvModel, { maxMemoryBytes: 5e6 });
    const weighed = checkLinearizability(hardPart("h"), heavy, { maxMemoryBytes: 5e6 });
    expect(weighed).toMatchObject({ verdict: "unknown", reason: "memory" });
    expect(light).toMatchObject({ verdict: "unknown", reason: "memory" });
    expect(weighed.stats.visitedStates * 10).toBeLessThan(light.stats.visitedStates);
  });

  it("shows that a heap near its limit answers unknown (heap), a reason apart from the budgets", () => {
    const heap = { usedBytes: () => 900, limitBytes: 1_000 };
    const result = checkLinearizability(hardPart("h"), kvModel, {
      maxStateBytes: Number.MAX_SAFE_INTEGER,
      heap,
    });
    expect(result).toMatchObject({ verdict: "unknown", reason: "heap" });
    const roomy = { usedBytes: () => 100, limitBytes: 1_000 };
    const small = history([0, "put", { key: "k", value: 1 }, 0, 1, { ok: null }]);
    expect(checkLinearizability(small, kvModel, { heap: roomy }).verdict).toBe("ok");
  });

  it("shows that times a float cannot hold exactly and values that are not JSON data are refused", () => {
    const op = history([0, "write", 1, 0, 1, { ok: null }])[0]!;
    const bad = (change: Partial<Operation>) => () =>
      checkLinearizability([{ ...op, ...change }], registerModel);
    expect(bad({ invokeMicros: 2 ** 53 })).toThrow(/history\[0\]\.invokeMicros/);
    expect(bad({ completeMicros: 0.5 })).toThrow(/history\[0\]\.completeMicros/);
    expect(bad({ input: NaN })).toThrow(/history\[0\]\.input.*JSON data/);
    let deep: Value = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(bad({ input: deep })).toThrow(ConfigError);
    expect(bad({ output: 10n as never })).toThrow(/history\[0\]\.output/);
  });

  it("shows that the memory budget answers unknown before memory runs out", () => {
    const result = checkLinearizability(hardPart("h"), kvModel, { maxStateBytes: 200_000 });
    expect(result).toMatchObject({ verdict: "unknown", reason: "memory" });
    // maxMemoryBytes is the former name of the same budget.
    const former = checkLinearizability(hardPart("h"), kvModel, { maxMemoryBytes: 200_000 });
    expect(former).toEqual(result);
  });

  it("shows that the same history and budgets give the same verdict and steps, however fast the clock runs", () => {
    // The clock only measures elapsedMs unless a wall-time guard is set: a clock racing ahead by a
    // minute per reading, or standing still, changes neither the verdict nor the search.
    const easy = history(
      [100, "put", { key: "e", value: "a" }, 200, 201, { ok: null }],
      [101, "get", { key: "e" }, 202, 203, { ok: "a" }],
    );
    const cases: [History, LinearizabilityOptions][] = [
      [hardPart("h"), { maxSteps: 30_000 }],
      [hardPart("h"), { maxStateBytes: 300_000 }],
      [[...hardPart("h"), ...easy].map((op, id) => ({ ...op, id })), { maxSteps: 1_000_000 }],
    ];
    for (const [h, budget] of cases) {
      let fast = 0;
      const racing = { monotonicMs: () => (fast += 60_000) };
      const stopped = { monotonicMs: () => 0 };
      const plain = checkLinearizability(h, kvModel, budget);
      const withFast = checkLinearizability(h, kvModel, { ...budget, clock: racing });
      const withStopped = checkLinearizability(h, kvModel, { ...budget, clock: stopped });
      for (const other of [withFast, withStopped]) {
        expect(other.verdict).toBe(plain.verdict);
        expect(other.stats.steps).toBe(plain.stats.steps);
        expect(other.stats.visitedStates).toBe(plain.stats.visitedStates);
        if (plain.verdict === "unknown") expect(other).toMatchObject({ reason: plain.reason });
      }
    }
  });

  it("shows that without a budget the default step budget still bounds the search", () => {
    const result = checkLinearizability(hardPart("h"), kvModel, { sliceSteps: 1_000_000 });
    expect(result.verdict).not.toBe("ok");
    if (result.verdict === "unknown") {
      expect(["steps", "memory"]).toContain(result.reason);
      if (result.reason === "steps") expect(result.stats.steps).toBe(DEFAULT_MAX_STEPS);
    }
  });

  it("shows that a time budget without a clock, and bad budgets, are configuration errors", () => {
    expect(() => checkLinearizability([], registerModel, { timeoutMs: 10 })).toThrow(ConfigError);
    expect(() => checkLinearizability([], registerModel, { maxSteps: 0 })).toThrow(/maxSteps/);
    expect(() => checkLinearizability([], registerModel, { maxMemoryBytes: -1 })).toThrow(
      /maxMemoryBytes/,
    );
    expect(() => checkLinearizability([], registerModel, { maxStateBytes: 0 })).toThrow(
      /maxStateBytes/,
    );
    expect(() => checkLinearizability([], registerModel, { maxSteps: 1.5 })).toThrow(/maxSteps/);
  });

  it("shows that an ok operation without a completion time is refused, naming the operation", () => {
    // Left open, the read below could be put off to the end and the fast checker answered ok where
    // the reference answers not linearizable: an ok call returned, so it has a completion time.
    const write = history([0, "write", 1, 0, 1, { ok: null }])[0] as Operation;
    const read: Operation = {
      id: 1,
      process: 1,
      f: "read",
      input: null,
      invokeMicros: 2,
      status: "ok",
      output: 5,
      completeMicros: undefined,
    };
    expect(() => checkLinearizability([write, read], registerModel)).toThrow(ConfigError);
    expect(() => checkLinearizability([write, read], registerModel)).toThrow(
      /^`history\[1\]\.completeMicros` must be a finite time for an ok operation, got undefined/,
    );
    const infinite = { ...read, completeMicros: Infinity };
    expect(() => checkLinearizability([write, infinite], registerModel)).toThrow(/got Infinity/);
    // An info operation may lack one: it stays open anyway.
    const info: Operation = { ...read, status: "info", output: undefined };
    expect(checkLinearizability([write, info], registerModel).verdict).toBe("ok");
  });

  it("shows that an operation the model does not know names its line and what was expected", () => {
    const h = readJepsenLog("0\t:invoke\t:get\tnil\n0\t:ok\t:get\t1\n");
    expect(() => checkLinearizability(h, registerModel)).toThrow(ModelInputError);
    expect(() => checkLinearizability(h, registerModel)).toThrow(
      /^line 1: the register model expected f to be read, write or cas/,
    );
  });
});

describe("checkLinearizability: other models and user models", () => {
  it("shows that the Jepsen corpus histories get their known verdicts", () => {
    expect(verdict(readJepsenLog(corpus("register-ok.jepsen-log.txt")))).toBe("ok");
    expect(verdict(readJepsenLog(corpus("register-stale-read.jepsen-log.txt")))).toBe("illegal");
    expect(verdict(readJepsenEdn(corpus("kv-ok.jepsen-edn.txt")), kvModel)).toBe("ok");
    expect(verdict(readJepsenEdn(corpus("kv-lost-append.jepsen-edn.txt")), kvModel)).toBe(
      "illegal",
    );
  });

  it("shows that kv keys that are objects are the same key whatever their key order", () => {
    const h = history(
      [0, "put", { key: { a: 1, b: 2 }, value: 1 }, 0, 1, { ok: null }],
      [1, "get", { key: { b: 2, a: 1 } }, 2, 3, { ok: 1 }],
    );
    const result = checkLinearizability(h, kvModel);
    expect(result.verdict).toBe("ok");
    expect(result.stats.partitions).toBe(1);
  });

  it("shows that a queue that hands out a value twice is illegal", () => {
    const h = history(
      [0, "enqueue", 7, 0, 1, { ok: null }],
      [1, "dequeue", null, 2, 5, { ok: 7 }],
      [2, "dequeue", null, 2, 5, { ok: 7 }],
    );
    expect(verdict(h, queueModel)).toBe("illegal");
  });

  it("shows that enqueue(nil) is refused, since a dequeue returning nil means the queue was empty", () => {
    // Accepted, a nil element made a nil dequeue ambiguous and the fast checker disagreed with the
    // reference on this history.
    const h = history(
      [0, "enqueue", null, 0, 1, { ok: null }],
      [1, "dequeue", null, 2, 20, { ok: null }],
      [2, "enqueue", 7, 5, 6, { ok: null }],
      [3, "dequeue", null, 7, 8, { ok: null }],
      [4, "dequeue", null, 9, 10, { ok: 7 }],
    );
    expect(() => checkLinearizability(h, queueModel)).toThrow(ModelInputError);
    expect(() => checkLinearizability(h, queueModel)).toThrow(
      /^operation 0: the queue model expected enqueue input a value other than nil/,
    );
  });

  it("shows that a user model written against the Model interface is checked per part", () => {
    // A grow-only max register per key: `raise(n)` keeps the maximum, `peek()` returns it.
    const maxModel: Model<number> = {
      name: "max",
      init: () => 0,
      step(state, call) {
        const { n } = call.input as { key: string; n?: number };
        if (call.f === "raise") return Math.max(state, n ?? 0);
        return call.output === undefined || call.output === state ? state : undefined;
      },
      equal: (a, b) => a === b,
      hash: (s) => s,
      partition: (call) => (call.input as { key: string }).key,
      describe: (call) => `${call.f}${JSON.stringify(call.input)}`,
    };
    const ok = history(
      [0, "raise", { key: "a", n: 5 }, 0, 1, { ok: null }],
      [1, "raise", { key: "b", n: 1 }, 0, 1, { ok: null }],
      [2, "raise", { key: "a", n: 3 }, 2, 3, { ok: null }],
      [3, "peek", { key: "a" }, 4, 5, { ok: 5 }],
    );
    expect(checkLinearizability(ok, maxModel).stats.partitions).toBe(2);
    expect(verdict(ok, maxModel)).toBe("ok");
    const bad = [...ok, ...history([4, "peek", { key: "b" }, 6, 7, { ok: 5 }])].map((op, id) => ({
      ...op,
      id,
    }));
    expect(checkLinearizability(bad, maxModel)).toMatchObject({
      verdict: "illegal",
      partition: "b",
    });
  });
});
