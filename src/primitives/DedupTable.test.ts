import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ManualClock } from "../core/ManualClock.js";
import { RealClock } from "../runtime/RealClock.js";
import { canonicalJson, DedupTable } from "./DedupTable.js";
import { RequestIdReuseError } from "./errors.js";

describe("DedupTable", () => {
  it("shows that a retry with the same ID replays the first result without applying the effect again", () => {
    const table = new DedupTable<{ amount: number }, number>({ clock: new ManualClock() });
    let balance = 100;
    const debit = () => (balance -= 30);
    expect(table.execute("req-1", { amount: 30 }, debit)).toEqual({ result: 70, replayed: false });
    expect(table.execute("req-1", { amount: 30 }, debit)).toEqual({ result: 70, replayed: true });
    expect(balance).toBe(70);
  });

  it("shows that the same ID with different parameters is a typed, definite error", () => {
    const table = new DedupTable<{ amount: number }, string>({ clock: new ManualClock() });
    table.execute("req-1", { amount: 30 }, () => "ok");
    let error: unknown;
    try {
      table.execute("req-1", { amount: 31 }, () => "ok");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RequestIdReuseError);
    expect(error).toMatchObject({ code: "E_REQUEST_ID_REUSED", definite: true });
    expect(String(error)).toMatch(/\{"amount":30\}.*\{"amount":31\}/);
  });

  it("shows that parameter key order does not matter to the fingerprint", () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3n }] })).toBe('{"a":[1,{"c":3n,"d":2}],"b":1}');
    const table = new DedupTable<object, number>({ clock: new ManualClock() });
    table.execute("r", { a: 1, b: 2 }, () => 1);
    expect(table.execute("r", { b: 2, a: 1 }, () => 2)).toEqual({ result: 1, replayed: true });
  });

  it("shows that an effect that throws records nothing, so a retry applies it afresh", () => {
    const table = new DedupTable<null, string>({ clock: new ManualClock() });
    expect(() =>
      table.execute("r", null, () => {
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect(table.execute("r", null, () => "done")).toEqual({ result: "done", replayed: false });
  });

  it("shows the consequence of bounded retention: a retry after eviction or expiry is applied again", () => {
    const clock = new ManualClock();
    const table = new DedupTable<null, number>({ clock, maxEntries: 2, maxAgeMs: 1000 });
    let applied = 0;
    const effect = () => ++applied;
    table.execute("a", null, effect);
    table.execute("b", null, effect);
    table.execute("c", null, effect); // evicts "a" for lack of room
    expect(table.evictedCount).toBe(1);
    expect(table.execute("a", null, effect).replayed).toBe(false);
    expect(applied).toBe(4);
    clock.advanceMs(1000); // everything ages out
    expect(table.size()).toBe(0);
    expect(table.execute("c", null, effect).replayed).toBe(false);
    expect(applied).toBe(5);
  });

  it("shows that concurrent async duplicates share one execution", async () => {
    const clock = new ManualClock();
    const table = new DedupTable<null, string>({ clock });
    let applied = 0;
    const effect = async () => {
      applied++;
      await clock.sleep(10);
      return "charged";
    };
    const both = Promise.all([
      table.executeAsync("r", null, effect),
      table.executeAsync("r", null, effect),
    ]);
    const [first, second] = await clock.run(both);
    expect(first).toEqual({ result: "charged", replayed: false });
    expect(second).toEqual({ result: "charged", replayed: true });
    expect(applied).toBe(1);
    expect(table.lookup("r")?.result).toBe("charged");
  });

  it("shows that idempotent replay returns the first result and never applies twice (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 3 })), {
          maxLength: 60,
        }),
        (requests) => {
          const table = new DedupTable<{ amount: number }, number>({ clock: new ManualClock() });
          const firstParams = new Map<number, number>();
          const firstResult = new Map<number, number>();
          const applications = new Map<number, number>();
          let total = 0;
          for (const [id, amount] of requests) {
            const params = { amount: firstParams.get(id) ?? amount };
            firstParams.set(id, params.amount);
            const { result } = table.execute(`req-${id}`, params, () => {
              applications.set(id, (applications.get(id) ?? 0) + 1);
              return (total += params.amount);
            });
            if (!firstResult.has(id)) firstResult.set(id, result);
            expect(result).toBe(firstResult.get(id));
          }
          for (const count of applications.values()) expect(count).toBe(1);
        },
      ),
    );
  });

  it("shows that bad retention settings are refused, and the table works on the real clock", () => {
    expect(() => new DedupTable({ clock: new RealClock(), maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new DedupTable({ clock: new RealClock(), maxAgeMs: -1 })).toThrow(/maxAgeMs/);
    const table = new DedupTable<number, number>({ clock: new RealClock() });
    expect(table.execute("x", 1, () => 7).result).toBe(7);
    expect(table.execute("x", 1, () => 8).result).toBe(7);
  });
});
