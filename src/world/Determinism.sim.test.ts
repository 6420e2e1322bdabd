import { describe, expect, it } from "vitest";
import { TimeoutError } from "../core/errors.js";
import { Rng, Seed } from "../core/Rng.js";
import type { LatencySpec } from "../net/Latency.js";
import { DEFAULT_RANDOM_FAULT_KINDS, randomFaultSchedule } from "../faults/RandomFaultSchedule.js";
import { checkDeterminism, type DeterminismRun } from "../sim/checkDeterminism.js";
import { Simulation } from "./Simulation.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import type { TraceOptions } from "../sim/Trace.js";

// A small world that exercises every part of the kernel at once: async and callback clients doing
// request/response with timeouts, an async and a callback server writing to storage with
// occasional syncs, a monitor heartbeating on timers — under a swarm-style random fault schedule
// (Byzantine included, crash-stop allowed) and random latency, loss, duplication, drift and NTP.

const NODES = ["client-a", "client-b", "server-1", "server-2", "monitor"];
const SERVERS = ["server-1", "server-2"];
const DURATION_MS = 3_000;

const opId = (body: unknown): string =>
  typeof body === "object" && body !== null && "op" in body ? String(body.op) : "?";

/** Async client: one request at a time, a random server, a random timeout, a pause between. */
const asyncClient: NodeFactory = (ctx) => ({
  async onStart() {
    for (let i = 0; i < 40; i++) {
      const server = ctx.random.pick(SERVERS);
      try {
        const reply = await ctx.request(
          server,
          { op: `${ctx.id}/${ctx.incarnation}/${i}` },
          { timeoutMs: 20 + ctx.random.int(200) },
        );
        ctx.storage.set("last-reply", reply);
        if (i % 5 === 0) ctx.storage.sync();
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        ctx.log("timeout", i);
      }
      await ctx.sleep(ctx.random.int(60));
    }
  },
});

/** Callback client: timers drive it; replies come back through `.then`. */
const callbackClient: NodeFactory = (ctx) => {
  let i = 0;
  const tick = (): void => {
    if (i >= 40) return;
    const n = i++;
    ctx
      .request(
        ctx.random.pick(SERVERS),
        { op: `${ctx.id}/${ctx.incarnation}/${n}` },
        {
          timeoutMs: 100,
        },
      )
      .then(
        (reply) => ctx.storage.set(`reply-${n}`, reply),
        () => ctx.log("timeout", n),
      );
    ctx.setTimer(10 + ctx.random.int(80), tick);
  };
  return { onStart: tick };
};

/** Async server: thinks for a while (a sleep), applies the op to storage, sometimes syncs. */
const asyncServer: NodeFactory = (ctx) => {
  let applied = ctx.storage.get<number>("applied") ?? 0;
  return {
    async onMessage(m) {
      if (m.requestId === undefined) return;
      await ctx.sleep(ctx.random.int(5));
      applied++;
      ctx.storage.set("applied", applied);
      ctx.storage.set(`op-${opId(m.body)}`, ctx.clock.wallMs());
      if (ctx.random.chance(0.3)) ctx.storage.sync();
      ctx.reply(m, { applied });
    },
  };
};

/** Callback server: applies at once, answers after a timer. */
const callbackServer: NodeFactory = (ctx) => {
  let applied = ctx.storage.get<number>("applied") ?? 0;
  return {
    onMessage(m) {
      if (m.requestId === undefined) return;
      applied++;
      ctx.storage.set("applied", applied);
      if (applied % 4 === 0) ctx.storage.sync();
      ctx.setTimer(ctx.random.int(3), () => ctx.reply(m, { applied, at: ctx.clock.wallMs() }));
    },
  };
};

/** Monitor: heartbeats everyone every 50 ms and cancels a watchdog timer when it hears back. */
const monitor: NodeFactory = (ctx) => {
  let watchdog = ctx.setTimer(500, () => ctx.log("quiet"));
  const beat = (): void => {
    for (const peer of ctx.peers) ctx.send(peer, { beat: ctx.clock.monotonicMs() });
    ctx.setTimer(50, beat);
  };
  return {
    onStart: beat,
    onMessage() {
      ctx.clearTimer(watchdog);
      watchdog = ctx.setTimer(500, () => ctx.log("quiet"));
    },
  };
};

