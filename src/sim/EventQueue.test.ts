import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue, EventQueueOverflowError } from "./EventQueue.js";

describe("EventQueue", () => {
  it("shows that events pop in time order, ties in the order they were pushed (any input)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3000 }), (times) => {
        const queue = new EventQueue<{ timeMicros: number; id: number }>(1e6);
        times.forEach((timeMicros, id) => queue.push({ timeMicros, id }));
        const popped: Array<{ timeMicros: number; id: number }> = [];
        for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e);
        const expected = times
          .map((timeMicros, id) => ({ timeMicros, id }))
          .sort((a, b) => a.timeMicros - b.timeMicros || a.id - b.id);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it("shows that interleaved pushes and pops keep the order and the size", () => {
    const queue = new EventQueue<{ timeMicros: number; id: number }>(100);
    queue.push({ timeMicros: 5, id: 0 });
    queue.push({ timeMicros: 1, id: 1 });
    expect(queue.pop()?.id).toBe(1);
    queue.push({ timeMicros: 5, id: 2 });
    queue.push({ timeMicros: 3, id: 3 });
    expect(queue.size).toBe(3);
    expect([queue.pop()?.id, queue.pop()?.id, queue.pop()?.id, queue.pop()]).toEqual([
      3,
      0,
      2,
      undefined,
    ]);
  });

  it("shows that the queue is bounded: one event past capacity is a typed error", () => {
    const queue = new EventQueue<{ timeMicros: number }>(2);
    queue.push({ timeMicros: 1 });
    queue.push({ timeMicros: 2 });
    expect(() => queue.push({ timeMicros: 3 })).toThrow(EventQueueOverflowError);
    expect(() => queue.push({ timeMicros: 3 })).toThrow(/maxQueuedEvents/);
  });

  it("shows that pushFirst puts held-back events before those already queued for the same time, in their own order", () => {
    const queue = new EventQueue<{ timeMicros: number; name: string }>(10);
    queue.push({ timeMicros: 5, name: "queued" });
    queue.push({ timeMicros: 4, name: "earlier" });
    queue.pushFirst({ timeMicros: 5, name: "parked-1" });
    queue.pushFirst({ timeMicros: 5, name: "parked-2" });
    queue.push({ timeMicros: 5, name: "later" });
    const order = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) order.push(e.name);
    expect(order).toEqual(["earlier", "parked-1", "parked-2", "queued", "later"]);
  });

  it("shows that removing dead events midway leaves the others popping in the same order (any input)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        (events, popsBefore) => {
          type E = { timeMicros: number; id: number; dead: boolean };
          const queue = new EventQueue<E>(1e6);
          const all = events.map(([timeMicros, dead], id) => ({ timeMicros, id, dead }));
          all.forEach((e) => queue.push(e));
          const sorted = [...all].sort((a, b) => a.timeMicros - b.timeMicros || a.id - b.id);
          const popped: E[] = [];
          for (let i = 0; i < popsBefore && queue.size > 0; i++) popped.push(queue.pop()!);
          const survivors = sorted.slice(popped.length).filter((e) => !e.dead);
          const before = queue.size;
          expect(queue.removeWhere((e) => e.dead)).toBe(before - survivors.length);
          expect(queue.size).toBe(survivors.length);
          for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e);
          expect(popped).toEqual([
            ...sorted.slice(0, popped.length - survivors.length),
            ...survivors,
          ]);
        },
      ),
    );
  });
});
