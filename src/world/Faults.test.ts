import { describe, expect, it } from "vitest";
import { chatter, traced } from "../../test/tracedWorld.js";
import { Simulation } from "./Simulation.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import type { TraceEvent } from "../sim/Trace.js";

// One test per fault kind that Simulation.test.ts does not already cover. Each shows the fault's
// effect in the trace (or in what the nodes observe), with virtual times chosen so that the
// expected numbers can be worked out by hand.

const ms = (e: TraceEvent) => e.tMicros / 1000;
const of = (events: TraceEvent[], kind: TraceEvent["kind"]) =>
  events.filter((e) => e.kind === kind);
/** "a>b" for each delivered message (deliver events name the receiver as node). */
const deliveredPairs = (events: TraceEvent[]) =>
  new Set(of(events, "deliver").map((e) => `${e.peer}>${e.node}`));

const constant1ms = { latency: { kind: "constant", ms: 1 } } as const;

describe("network faults", () => {
  it("shows that duplication is visible as duplicate events, each followed by two deliveries of one id", async () => {
    const { sim, events } = traced({
      seed: 1,
      nodes: { a: chatter(10, 5), b: () => ({}) },
      network: { duplicateProbability: 1 },
    });
    await sim.run();
    const sends = of(events, "send");
    expect(sends).toHaveLength(5);
    expect(of(events, "duplicate").map((e) => e.id)).toEqual(sends.map((e) => e.id));
    for (const s of sends)
      expect(of(events, "deliver").filter((e) => e.id === s.id && e.node === "b")).toHaveLength(2);
  });

  it("shows that link-down cuts both directions until link-up, and a heal does not bring it back", async () => {
    const { sim, events } = traced({
      seed: 1,
      nodes: { a: chatter(10, 20), b: chatter(10, 20), c: chatter(10, 20) },
      network: constant1ms,
      faults: [
        { atMs: 0, kind: "link-down", from: "a", to: "b" },
        { atMs: 55, kind: "heal" },
        { atMs: 105, kind: "link-up", from: "a", to: "b" },
      ],
    });
    await sim.run();
    const drops = of(events, "drop");
    expect(drops.every((e) => e.detail === "link-down")).toBe(true);
    // Rounds at 0, 10, …, 100 (11 of them) are sent while the link is down, both ways.
    expect(drops.filter((e) => e.node === "a" && e.peer === "b")).toHaveLength(11);
    expect(drops.filter((e) => e.node === "b" && e.peer === "a")).toHaveLength(11);
    expect(drops.every((e) => ms(e) <= 100)).toBe(true);
    // The other links never noticed.
    expect(of(events, "deliver").filter((e) => e.node === "c")).toHaveLength(40);
  });

  it("shows that isolate cuts one node off from everyone while the others still talk", async () => {
    const { sim, events } = traced({
      seed: 1,
      nodes: { a: chatter(10, 3), b: chatter(10, 3), c: chatter(10, 3) },
      faults: [{ atMs: 0, kind: "isolate", node: "c" }],
    });
    await sim.run();
    expect([...deliveredPairs(events)].sort()).toEqual(["a>b", "b>a"]);
    // c->a, c->b, a->c, b->c for three rounds.
    expect(sim.trace.drops("partition")).toBe(12);
  });

  it("shows that partition-majority separates the minority from the rest, each side still connected", async () => {
    const five = ["n1", "n2", "n3", "n4", "n5"];
    const { sim, events } = traced({
      seed: 1,
      nodes: Object.fromEntries(five.map((id) => [id, chatter(10, 1)])),
      faults: [{ atMs: 0, kind: "partition-majority", minority: ["n1", "n2"] }],
    });
    await sim.run();
    const pairs = deliveredPairs(events);
    const minority = new Set(["n1", "n2"]);
    for (const a of five)
      for (const b of five)
        if (a !== b) expect(pairs.has(`${a}>${b}`)).toBe(minority.has(a) === minority.has(b));
    // 2 * 3 links, both ways.
    expect(sim.trace.drops("partition")).toBe(12);
  });

  it("shows that a ring lets each node reach only its two neighbours", async () => {
    const order = ["a", "b", "c", "d", "e"];
    const { sim, events } = traced({
      seed: 1,
      nodes: Object.fromEntries(order.map((id) => [id, chatter(10, 1)])),
      faults: [{ atMs: 0, kind: "ring", order }],
    });
    await sim.run();
    const expected = order.flatMap((id, i) => {
      const next = order[(i + 1) % order.length]!;
      return [`${id}>${next}`, `${next}>${id}`];
    });
    expect([...deliveredPairs(events)].sort()).toEqual(expected.sort());
    expect(sim.trace.drops("partition")).toBe(20 - 10);
  });

  it("shows that heal removes partitions and one-way cuts: messages sent after it all arrive", async () => {
    const { sim, events } = traced({
      seed: 1,
      nodes: { a: chatter(10, 20), b: chatter(10, 20), c: chatter(10, 20) },
      network: constant1ms,
      faults: [
        { atMs: 0, kind: "partition", groups: [["a"], ["b", "c"]] },
        { atMs: 0, kind: "cut", from: "b", to: "c" },
        { atMs: 95, kind: "heal" },
      ],
    });
    await sim.run();
    const drops = of(events, "drop");
    expect(drops.length).toBeGreaterThan(0);
    expect(Math.max(...drops.map(ms))).toBe(90);
    const sentAfter = of(events, "send").filter((e) => ms(e) >= 100);
    const deliveredIds = new Set(of(events, "deliver").map((e) => e.id));
    expect(sentAfter).toHaveLength(10 * 6);
    expect(sentAfter.every((e) => deliveredIds.has(e.id))).toBe(true);
  });

  it("shows that slow multiplies latency: 5 ms becomes 50 ms everywhere, then 15 ms on one link", async () => {
    const { sim, events } = traced({
      seed: 1,
      nodes: { a: chatter(10, 30), b: chatter(10, 30) },
      network: { latency: { kind: "constant", ms: 5 } },
      faults: [
        { atMs: 95, kind: "slow", factor: 10 },
        { atMs: 195, kind: "slow", factor: 1 },
        { atMs: 195, kind: "slow", factor: 3, from: "a", to: "b" },
      ],
    });
    await sim.run();
    const sentAt = new Map(of(events, "send").map((e) => [e.id, e]));
    const latencies = of(events, "deliver").map((d) => {
      const s = sentAt.get(d.id)!;
      return { sentMs: ms(s), from: s.node, latencyMs: ms(d) - ms(s) };
    });
    for (const l of latencies) {
      const expected = l.sentMs < 95 ? 5 : l.sentMs < 195 ? 50 : l.from === "a" ? 15 : 5;
      expect(l.latencyMs).toBe(expected);
    }
    expect(latencies).toHaveLength(60);
  });

  it("shows that a loss action mid-run drops exactly the messages sent while it is in force", async () => {
    const { sim, events } = traced({
      seed: 1,
      nodes: { a: chatter(10, 30), b: () => ({}) },
      faults: [
        { atMs: 95, kind: "loss", probability: 1 },
        { atMs: 195, kind: "loss", probability: 0 },
      ],
    });
    await sim.run();
    const lost = of(events, "drop").filter((e) => e.detail === "loss");
    expect(lost.map(ms)).toEqual([100, 110, 120, 130, 140, 150, 160, 170, 180, 190]);
    expect(sim.trace.count("deliver")).toBe(20);
  });
});

