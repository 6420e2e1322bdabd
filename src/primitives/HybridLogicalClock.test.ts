import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { RealClock } from "../runtime/RealClock.js";
import { causalHistoryArb, replay } from "./causalHistory.test.js";
import { ClockOffsetError } from "./errors.js";
import {
  compareHlc,
  decodeHlc,
  encodeHlc,
  hlcFromBigInt,
  hlcToBigInt,
  HybridLogicalClock,
  type HlcTimestamp,
} from "./HybridLogicalClock.js";
import { VectorClock } from "./VectorClock.js";

const tsArb = fc.record({
  wallMs: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  logical: fc.integer({ min: 0, max: 0xffff }),
});

describe("HybridLogicalClock", () => {
  it("shows the send rule: wall time when it moves, the logical counter when it does not", () => {
    const clock = new ManualClock({ wallStartMs: 1000 });
    const hlc = new HybridLogicalClock({ clock });
    expect(hlc.now()).toEqual({ wallMs: 1000, logical: 0 });
    expect(hlc.now()).toEqual({ wallMs: 1000, logical: 1 });
    clock.advanceMs(5);
    expect(hlc.send()).toEqual({ wallMs: 1005, logical: 0 });
    clock.jumpWallMs(-100); // NTP steps the wall clock back: HLC time does not go back
    expect(hlc.now()).toEqual({ wallMs: 1005, logical: 1 });
  });

  it("shows the receive rule: a message from a node slightly ahead pulls the clock forward", () => {
    const clock = new ManualClock({ wallStartMs: 1000 });
    const hlc = new HybridLogicalClock({ clock });
    hlc.now();
    expect(hlc.receive({ wallMs: 1200, logical: 7 })).toEqual({ wallMs: 1200, logical: 8 });
    expect(hlc.receive({ wallMs: 1200, logical: 3 })).toEqual({ wallMs: 1200, logical: 9 });
    expect(hlc.receive({ wallMs: 900, logical: 50 })).toEqual({ wallMs: 1200, logical: 10 });
    clock.advanceMs(500);
    expect(hlc.receive({ wallMs: 1100, logical: 0 })).toEqual({ wallMs: 1500, logical: 0 });
  });

  it("shows that a remote stamp more than maxOffsetMs ahead is rejected with a typed error and changes nothing", () => {
    const clock = new ManualClock({ wallStartMs: 10_000 });
    const hlc = new HybridLogicalClock({ clock });
    const before = hlc.now();
    expect(hlc.receive({ wallMs: 10_500, logical: 0 }).wallMs).toBe(10_500); // at the bound: accepted
    const fresh = new HybridLogicalClock({ clock });
    let error: unknown;
    try {
      fresh.receive({ wallMs: 10_501, logical: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClockOffsetError);
    expect(error).toMatchObject({ code: "E_CLOCK_OFFSET", definite: true, maxOffsetMs: 500 });
    expect(fresh.peek()).toEqual({ wallMs: 0, logical: 0 });
    expect(before.wallMs).toBe(10_000);
    expect(() => new HybridLogicalClock({ clock, maxOffsetMs: -1 })).toThrow(ConfigError);
  });

  it("shows that a logical overflow carries into the wall component and order is kept", () => {
    const clock = new ManualClock({ wallStartMs: 1000 });
    const hlc = new HybridLogicalClock({ clock });
    hlc.receive({ wallMs: 1000, logical: 0xfffe });
    expect(hlc.now()).toEqual({ wallMs: 1001, logical: 0 });
  });

  it("shows that the 48+16-bit encoding sorts as a string and as a bigint, and round-trips (property)", () => {
    fc.assert(
      fc.property(tsArb, tsArb, (a, b) => {
        const order = Math.sign(compareHlc(a, b));
        const sa = encodeHlc(a);
        const sb = encodeHlc(b);
        expect(Math.sign(sa < sb ? -1 : sa > sb ? 1 : 0)).toBe(order);
        const ba = hlcToBigInt(a);
        const bb = hlcToBigInt(b);
        expect(Math.sign(ba < bb ? -1 : ba > bb ? 1 : 0)).toBe(order);
        expect(decodeHlc(sa)).toEqual(a);
        expect(hlcFromBigInt(ba)).toEqual(a);
      }),
    );
    expect(encodeHlc({ wallMs: 1, logical: 2 })).toBe("0000000000010002");
    expect(() => decodeHlc("xyz")).toThrow(ConfigError);
    expect(() => encodeHlc({ wallMs: 2 ** 48, logical: 0 })).toThrow(/wallMs/);
  });

  it("shows that stamps strictly increase on each node and respect happened-before across messages, under skew and clock steps (property)", () => {
    fc.assert(
      fc.property(
        causalHistoryArb,
        fc.array(fc.integer({ min: -200, max: 200 }), { minLength: 4, maxLength: 4 }),
        (history, offsets) => {
          type State = {
            clock: ManualClock;
            hlc: HybridLogicalClock;
            vc: VectorClock;
            last?: HlcTimestamp;
          };
          type Ev = { ts: HlcTimestamp; vc: VectorClock };
          const all: State[] = [];
          const stepClocks = (s: State, advanceMs: number) => {
            for (const other of all) other.clock.advanceMs(advanceMs);
            if (advanceMs === 50) s.clock.jumpWallMs(-40); // a backward step on this node
          };
          const record = (s: State, ts: HlcTimestamp): Ev => {
            if (s.last !== undefined) expect(compareHlc(ts, s.last)).toBeGreaterThan(0);
            s.last = ts;
            return { ts, vc: s.vc };
          };
          const events = replay<State, Ev>(history, {
            init: (id) => {
              const index = Number(id.slice(1));
              const clock = new ManualClock({ wallStartMs: 1_000_000 + offsets[index]! });
              const s: State = {
                clock,
                hlc: new HybridLogicalClock({ clock }),
                vc: VectorClock.empty(),
              };
              all.push(s);
              return s;
            },
            local: (s, id, step) => {
              stepClocks(s, step.advanceMs);
              s.vc = s.vc.increment(id);
              return record(s, s.hlc.now());
            },
            send: (s, id, step) => {
              stepClocks(s, step.advanceMs);
              s.vc = s.vc.increment(id);
              return record(s, s.hlc.send());
            },
            receive: (s, id, message, step) => {
              stepClocks(s, step.advanceMs);
              let ts: HlcTimestamp;
              try {
                ts = s.hlc.receive(message.ts);
                expect(compareHlc(ts, message.ts)).toBeGreaterThan(0);
                s.vc = s.vc.receive(id, message.vc);
              } catch (error) {
                // Rejected for being too far ahead: the message is dropped, the clock unchanged.
                expect(error).toBeInstanceOf(ClockOffsetError);
                expect(s.hlc.peek()).toEqual(s.last ?? { wallMs: 0, logical: 0 });
                s.vc = s.vc.increment(id);
                ts = s.hlc.now();
              }
              return record(s, ts);
            },
          });
          for (const e of events) {
            for (const f of events) {
              if (e.vc.happenedBefore(f.vc)) expect(compareHlc(e.ts, f.ts)).toBeLessThan(0);
            }
          }
        },
      ),
    );
  });

  it("shows that on the real clock stamps track wall time and strictly increase", () => {
    const clock = new RealClock();
    const hlc = new HybridLogicalClock({ clock });
    let last = hlc.now();
    expect(Math.abs(last.wallMs - clock.wallMs())).toBeLessThan(1000);
    for (let i = 0; i < 10_000; i++) {
      const ts = hlc.now();
      expect(compareHlc(ts, last)).toBe(1);
      last = ts;
    }
  });
});
