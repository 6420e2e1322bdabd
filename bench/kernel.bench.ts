// Kernel throughput: delivered messages per second of wall time on a 64-node random ping-pong with
// random latency and 1% loss, in callback style, with an async onMessage, and as loops of awaited
// requests, beside a bare event-queue baseline measured in the same run; the time compression of a
// 5-node world with 100 requests/s per node for one simulated hour (issue 16's target), async beside
// callback; and heartbeat worlds of 1,000 to 100,000 nodes (cost per event, peak memory).

import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Rng } from "../src/core/Rng.js";
import { EventQueue } from "../src/sim/EventQueue.js";
import { Simulation } from "../src/world/Simulation.js";
import type { Message, NodeFactory } from "../src/sim/index.js";
import type { NodeSpec } from "../src/world/index.js";
import { requestWorld } from "./requestWorld.js";

const NODES = 64;
const NETWORK = {
  latency: { kind: "uniform" as const, minMs: 1, maxMs: 10 },
  lossProbability: 0.01,
};

function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${i}`);
}

/**
 * Baseline: a bare event loop doing the kernel's hot path without the kernel — pop the next event,
 * call its node's handler through a table, and in the handler draw the loss, the latency and the
 * next peer from a seeded stream and push one new event (an object, as the kernel allocates one).
 */
function baseline(events: number): number {
  type Ev = { timeMicros: number; node: number; body: number };
  const queue = new EventQueue<Ev>(1e7);
  const rng = Rng.fromSeed(1);
  let lost = 0;
  const handlers = Array.from({ length: NODES }, () => (ev: Ev) => {
    if (rng.chance(0.01)) lost++;
    const latencyMicros = Math.round(rng.uniform(1000, 10_000));
    queue.push({
      timeMicros: ev.timeMicros + latencyMicros,
      node: rng.int(NODES),
      body: ev.body + 1,
    });
  });
  for (let i = 0; i < 7000; i++)
    queue.push({ timeMicros: rng.int(10_000), node: i % NODES, body: 0 });
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    const ev = queue.pop()!;
    handlers[ev.node]!(ev);
  }
  const perSecond = events / ((performance.now() - start) / 1000);
  return lost >= 0 ? perSecond : 0;
}

/** A node that passes a counter on to a random peer, and starts a new one every 5 ms. */
function pingPongNode(all: string[], asyncOnMessage: boolean): NodeFactory {
  return (ctx) => {
    const pick = () => all[ctx.random.int(all.length)]!;
    const refill = () => {
      ctx.send(pick(), 0);
      ctx.setTimer(5, refill);
    };
    const forward = (m: Message) => ctx.send(pick(), (m.body as number) + 1);
    return {
      onStart: refill,
      onMessage: asyncOnMessage ? async (m) => forward(m) : forward,
    };
  };
}

function asyncNode(all: string[]): NodeFactory {
  return (ctx) => {
    const pick = () => all[ctx.random.int(all.length)]!;
    const loop = async () => {
      for (;;) {
        try {
          await ctx.request(pick(), 1, { timeoutMs: 50 });
        } catch {
          // A lost request or reply: go on with the next one.
        }
      }
    };
    return {
      onStart() {
        for (let i = 0; i < 50; i++) void loop();
      },
      async onMessage(m) {
        ctx.reply(m, m.body);
      },
    };
  };
}

type Style = "callback" | "async-onMessage" | "async";

async function pingPong(style: Style, maxEvents: number) {
  const all = ids(NODES);
  const factory =
    style === "async" ? asyncNode(all) : pingPongNode(all, style === "async-onMessage");
  const sim = new Simulation({
    seed: 7,
    nodes: all.map((id): NodeSpec => ({ id, factory })),
    network: NETWORK,
    limits: { maxEvents },
  });
  const start = performance.now();
  // The event limit is this run's budget: a far untilMs says so (a run() without one, meaning
  // "until the world is quiet", throws EventLimitError at the limit, and ping-pong is never quiet).
  await sim.run({ untilMs: 1e12 });
  const seconds = (performance.now() - start) / 1000;
  const delivered = sim.trace.count("deliver");
  return {
    delivered,
    seconds,
    perSecond: delivered / seconds,
    simSeconds: sim.now / 1e6,
    events: sim.events,
  };
}

/**
 * A heartbeat world of `n` nodes (each sends 3 messages a second to random nodes): the cost per
 * event in steady state, measured after the first simulated second (which builds and starts the
 * nodes), and the peak memory.
 */
async function heartbeatWorld(n: number, simSeconds: number) {
  const all = ids(n);
  const factory: NodeFactory = (ctx) => {
    const beat = () => {
      for (let k = 0; k < 3; k++) ctx.send(all[ctx.random.int(n)]!, "hb");
      ctx.setTimer(1000, beat);
    };
    return { onStart: () => void ctx.setTimer(ctx.random.int(1000), beat), onMessage: () => {} };
  };
  let peakRss = process.memoryUsage().rss;
  const setupStart = performance.now();
  const sim = new Simulation({
    seed: 1,
    nodes: all.map((id) => ({ id, factory })),
    network: NETWORK,
  });
  for (let s = 0; s <= simSeconds; s++)
    sim.at(s * 1000, () => void (peakRss = Math.max(peakRss, process.memoryUsage().rss)));
  await sim.run({ untilMs: 1000 });
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const eventsBefore = sim.events;
  const start = performance.now();
  await sim.run({ untilMs: simSeconds * 1000 });
  const seconds = (performance.now() - start) / 1000;
  const events = sim.events - eventsBefore;
  return {
    n,
    setupSeconds,
    seconds,
    events,
    microsPerEvent: (seconds * 1e6) / events,
    peakRssMb: peakRss / 2 ** 20,
  };
}

export async function run(): Promise<void> {
  // The big worlds first, so that their peak memory is their own and not the ping-pongs'; about
  // 400,000 steady-state events each (100,000 nodes: about 800,000).
  const worlds = [];
  for (const [n, simSeconds] of [
    [1_000, 100],
    [10_000, 11],
    [30_000, 5],
    [100_000, 3],
  ] as const) {
    worlds.push(await heartbeatWorld(n, simSeconds));
  }
  const events = 2_000_000;
  // Warm up the JIT on a small run of each style first.
  for (const style of ["callback", "async-onMessage", "async"] as const) {
    await pingPong(style, 200_000);
  }
  const base = baseline(events);
  const cb = await pingPong("callback", events);
  const am = await pingPong("async-onMessage", events);
  const as = await pingPong("async", events);
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`bare event loop (pop, handler, 3 draws, push)  ${fmt(base)} events/s  (baseline)`);
  const line = (label: string, r: typeof cb, target: number) =>
    console.log(
      `${label.padEnd(40)}${fmt(r.perSecond)} delivered msgs/s  ` +
        `(${fmt(r.delivered)} msgs, ${r.simSeconds.toFixed(1)} simulated s in ${r.seconds.toFixed(2)} s wall; ` +
        `${(r.perSecond / base).toFixed(2)}x baseline; target >= ${target}x)`,
    );
  line("64-node ping-pong, callback nodes", cb, 0.8);
  line("64-node ping-pong, async onMessage", am, 0.6);
  line("64-node ping-pong, await ctx.request", as, 0.4);
  // One simulated hour, callback style first (the same-run reference), then async.
  const hourMs = 3_600_000;
  const rwCallback = await requestWorld("callback", hourMs);
  const rwAsync = await requestWorld("async", hourMs);
  for (const [label, r] of [
    ["callback", rwCallback],
    ["async", rwAsync],
  ] as const) {
    console.log(
      `5 nodes x 100 req/s, 1 sim h, ${label.padEnd(9)} ${fmt(r.compression)}x real time  ` +
        `(${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU = ` +
        `${fmt(r.cpuCompression)}x per CPU-second, ${fmt(r.events)} events; ` +
        `${(r.compression / rwCallback.compression).toFixed(2)}x callback style; target >= 1,000x)`,
    );
  }
  const small = worlds[0]!;
  for (const w of worlds) {
    console.log(
      `${fmt(w.n).padStart(7)}-node heartbeat world   ${w.microsPerEvent.toFixed(2)} us/event in steady state ` +
        `(${fmt(w.events)} events in ${w.seconds.toFixed(2)} s; built and started in ${w.setupSeconds.toFixed(2)} s; ` +
        `peak RSS ${w.peakRssMb.toFixed(0)} MiB); ${(w.microsPerEvent / small.microsPerEvent).toFixed(2)}x the 1,000-node cost` +
        (w.n <= 30_000 ? "; target <= 1.3x up to 30,000 nodes" : ""),
    );
  }
  console.log(
    `(machine load while measuring: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(", ")})`,
  );
}