describe("process faults", () => {
  it("shows that a crash-stopped node never recovers: its timers stop and messages to it drop as node-down", async () => {
    const ticks: number[] = [];
    const { sim, events } = traced({
      seed: 1,
      nodes: {
        victim: (ctx) => {
          const tick = (): void => {
            ticks.push(sim.now / 1000);
            ctx.setTimer(10, tick);
          };
          return { onStart: tick };
        },
        sender: chatter(10, 20),
      },
      network: constant1ms,
      faults: [{ atMs: 55, kind: "crash", node: "victim" }],
    });
    await sim.run({ untilMs: 1_000 });
    expect(ticks).toEqual([0, 10, 20, 30, 40, 50]);
    expect(sim.isAlive("victim")).toBe(false);
    expect(sim.trace.count("recover")).toBe(0);
    const down = of(events, "drop").filter((e) => e.detail === "node-down");
    // Sender's rounds at 60 … 190 arrive 1 ms later at a dead node.
    expect(down.map(ms)).toEqual(Array.from({ length: 14 }, (_, i) => 61 + 10 * i));
    expect(down.every((e) => e.node === "sender" && e.peer === "victim")).toBe(true);
  });

  it("shows that a crash with recoverAfterMs restarts the node from storage as incarnation 1", async () => {
    const starts: Array<{ incarnation: number; atMs: number; synced: unknown; boots: unknown }> =
      [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        disk: (ctx) => ({
          onStart() {
            const boots = (ctx.storage.get<number>("boots") ?? 0) + 1;
            ctx.storage.set("boots", boots);
            ctx.storage.sync();
            starts.push({
              incarnation: ctx.incarnation,
              atMs: sim.now / 1000,
              synced: ctx.storage.get("synced"),
              boots,
            });
            if (ctx.incarnation === 0) {
              ctx.storage.set("synced", "kept");
              ctx.storage.sync();
              // A timer of the first incarnation must not fire in the second.
              ctx.setTimer(
                100,
                () => void starts.push({ incarnation: -1, atMs: 0, synced: 0, boots: 0 }),
              );
            }
          },
        }),
      },
      faults: [{ atMs: 20, kind: "crash", node: "disk", recoverAfterMs: 30 }],
    });
    await sim.run();
    expect(starts).toEqual([
      { incarnation: 0, atMs: 0, synced: undefined, boots: 1 },
      { incarnation: 1, atMs: 50, synced: "kept", boots: 2 },
    ]);
    expect(sim.trace.count("crash")).toBe(1);
    expect(sim.trace.count("recover")).toBe(1);
  });
});

