import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { causalHistoryArb, replay } from "./causalHistory.test.js";
import { VectorClock } from "./VectorClock.js";

const vcArb = fc
  .dictionary(fc.constantFrom("a", "b", "c", "d"), fc.nat(4))
  .map((entries) => VectorClock.from(entries));

describe("VectorClock", () => {
  it("shows compare: before, after, equal and concurrent", () => {
    const a = VectorClock.from({ a: 1 });
    const ab = VectorClock.from({ a: 1, b: 1 });
    const b = VectorClock.from({ b: 1 });
    expect(a.compare(ab)).toBe("before");
    expect(ab.compare(a)).toBe("after");
    expect(a.compare(VectorClock.from({ a: 1, z: 0 }))).toBe("equal");
    expect(a.compare(b)).toBe("concurrent");
    expect(a.merge(b).compare(ab)).toBe("equal");
  });

  it("shows the compact encoding: sorted, zeros omitted, odd ids escaped, round-trips", () => {
    const vc = VectorClock.from({ "n:2,x": 5, b: 0, a: 3 });
    expect(vc.encode()).toBe("a:3,n%3A2%2Cx:5");
    expect(VectorClock.decode(vc.encode()).compare(vc)).toBe("equal");
    expect(VectorClock.empty().encode()).toBe("");
    expect(VectorClock.decode("").compare(VectorClock.empty())).toBe("equal");
    expect(() => VectorClock.decode("a=3")).toThrow(ConfigError);
    expect(() => VectorClock.from({ a: -1 })).toThrow(/counter of a/);
  });

  it("shows that comparison is a partial order: reflexive, antisymmetric, transitive (property)", () => {
    fc.assert(
      fc.property(vcArb, vcArb, vcArb, (x, y, z) => {
        const leq = (p: VectorClock, q: VectorClock) => {
          const o = p.compare(q);
          return o === "before" || o === "equal";
        };
        expect(x.compare(x)).toBe("equal");
        if (leq(x, y) && leq(y, x)) expect(x.compare(y)).toBe("equal");
        if (leq(x, y) && leq(y, z)) expect(leq(x, z)).toBe(true);
        const flipped = {
          before: "after",
          after: "before",
          equal: "equal",
          concurrent: "concurrent",
        };
        expect(y.compare(x)).toBe(flipped[x.compare(y)]);
        expect(leq(x, x.merge(y)) && leq(y, x.merge(y))).toBe(true);
        expect(VectorClock.decode(x.encode()).compare(x)).toBe("equal");
      }),
    );
  });

  it("shows that comparison matches causality exactly on random message histories (property)", () => {
    fc.assert(
      fc.property(causalHistoryArb, (history) => {
        // Track causality independently: each event's set of causal predecessors (itself included).
        let next = 0;
        type Ev = { id: number; past: Set<number>; vc: VectorClock };
        const events = replay(history, {
          init: () => ({ past: new Set<number>(), vc: VectorClock.empty() }),
          local: (s, node) => {
            const id = next++;
            s.past = new Set([...s.past, id]);
            s.vc = s.vc.increment(node);
            return { id, past: s.past, vc: s.vc } as Ev;
          },
          send: (s, node) => {
            const id = next++;
            s.past = new Set([...s.past, id]);
            s.vc = s.vc.increment(node);
            return { id, past: s.past, vc: s.vc } as Ev;
          },
          receive: (s, node, m: Ev) => {
            const id = next++;
            s.past = new Set([...s.past, ...m.past, id]);
            s.vc = s.vc.receive(node, m.vc);
            return { id, past: s.past, vc: s.vc } as Ev;
          },
        });
        for (const e of events) {
          for (const f of events) {
            const causal = e !== f && f.past.has(e.id);
            expect(e.vc.happenedBefore(f.vc)).toBe(causal);
            if (e !== f && !causal && !e.past.has(f.id)) {
              expect(e.vc.compare(f.vc)).toBe("concurrent");
            }
          }
        }
      }),
    );
  });
});
