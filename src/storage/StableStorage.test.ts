import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { AssertionError } from "../core/assert.js";
import { Rng } from "../core/Rng.js";
import {
  CRASH_POLICIES,
  type CrashPolicy,
  StableStorage,
  validateCrashPolicy,
} from "./StableStorage.js";

const rng = () => Rng.fromSeed(1).derive("storage");

function contents(s: StableStorage): Record<string, unknown> {
  return Object.fromEntries(s.keys().map((k) => [k, s.get(k)]));
}

describe("StableStorage", () => {
  it("shows that unsynced writes vanish when a crash loses everything", () => {
    const s = new StableStorage();
    s.set("a", 1);
    s.sync();
    s.set("a", 2);
    s.set("b", 3);
    expect(s.unsyncedCount).toBe(2);
    expect(s.crash(rng(), "lose-all")).toEqual({ lostWrites: 2, keptWrites: 0 });
    expect(contents(s)).toEqual({ a: 1 });
    expect(s.unsyncedCount).toBe(0);
  });

  it("shows that keep-all keeps every unsynced write, deletes included", () => {
    const s = new StableStorage();
    s.set("a", 1);
    s.set("b", 2);
    s.sync();
    s.delete("a");
    s.set("c", 3);
    expect(s.crash(rng(), "keep-all")).toEqual({ lostWrites: 0, keptWrites: 2 });
    expect(contents(s)).toEqual({ b: 2, c: 3 });
  });

  it("shows that a random prefix sometimes loses writes and sometimes keeps them", () => {
    const kept = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      const s = new StableStorage();
      for (let i = 0; i < 4; i++) s.set(`k${i}`, i);
      kept.add(s.crash(Rng.fromSeed(seed), "random-prefix").keptWrites);
    }
    expect(kept).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it("shows that values are copied on write and read, so memory cannot alias the disk", () => {
    const s = new StableStorage();
    const value = { log: [1, 2] };
    s.set("v", value);
    value.log.push(3);
    const read = s.get<{ log: number[] }>("v")!;
    read.log.push(4);
    expect(s.get("v")).toEqual({ log: [1, 2] });
  });

  it("shows that keys come out sorted whatever the write order", () => {
    const s = new StableStorage();
    for (const k of ["zeta", "alpha", "mid"]) s.set(k, k);
    expect(s.keys()).toEqual(["alpha", "mid", "zeta"]);
    expect(s.has("mid")).toBe(true);
    expect(s.delete("mid")).toBe(true);
    expect(s.delete("mid")).toBe(false);
    expect(s.size).toBe(2);
  });

  it("shows that writing undefined or an uncloneable value fails at the write", () => {
    const s = new StableStorage();
    expect(() => s.set("x", undefined)).toThrow(AssertionError);
    expect(() => s.set("f", () => 1)).toThrow();
    expect(s.has("f")).toBe(false);
  });

  it("shows that an unknown policy is a typed error listing the policies", () => {
    expect(() => validateCrashPolicy("lose-some", "faults.crash.storagePolicy")).toThrow(
      /`faults\.crash\.storagePolicy` must be one of "lose-all", "keep-all", "random-prefix"/,
    );
    expect(() => new StableStorage().crash(rng(), "nope" as CrashPolicy)).toThrow(ConfigError);
    expect(validateCrashPolicy(undefined, "p")).toBe("random-prefix");
  });

  it("shows that synced writes never vanish and recovery sees synced state plus a prefix", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("set" as const),
        key: fc.constantFrom("a", "b", "c", "d"),
        value: fc.integer(),
      }),
      fc.record({ kind: fc.constant("delete" as const), key: fc.constantFrom("a", "b", "c", "d") }),
      fc.record({ kind: fc.constant("sync" as const) }),
      fc.record({
        kind: fc.constant("crash" as const),
        policy: fc.constantFrom("lose-all", "keep-all", "random-prefix"),
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.array(op, { maxLength: 60 }),
        (seed, ops) => {
          const random = Rng.fromSeed(seed);
          const s = new StableStorage();
          // The reference: synced state, and the unsynced writes in order.
          let synced = new Map<string, number>();
          let pending: { key: string; value: number | undefined }[] = [];
          const apply = (base: Map<string, number>, writes: typeof pending) => {
            const next = new Map(base);
            for (const w of writes) {
              if (w.value === undefined) next.delete(w.key);
              else next.set(w.key, w.value);
            }
            return next;
          };
          for (const o of ops) {
            if (o.kind === "set") {
              s.set(o.key, o.value);
              pending.push({ key: o.key, value: o.value });
            } else if (o.kind === "delete") {
              s.delete(o.key);
              pending.push({ key: o.key, value: undefined });
            } else if (o.kind === "sync") {
              s.sync();
              synced = apply(synced, pending);
              pending = [];
            } else {
              const { keptWrites, lostWrites } = s.crash(random, o.policy as CrashPolicy);
              expect(keptWrites + lostWrites).toBe(pending.length);
              if (o.policy === "lose-all") expect(keptWrites).toBe(0);
              if (o.policy === "keep-all") expect(lostWrites).toBe(0);
              synced = apply(synced, pending.slice(0, keptWrites));
              pending = [];
              expect(contents(s)).toEqual(Object.fromEntries([...synced].sort()));
            }
            expect(contents(s)).toEqual(Object.fromEntries([...apply(synced, pending)].sort()));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("shows that random-subset can keep a later write while losing an earlier one", () => {
    let reordered = false;
    for (let seed = 0; seed < 50 && !reordered; seed++) {
      const s = new StableStorage();
      s.set("first", 1);
      s.set("second", 2);
      s.crash(Rng.fromSeed(seed), "random-subset");
      reordered = !s.has("first") && s.has("second");
    }
    expect(reordered).toBe(true);
    expect(CRASH_POLICIES).toContain("random-subset");
  });

  it("shows that the same seed makes the same crash decisions", () => {
    const run = () => {
      const s = new StableStorage();
      const r = Rng.fromSeed(77);
      const out = [];
      for (let i = 0; i < 20; i++) {
        for (let j = 0; j < 5; j++) s.set(`k${j}`, i * 10 + j);
        out.push(s.crash(r, i % 2 === 0 ? "random-prefix" : "random-subset").keptWrites);
      }
      return out;
    };
    expect(run()).toEqual(run());
  });
});