describe("clock faults", () => {
  it("shows that a clock-drift action changes how fast the wall clock runs from that moment on", async () => {
    const readings: number[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: { n: () => ({}) },
      faults: [
        { atMs: 1_000_000, kind: "clock-drift", node: "n", driftPpm: 1_000 },
        { atMs: 2_000_000, kind: "clock-drift", node: "n", driftPpm: -500 },
      ],
    });
    // Read the node's wall clock from outside, at fixed points of true time.
    for (const atMs of [0, 1_000_000, 2_000_000, 3_000_000]) {
      sim.at(atMs, () => void readings.push(sim.clockOf("n").wallMicros(sim.now) / 1000));
    }
    await sim.run();
    const advances = readings.slice(1).map((r, i) => r - readings[i]!);
    // 1000 s of true time: exact, then 1 s more at +1000 ppm, then 0.5 s less at -500 ppm.
    expect(advances).toEqual([1_000_000, 1_001_000, 999_500]);
    expect(sim.trace.count("clock")).toBe(2);
  });

  it("shows that timers run on the node's own clock: a fast clock's timer fires early in true time", async () => {
    let firedAtTrueMs = 0;
    const sim = new Simulation({
      seed: 1,
      nodes: [
        {
          id: "fast",
          clock: { driftPpm: 1_000 },
          factory: (ctx) => ({
            onStart: () => void ctx.setTimer(10_000, () => void (firedAtTrueMs = sim.now / 1000)),
          }),
        },
      ],
    });
    await sim.run();
    expect(firedAtTrueMs).toBeCloseTo(10_000 / 1.001, 2);
  });

  it("shows that NTP keeps clocks drifting up to 50 ppm within ±40 ms for an hour, while without it they diverge", async () => {
    const nodes = Object.fromEntries(["a", "b", "c", "d", "e"].map((id) => [id, () => ({})]));
    const sample = async (ntp: boolean) => {
      const sim = new Simulation({
        seed: 7,
        nodes,
        clocks: { driftPpmMax: 50, ...(ntp ? { ntp: { intervalMs: 16_000, errorMs: 35 } } : {}) },
      });
      const offsetsMs: number[][] = [];
      for (let minute = 1; minute <= 60; minute++) {
        sim.at(minute * 60_000, () => {
          offsetsMs.push(
            Object.keys(nodes).map((id) => sim.clockOf(id).offsetMicros(sim.now) / 1000),
          );
        });
      }
      await sim.run({ untilMs: 3_600_000 });
      return offsetsMs;
    };
    const synced = await sample(true);
    expect(synced).toHaveLength(60);
    for (const minute of synced)
      for (const o of minute) expect(Math.abs(o)).toBeLessThanOrEqual(40);
    const free = await sample(false);
    const spread = (row: number[]) => Math.max(...row) - Math.min(...row);
    // Drift alone: |offset| = |drift| × elapsed, up to 180 ms after an hour.
    expect(spread(free.at(-1)!)).toBeGreaterThan(2 * 40);
    expect(spread(free.at(-1)!)).toBeGreaterThan(spread(free[0]!) * 30);
    for (const o of free.at(-1)!) expect(Math.abs(o)).toBeLessThanOrEqual(180);
  });
});

