import { describe, expect, it } from "vitest";
import { ConfigError, TimeoutError } from "../core/errors.js";
import { Simulation } from "./Simulation.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import type { SimulationConfig } from "./SimulationConfig.js";
import type { TraceEvent } from "../sim/Trace.js";

/** A node that echoes every request back. */
const echo: NodeFactory = (ctx) => ({
  onMessage(m) {
    if (m.requestId !== undefined) ctx.reply(m, m.body);
  },
});

function traced(config: Omit<SimulationConfig, "trace">): {
  sim: Simulation;
  events: TraceEvent[];
} {
  const events: TraceEvent[] = [];
  const sim = new Simulation({
    ...config,
    trace: { sink: (line) => events.push(JSON.parse(line)) },
  });
  return { sim, events };
}

describe("Simulation: messaging and determinism", () => {
  it("shows that callback nodes exchange messages and the same seed gives the same trace hash", async () => {
    const pingPong = (): SimulationConfig["nodes"] => ({
      a: (ctx) => ({
        onStart: () => ctx.send("b", 0),
        onMessage: (m) => {
          if ((m.body as number) < 50) ctx.send("b", (m.body as number) + 1);
        },
      }),
      b: (ctx) => ({ onMessage: (m) => ctx.send("a", (m.body as number) + 1) }),
    });
    const run = async (seed: number) => {
      const sim = new Simulation({
        seed,
        nodes: pingPong(),
        network: { latency: { kind: "exponential", meanMs: 5 } },
      });
      const r = await sim.run();
      return { r, delivered: sim.trace.count("deliver") };
    };
    const first = await run(1);
    const again = await run(1);
    const other = await run(2);
    expect(first.delivered).toBe(52);
    expect(again.r.traceHash).toBe(first.r.traceHash);
    expect(again.r.endMicros).toBe(first.r.endMicros);
    expect(other.r.traceHash).not.toBe(first.r.traceHash);
  });

  it("shows that the trace hash covers message bodies: a run that sends a different value differs", async () => {
    const hashOf = async (value: unknown) => {
      const sim = new Simulation({
        seed: 1,
        nodes: {
          a: (ctx) => ({ onStart: () => ctx.send("b", { v: value, tags: ["x"] }) }),
          b: () => ({}),
        },
      });
      return (await sim.run()).traceHash;
    };
    expect(await hashOf(1)).toBe(await hashOf(1));
    expect(await hashOf(1)).not.toBe(await hashOf(2));
    expect(await hashOf(1)).not.toBe(await hashOf(1.5));
    expect(await hashOf("1")).not.toBe(await hashOf(1));
  });

  it("shows that an async request gets its reply and the continuation sees the reply's arrival time", async () => {
    let seen: { reply: unknown; atMs: number } | undefined;
    const sim = new Simulation({
      seed: 3,
      nodes: {
        server: echo,
        client: (ctx) => ({
          async onStart() {
            const reply = await ctx.request("server", "hi", { timeoutMs: 1000 });
            seen = { reply, atMs: ctx.clock.monotonicMs() };
          },
        }),
      },
      network: { latency: { kind: "constant", ms: 7 } },
    });
    await sim.run();
    expect(seen).toEqual({ reply: "hi", atMs: 14 });
  });

  it("shows that sleep resumes at exactly the requested virtual time, in both styles", async () => {
    const times: number[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n: (ctx) => ({
          async onStart() {
            await ctx.sleep(10);
            times.push(ctx.clock.monotonicMs());
            await ctx.sleep(5.5);
            times.push(ctx.clock.monotonicMs());
            ctx.setTimer(1, () => {
              times.push(ctx.clock.monotonicMs());
            });
          },
        }),
      },
    });
    await sim.run();
    expect(times).toEqual([10, 15.5, 16.5]);
  });

  it("shows that an aborted sleep rejects at once with a definite AbortedError", async () => {
    const seen: Array<{ atMs: number; code: string }> = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n: (ctx) => ({
          async onStart() {
            const controller = new AbortController();
            ctx.setTimer(5, () => controller.abort());
            try {
              await ctx.sleep(1000, controller.signal);
            } catch (error) {
              seen.push({ atMs: ctx.clock.monotonicMs(), code: (error as { code: string }).code });
            }
          },
        }),
      },
    });
    await sim.run();
    expect(seen).toEqual([{ atMs: 5, code: "E_ABORTED" }]);
    expect(sim.now).toBe(5000);
  });

  it("shows that aborting a sleep of a crashed incarnation leaves the sleeps of the next one alone", async () => {
    // The kernel reuses the events of timers that have run; an abort arriving after its sleep's
    // event was reused must not cancel whatever timer the event now carries.
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const woke: number[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n: (ctx) => ({
          async onStart() {
            if (ctx.incarnation === 0) {
              controllers.forEach((c, i) => void ctx.sleep(i + 1, c.signal).catch(() => {}));
              return;
            }
            await ctx.sleep(21);
            await Promise.all(
              Array.from({ length: 20 }, async (_, j) => {
                await ctx.sleep(10 + j);
                woke.push(sim.now / 1000);
              }),
            );
          },
        }),
      },
      faults: [{ atMs: 0.5, kind: "crash", node: "n", recoverAfterMs: 0.1 }],
    });
    sim.at(25, () => controllers.forEach((c) => c.abort()));
    await sim.run();
    expect(woke).toEqual(Array.from({ length: 20 }, (_, j) => 21.6 + 10 + j));
  });

  it("shows that a request to a crashed server rejects with an indefinite TimeoutError", async () => {
    let error: unknown;
    const sim = new Simulation({
      seed: 1,
      nodes: {
        server: echo,
        client: (ctx) => ({
          async onStart() {
            try {
              await ctx.request("server", "x", { timeoutMs: 100 });
            } catch (e) {
              error = e;
            }
          },
        }),
      },
      faults: [{ atMs: 0, kind: "crash", node: "server" }],
    });
    await sim.run();
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).definite).toBe(false);
    expect(sim.trace.drops("node-down")).toBe(1);
  });

  it("shows that a node error stops the run with the node, the time and the seed", async () => {
    const sim = new Simulation({
      seed: 9,
      nodes: {
        n: (ctx) => ({
          async onStart() {
            await ctx.sleep(3);
            throw new Error("boom");
          },
        }),
      },
    });
    await expect(sim.run()).rejects.toThrow(
      /node n threw at 3\.000 ms \(seed 0x0000000000000009\): boom/,
    );
  });
});

