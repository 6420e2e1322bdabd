import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { SwitchQueue } from "./SwitchQueue.js";

describe("SwitchQueue", () => {
  it("shows that a packet arriving at an idle port leaves after its own wire time", () => {
    const q = new SwitchQueue({ capacityPackets: 10, transmissionMicrosPerPacket: 12 });
    expect(q.admit(100)).toBe(112);
    expect(q.totalQueueingMicros).toBe(0);
  });

  it("shows that a burst queues behind itself, FIFO, one wire time apart", () => {
    const q = new SwitchQueue({ capacityPackets: 10, transmissionMicrosPerPacket: 10 });
    expect([q.admit(0), q.admit(0), q.admit(0), q.admit(5)]).toEqual([10, 20, 30, 40]);
    expect(q.totalQueueingMicros).toBe(0 + 10 + 20 + 25);
    expect(q.maxQueueDepthPackets).toBe(4);
  });

  it("shows drop-tail: the arrival that finds capacity packets in the port is dropped", () => {
    const q = new SwitchQueue({ capacityPackets: 3, transmissionMicrosPerPacket: 10 });
    expect([q.admit(0), q.admit(0), q.admit(0)]).toEqual([10, 20, 30]);
    expect(q.admit(0)).toBe(-1);
    expect(q.drops).toBe(1);
    // One packet has left by t=10, so there is room again.
    expect(q.admit(10)).toBe(40);
    expect(q.packets).toBe(4);
  });

  it("shows that the port drains: after the backlog has left an arrival waits for nothing", () => {
    const q = new SwitchQueue({ capacityPackets: 2, transmissionMicrosPerPacket: 10 });
    q.admit(0);
    q.admit(0);
    expect(q.depthAt(15)).toBe(1);
    expect(q.admit(1000)).toBe(1010);
  });

  it("shows that for arrivals in any order departures never precede arrivals and never overlap", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        (arrivals, capacity, wire) => {
          const q = new SwitchQueue({
            capacityPackets: capacity,
            transmissionMicrosPerPacket: wire,
          });
          let lastDeparture = -Infinity;
          for (const t of arrivals) {
            const d = q.admit(t);
            if (d === -1) continue;
            expect(d).toBeGreaterThanOrEqual(t + wire);
            expect(d).toBeGreaterThanOrEqual(lastDeparture + wire);
            lastDeparture = d;
          }
          expect(q.packets + q.drops).toBe(arrivals.length);
          expect(q.maxQueueDepthPackets).toBeLessThanOrEqual(capacity);
        },
      ),
    );
  });

  it("shows that in-order arrivals never drop while the offered load fits the wire rate", () => {
    const q = new SwitchQueue({ capacityPackets: 1, transmissionMicrosPerPacket: 10 });
    for (let t = 0; t < 10_000; t += 10) expect(q.admit(t)).toBe(t + 10);
    expect(q.drops).toBe(0);
  });

  it("shows that invalid configs fail with the field path, and capacity 1 is the valid edge", () => {
    expect(() => new SwitchQueue({ capacityPackets: 0, transmissionMicrosPerPacket: 1 })).toThrow(
      /`network\.switchQueue\.capacityPackets`/,
    );
    expect(
      () => new SwitchQueue({ capacityPackets: 5, transmissionMicrosPerPacket: 0.5 }, "links.a.q"),
    ).toThrow(/`links\.a\.q\.transmissionMicrosPerPacket`/);
    expect(() => new SwitchQueue({ capacityPackets: 1.5, transmissionMicrosPerPacket: 1 })).toThrow(
      ConfigError,
    );
    expect(new SwitchQueue({ capacityPackets: 1, transmissionMicrosPerPacket: 1 }).admit(0)).toBe(
      1,
    );
  });
});
