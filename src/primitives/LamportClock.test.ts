import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { compareLamport, LamportClock, type LamportTimestamp } from "./LamportClock.js";
import { VectorClock } from "./VectorClock.js";
import { causalHistoryArb, replay } from "./causalHistory.test.js";

describe("LamportClock", () => {
  it("shows tick, send and receive: a receive jumps past the message's time", () => {
    const a = new LamportClock("a");
    const b = new LamportClock("b");
    expect(a.tick()).toEqual({ time: 1, nodeId: "a" });
    const m = a.send();
    expect(m.time).toBe(2);
    b.tick();
    expect(b.receive(m)).toEqual({ time: 3, nodeId: "b" });
    expect(b.receive(1).time).toBe(4);
  });

  it("shows the total order: by time, then node id", () => {
    const stamps: LamportTimestamp[] = [
      { time: 2, nodeId: "b" },
      { time: 1, nodeId: "z" },
      { time: 2, nodeId: "a" },
    ];
    expect(stamps.sort(compareLamport)).toEqual([
      { time: 1, nodeId: "z" },
      { time: 2, nodeId: "a" },
      { time: 2, nodeId: "b" },
    ]);
    expect(compareLamport({ time: 1, nodeId: "a" }, { time: 1, nodeId: "a" })).toBe(0);
  });

  it("shows that Lamport order extends happened-before on random message histories (property)", () => {
    fc.assert(
      fc.property(causalHistoryArb, (history) => {
        const events = replay(history, {
          init: (id) => ({ lamport: new LamportClock(id), vc: VectorClock.empty() }),
          local: (s, id) => ({ stamp: s.lamport.tick(), vc: (s.vc = s.vc.increment(id)) }),
          send: (s, id) => ({ stamp: s.lamport.send(), vc: (s.vc = s.vc.increment(id)) }),
          receive: (s, id, msg) => ({
            stamp: s.lamport.receive(msg.stamp),
            vc: (s.vc = s.vc.receive(id, msg.vc)),
          }),
        });
        for (const e of events) {
          for (const f of events) {
            if (e.vc.happenedBefore(f.vc)) expect(compareLamport(e.stamp, f.stamp)).toBeLessThan(0);
          }
        }
      }),
    );
  });

  it("shows that bad ids and times are refused", () => {
    expect(() => new LamportClock("")).toThrow(ConfigError);
    expect(() => new LamportClock("a", -1)).toThrow(/initialTime/);
    expect(() => new LamportClock("a").receive(1.5)).toThrow(/message.time/);
  });
});