describe("Simulation: each fault shows its effect in the trace", () => {
  const chatter: NodeFactory = (ctx) => ({
    onStart() {
      for (let i = 0; i < 10; i++) for (const p of ctx.peers) ctx.send(p, i);
    },
  });

  it("shows that a one-way cut drops a->b but delivers b->a", async () => {
    const { sim, events } = traced({
      seed: 1,
      nodes: { a: chatter, b: chatter },
      faults: [{ atMs: 0, kind: "cut", from: "a", to: "b" }],
    });
    await sim.run();
    const dropsAB = events.filter((e) => e.kind === "drop" && e.node === "a" && e.peer === "b");
    const deliversToA = events.filter(
      (e) => e.kind === "deliver" && e.node === "a" && e.peer === "b",
    );
    expect(dropsAB).toHaveLength(10);
    expect(dropsAB.every((e) => e.detail === "partition")).toBe(true);
    expect(deliversToA).toHaveLength(10);
  });

  it("shows that a partition separates groups until it heals", async () => {
    const { sim } = traced({
      seed: 1,
      nodes: { a: chatter, b: chatter, c: chatter },
      faults: [{ atMs: 0, kind: "partition", groups: [["a"], ["b", "c"]] }],
    });
    await sim.run();
    // a->b, a->c, b->a, c->a are cut (40 messages); b<->c flow (20).
    expect(sim.trace.drops("partition")).toBe(40);
    expect(sim.trace.count("deliver")).toBe(20);
  });

  it("shows that loss and duplication happen at their configured rates", async () => {
    const sim = new Simulation({
      seed: 5,
      nodes: { a: chatter, b: chatter },
      network: { lossProbability: 0.1, duplicateProbability: 0.2 },
    });
    await sim.run();
    expect(sim.trace.count("send")).toBe(20);
    expect(
      sim.trace.drops("loss") + sim.trace.count("deliver") - sim.trace.count("duplicate"),
    ).toBe(20);
    const big = new Simulation({
      seed: 5,
      nodes: {
        a: (ctx) => ({
          onStart: () => {
            for (let i = 0; i < 20_000; i++) ctx.send("b", i);
          },
        }),
        b: () => ({}),
      },
      network: { lossProbability: 0.1, duplicateProbability: 0.2 },
    });
    await big.run();
    expect(big.trace.drops("loss") / 20_000).toBeCloseTo(0.1, 1);
    expect(big.trace.count("duplicate") / 18_000).toBeCloseTo(0.2, 1);
  });

  it("shows that a paused node's timer fires late and its queued messages arrive after the pause", async () => {
    const fired: number[] = [];
    const received: number[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        gc: (ctx) => ({
          onStart() {
            ctx.setTimer(100, () => {
              fired.push(sim.now / 1000);
            });
          },
          onMessage() {
            received.push(sim.now / 1000);
          },
        }),
        peer: (ctx) => ({ onStart: () => void ctx.setTimer(200, () => ctx.send("gc", "hello")) }),
      },
      network: { latency: { kind: "constant", ms: 1 } },
      faults: [{ atMs: 50, kind: "pause", node: "gc", durationMs: 1000 }],
    });
    await sim.run();
    expect(fired).toEqual([1050]);
    expect(received).toEqual([1050]);
    expect(sim.trace.count("pause")).toBe(1);
    expect(sim.trace.count("resume")).toBe(1);
  });

  it("shows that a crashed node recovers from stable storage and unsynced writes can vanish", async () => {
    const lostCounts: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const sim = new Simulation({
        seed,
        nodes: {
          disk: (ctx) => ({
            onStart() {
              if (ctx.incarnation === 0) {
                ctx.storage.set("synced", 1);
                ctx.storage.sync();
                for (let i = 0; i < 5; i++) ctx.storage.set(`unsynced-${i}`, i);
              } else {
                ctx.log(`recovered with ${ctx.storage.keys().length} keys`);
              }
            },
          }),
        },
        faults: [{ atMs: 10, kind: "crash", node: "disk", recoverAfterMs: 10 }],
      });
      await sim.run();
      const storage = sim.storageOf("disk");
      expect(storage.get("synced")).toBe(1);
      lostCounts.push(5 - (storage.keys().length - 1));
      expect(sim.trace.count("recover")).toBe(1);
    }
    expect(Math.max(...lostCounts)).toBeGreaterThan(0);
    expect(Math.min(...lostCounts)).toBeLessThan(5);
  });

  it("shows that a drift of 50 ppm puts a wall clock 4.32 s ahead after one simulated day", async () => {
    let offsetMs = 0;
    const sim = new Simulation({
      seed: 1,
      nodes: [
        {
          id: "fast",
          clock: { driftPpm: 50 },
          factory: (ctx) => ({
            async onStart() {
              const start = ctx.clock.wallMs();
              // The node sleeps a day by its own clock, which runs fast: it wakes early in true
              // time, and its clock then shows a full day gone.
              await ctx.sleep(86_400_000);
              expect(ctx.clock.wallMs() - start).toBeCloseTo(86_400_000, 0);
              await ctx.sleep(86_400_000 * 50e-6);
              offsetMs = ctx.clock.wallMs() - start - sim.now / 1000;
            },
          }),
        },
      ],
    });
    await sim.run();
    expect(offsetMs).toBeCloseTo(4320, 0);
  });

  it("shows that a backward clock jump moves the wall clock back but never the monotonic clock", async () => {
    const readings: Array<{ wall: number; mono: number }> = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n: (ctx) => ({
          async onStart() {
            for (let i = 0; i < 4; i++) {
              readings.push({ wall: ctx.clock.wallMs(), mono: ctx.clock.monotonicMs() });
              await ctx.sleep(100);
            }
          },
        }),
      },
      faults: [{ atMs: 150, kind: "clock-jump", node: "n", deltaMs: -500 }],
    });
    await sim.run();
    expect(readings[2]!.wall).toBeLessThan(readings[1]!.wall);
    for (let i = 1; i < readings.length; i++)
      expect(readings[i]!.mono).toBeGreaterThan(readings[i - 1]!.mono);
  });

  it("shows that a full switch queue drops the tail and delays what it keeps", async () => {
    const sim = new Simulation({
      seed: 1,
      nodes: {
        a: (ctx) => ({
          onStart: () => {
            for (let i = 0; i < 30; i++) ctx.send("b", i);
          },
        }),
        b: () => ({}),
      },
      network: {
        latency: { kind: "constant", ms: 1 },
        switchQueue: { capacityPackets: 10, transmissionMicrosPerPacket: 1000 },
      },
    });
    await sim.run();
    expect(sim.trace.drops("queue-full")).toBeGreaterThan(0);
    expect(sim.trace.count("deliver") + sim.trace.drops("queue-full")).toBe(30);
  });

  it("shows that a silent Byzantine node sends nothing and a corrupting one changes what arrives", async () => {
    const got: unknown[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: [
        {
          id: "liar",
          byzantine: "corrupt",
          factory: (ctx) => ({ onStart: () => ctx.send("honest", { value: 1 }) }),
        },
        {
          id: "mute",
          byzantine: "silent",
          factory: (ctx) => ({ onStart: () => ctx.send("honest", { value: 1 }) }),
        },
        { id: "honest", factory: () => ({ onMessage: (m) => void got.push(m.body) }) },
      ],
    });
    await sim.run();
    expect(got).toHaveLength(1);
    expect(got[0]).not.toEqual({ value: 1 });
    expect(sim.trace.count("byzantine")).toBe(2);
  });
});