describe("Byzantine faults", () => {
  /** A node that records each body it receives. */
  const inbox =
    (got: Record<string, unknown[]>): NodeFactory =>
    (ctx) => ({
      onMessage: (m) => void (got[ctx.id] ??= []).push(m.body),
    });

  it("shows that a replaying node (switched on by a fault action) resends old messages beside new ones", async () => {
    const got: Record<string, unknown[]> = {};
    const { sim } = traced({
      seed: 1,
      nodes: {
        talker: (ctx) => {
          let n = 0;
          const tick = (): void => {
            ctx.send("listener", n++);
            if (n < 10) ctx.setTimer(10, tick);
          };
          return { onStart: tick };
        },
        listener: inbox(got),
      },
      network: constant1ms,
      faults: [{ atMs: 45, kind: "byzantine", node: "talker", behavior: "replay" }],
    });
    await sim.run();
    const bodies = got.listener as number[];
    // Honest for 0…4. At 5 it has nothing old to replay yet (it remembers what it sent since
    // turning Byzantine); from 6 on, each new value comes with a replay of an older one.
    expect(bodies.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    const pairs = bodies.slice(6);
    expect(pairs).toHaveLength(2 * 4);
    for (let i = 0; i < pairs.length; i += 2) {
      expect(pairs[i]).toBe(6 + i / 2);
      expect(pairs[i + 1]).toBeGreaterThanOrEqual(5);
      expect(pairs[i + 1]).toBeLessThan(pairs[i]!);
    }
    // The replayed values are drawn afresh each time, not always the same old message.
    expect(new Set(pairs.filter((_, i) => i % 2 === 1)).size).toBeGreaterThan(1);
    expect(sim.trace.count("byzantine")).toBe(4);
  });

  it("shows that an equivocating node tells each peer a different story", async () => {
    const got: Record<string, unknown[]> = {};
    const sim = new Simulation({
      seed: 1,
      nodes: [
        {
          id: "two-face",
          byzantine: "equivocate",
          factory: (ctx) => ({
            onStart: () => ["p1", "p2", "p3"].forEach((p) => ctx.send(p, { vote: 1 })),
          }),
        },
        { id: "p1", factory: inbox(got) },
        { id: "p2", factory: inbox(got) },
        { id: "p3", factory: inbox(got) },
      ],
    });
    await sim.run();
    const heard = ["p1", "p2", "p3"].map((p) => JSON.stringify(got[p]));
    expect(new Set(heard).size).toBe(3);
    expect(heard).not.toContain(JSON.stringify([{ vote: 1 }]));
  });

  it("shows that a protocol-aware equivocator (mutate) sends each peer the value it chose for it", async () => {
    const got: Record<string, unknown[]> = {};
    const sim = new Simulation({
      seed: 1,
      nodes: [
        {
          id: "two-face",
          byzantine: "equivocate",
          mutate: (_body, to) => ({ vote: `yes-to-${to}` }),
          factory: (ctx) => ({
            onStart: () => ["p1", "p2"].forEach((p) => ctx.send(p, { vote: "no" })),
          }),
        },
        { id: "p1", factory: inbox(got) },
        { id: "p2", factory: inbox(got) },
      ],
    });
    await sim.run();
    expect(got).toEqual({ p1: [{ vote: "yes-to-p1" }], p2: [{ vote: "yes-to-p2" }] });
  });

  it("shows that a lying node tells every peer the same false value", async () => {
    const got: Record<string, unknown[]> = {};
    const sim = new Simulation({
      seed: 1,
      nodes: [
        {
          id: "liar",
          byzantine: "lie",
          factory: (ctx) => ({
            onStart: () => ["p1", "p2", "p3"].forEach((p) => ctx.send(p, { balance: 100 })),
          }),
        },
        { id: "p1", factory: inbox(got) },
        { id: "p2", factory: inbox(got) },
        { id: "p3", factory: inbox(got) },
      ],
    });
    await sim.run();
    const heard = ["p1", "p2", "p3"].map((p) => got[p]![0]);
    expect(heard[0]).not.toEqual({ balance: 100 });
    expect(heard[1]).toEqual(heard[0]);
    expect(heard[2]).toEqual(heard[0]);
  });

  it("shows that a user function can rewrite traffic: here it forwards a copy of every message to an accomplice", async () => {
    const got: Record<string, unknown[]> = {};
    const { sim, events } = traced({
      seed: 1,
      nodes: [
        {
          id: "spy",
          byzantine: (m, tools) => [
            m,
            { to: "accomplice", body: { leak: m.body, by: tools.self } },
          ],
          factory: (ctx) => ({ onStart: () => ctx.send("bank", "pin 1234") }),
        },
        { id: "bank", factory: inbox(got) },
        { id: "accomplice", factory: inbox(got) },
      ],
    });
    await sim.run();
    expect(got).toEqual({
      bank: ["pin 1234"],
      accomplice: [{ leak: "pin 1234", by: "spy" }],
    });
    expect(of(events, "byzantine").map((e) => e.detail)).toEqual(["rewrote 1 message into 2"]);
  });
});

describe("scale", () => {
  it("shows that a 10,000-node world builds and runs heartbeats to 3 random peers each second", async () => {
    const n = 10_000;
    const ids = Array.from({ length: n }, (_, i) => `n${i}`);
    // Peers are picked by index from this shared list: ctx.peers would build an O(n) list per node.
    const heartbeat: NodeFactory = (ctx) => {
      const self = Number(ctx.id.slice(1));
      let heard = 0;
      const beat = (): void => {
        for (let k = 0; k < 3; k++) {
          const j = (self + 1 + ctx.random.int(n - 1)) % n;
          ctx.send(ids[j]!, heard);
        }
        ctx.setTimer(1_000, beat);
      };
      return {
        onStart: () => void ctx.setTimer(1 + ctx.random.int(1_000), beat),
        onMessage: () => void heard++,
      };
    };
    const sim = new Simulation({
      seed: 1,
      nodes: ids.map((id) => ({ id, factory: heartbeat })),
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 }, lossProbability: 0.01 },
    });
    const result = await sim.run({ untilMs: 3_000 });
    expect(result.stopReason).toBe("time-limit");
    expect(sim.trace.count("start")).toBe(n);
    expect(sim.trace.count("send")).toBe(3 * 3 * n);
    expect(sim.trace.count("deliver") + sim.trace.drops("loss")).toBeGreaterThan(0.99 * 9 * n);
    expect(sim.trace.drops("loss") / sim.trace.count("send")).toBeCloseTo(0.01, 2);
  });
});