const LATENCIES: readonly LatencySpec[] = [
  { kind: "uniform", minMs: 1, maxMs: 20 },
  { kind: "exponential", meanMs: 5, maxMs: 200 },
  { kind: "lognormal", medianMs: 4, sigma: 1, maxMs: 300 },
  { kind: "pareto", scaleMs: 1, shape: 1.5, maxMs: 500 },
];

function makeWorld(seed: Seed, trace?: TraceOptions): Simulation {
  const rng = Rng.fromSeed(seed).derive("world");
  const lossProbability = rng.chance(0.5) ? Math.round(rng.uniform(0, 0.1) * 1000) / 1000 : 0;
  const duplicateProbability = rng.chance(0.5) ? Math.round(rng.uniform(0, 0.1) * 1000) / 1000 : 0;
  const schedule = randomFaultSchedule(rng.derive("faults"), {
    nodes: NODES,
    durationMs: DURATION_MS,
    kinds: [...DEFAULT_RANDOM_FAULT_KINDS, "byzantine"],
    allowCrashStop: true,
    baselineLossProbability: lossProbability,
    baselineDuplicateProbability: duplicateProbability,
  });
  return new Simulation({
    seed,
    nodes: {
      "client-a": asyncClient,
      "client-b": callbackClient,
      "server-1": asyncServer,
      "server-2": callbackServer,
      monitor,
    },
    network: {
      latency: rng.pick(LATENCIES),
      lossProbability,
      duplicateProbability,
      reorderProbability: rng.chance(0.3) ? 0.1 : 0,
      reorderWindowMs: 30,
    },
    clocks: {
      driftPpmMax: 100,
      initialOffsetMsMax: 50,
      ...(rng.chance(0.5) ? { ntp: { intervalMs: 500, errorMs: 35 } } : {}),
    },
    faults: schedule.actions,
    ...(trace ? { trace } : {}),
  });
}

const seeds = Array.from({ length: 200 }, (_, i) => Seed.of(0x5eed, i * 2654435761));

describe("determinism: the same seed and config give the same trace", () => {
  it("shows that 200 seeds of a faulty mixed async/callback world each run twice to the same hash", async () => {
    const runs: DeterminismRun[] = [];
    const mismatches = await checkDeterminism(makeWorld, seeds, { untilMs: DURATION_MS }, (r) =>
      runs.push(r),
    );
    expect(mismatches).toEqual([]);
    expect(runs).toHaveLength(200);
    // Every run completed (no node threw) and did real work.
    expect(runs.filter((r) => r.hash.startsWith("error"))).toEqual([]);
    expect(Math.min(...runs.map((r) => r.events))).toBeGreaterThan(100);
    // Different seeds explore different executions.
    expect(new Set(runs.map((r) => r.hash)).size).toBeGreaterThanOrEqual(195);
  });

  it("shows that the streamed JSONL trace, message bodies included, is byte-identical across runs", async () => {
    for (const seed of seeds.slice(0, 10)) {
      const texts: string[] = [];
      for (let run = 0; run < 2; run++) {
        const lines: string[] = [];
        await makeWorld(seed, { sink: (line) => lines.push(line) }).run({ untilMs: DURATION_MS });
        texts.push(lines.join("\n"));
      }
      expect(texts[1]).toBe(texts[0]);
      expect(texts[0]!.length).toBeGreaterThan(1000);
    }
  });

  it("shows that checkDeterminism reports a seed whose world leaks outside state, with both hashes", async () => {
    // A world that reads a counter shared across runs: the second run sees a different value.
    let leaked = 0;
    const make = (seed: Seed) =>
      new Simulation({
        seed,
        nodes: {
          a: (ctx) => ({
            onStart: () => void ctx.setTimer(1 + (leaked++ % 7), () => ctx.send("b", 1)),
          }),
          b: () => ({}),
        },
      });
    const mismatches = await checkDeterminism(make, [1, 2]);
    expect(mismatches.map((m) => m.seed)).toEqual(["0x0000000000000001", "0x0000000000000002"]);
    for (const m of mismatches) expect(m.firstHash).not.toBe(m.secondHash);
  });
});