describe("Simulation: forced reordering and per-node settings", () => {
  it("shows that forced reordering delivers a sequence out of order, only on the links that have it", async () => {
    const arrived: Record<string, number[]> = { b: [], c: [] };
    const sink = (id: string) => () => ({
      onMessage: (m: { body: unknown }) => void arrived[id]!.push(m.body as number),
    });
    const sim = new Simulation({
      seed: 3,
      nodes: {
        a: (ctx) => ({
          async onStart() {
            for (let i = 0; i < 100; i++) {
              ctx.send("b", i);
              ctx.send("c", i);
              await ctx.sleep(1);
            }
          },
        }),
        b: sink("b"),
        c: sink("c"),
      },
      network: {
        latency: { kind: "constant", ms: 5 },
        reorderWindowMs: 30,
        links: [{ from: "a", to: "b", reorderProbability: 0.3 }],
      },
    });
    await sim.run();
    const inversions = (xs: number[]) => xs.filter((x, i) => i > 0 && x < xs[i - 1]!).length;
    expect(arrived.b).toHaveLength(100);
    expect(inversions(arrived.b!)).toBeGreaterThan(5);
    expect(arrived.c).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("shows that a node's own crash policy overrides the world's: its unsynced writes survive", async () => {
    const writer = (ctx: import("../sim/NodeApi.js").NodeContext) => ({
      onStart() {
        if (ctx.incarnation === 0) for (let i = 0; i < 5; i++) ctx.storage.set(`k${i}`, i);
      },
    });
    const sim = new Simulation({
      seed: 1,
      nodes: [
        { id: "plain", factory: writer },
        { id: "cached", factory: writer, storage: { crashPolicy: "keep-all" } },
      ],
      storage: { crashPolicy: "lose-all" },
      faults: [
        { atMs: 1, kind: "crash", node: "plain", recoverAfterMs: 1 },
        { atMs: 1, kind: "crash", node: "cached", recoverAfterMs: 1 },
      ],
    });
    await sim.run();
    expect(sim.storageOf("plain").keys()).toEqual([]);
    expect(sim.storageOf("cached").keys()).toHaveLength(5);
  });
});

describe("Simulation: invalid configuration fails at build time", () => {
  it("rejects an unknown or misspelt setting and suggests the right one", () => {
    const nodes = { a: echo };
    const bad = (config: object) => () => new Simulation({ seed: 1, nodes, ...config });
    expect(bad({ network: { lossProbabilty: 0.5 } })).toThrow(
      /network\.lossProbabilty.*did you mean `lossProbability`/,
    );
    expect(bad({ clocks: { ntp: { intervalMs: 1000, errorMs: 35, stepThreshold: 128 } } })).toThrow(
      /clocks\.ntp\.stepThreshold.*did you mean `stepThresholdMs`/,
    );
    expect(bad({ limit: { maxEvents: 10 } })).toThrow(/`limit`.*did you mean `limits`/);
    expect(bad({ nodes: [{ id: "a", factory: echo, clock: { drift: 5 } }] })).toThrow(
      /nodes\[0\]\.clock\.drift/,
    );
  });

  const nodes = { a: echo, b: echo };
  it("names the field, the value and the fix", () => {
    expect(
      () => new Simulation({ seed: 1, nodes, network: { latency: { kind: "constant", ms: -1 } } }),
    ).toThrow(ConfigError);
    expect(() => new Simulation({ seed: 1, nodes, network: { lossProbability: 1.5 } })).toThrow(
      /network.lossProbability.*1\.5/,
    );
    expect(
      () => new Simulation({ seed: 1, nodes, faults: [{ atMs: 1, kind: "crash", node: "zz" }] }),
    ).toThrow(/faults\[0\]\.node.*"zz".*use one of "a", "b"/);
    expect(
      () =>
        new Simulation({
          seed: 1,
          nodes,
          network: { links: [{ from: "a", to: "q", lossProbability: 0.1 }] },
        }),
    ).toThrow(/network.links\[0\].to/);
    expect(() => new Simulation({ seed: "nope", nodes })).toThrow(/seed/);
    expect(() => new Simulation({ seed: 1, nodes: {} })).toThrow(/nodes/);
  });
});
