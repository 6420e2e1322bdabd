// The chapter's congestion picture: when several nodes send to the same destination at once, the
// switch queues their packets, and a packet that finds the queue full is dropped. Interactive
// clients send requests to one server through a switch port that holds 1,000 packets and sends one
// per millisecond. Each seed runs two worlds with the same clients and the same steady load: in
// "normal" nothing else happens; in "burst" batch senders now and then dump hundreds of packets on
// the same port at once (incast). The table compares one-way request latency (send to delivery,
// stamped on the nodes' monotonic clocks, which do not drift here) and drops: the median barely
// moves, while p99 and p99.9 grow by orders of magnitude, up to the queue's full second.
//
// Every client watches each request with two timeout policies at once:
//   fixed-10ms  a FixedTimeout tuned to the median: about 3 × the normal median round trip
//   adaptive    AdaptiveTimeout with the chapter's defaults: 2 × p99 of the last 100 round trips,
//               clamped to [1 s, 30 s] (it learns only from calls that completed in time)
// A timeout is spurious when the response did come, only later than the timeout. The variant names
// the policy the clients act on, and the property `spurious-timeouts-within-budget` judges it:
// at most 1% of answered requests may be timed out, in each world (an SLO-like budget: no finite
// timeout is right for every request on a network with queues).

import { Rng, type Seed } from "../../core/Rng.js";
import type { NetworkConfig } from "../../net/Network.js";
import { AdaptiveTimeout } from "../../primitives/AdaptiveTimeout.js";
import { FixedTimeout } from "../../primitives/FixedTimeout.js";
import type { TimeoutPolicy } from "../../primitives/TimeoutPolicy.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { Simulation } from "../../world/Simulation.js";
import { combineHashes, type FigureSpec, type Scenario, type SeedOutcome } from "../Scenario.js";
import { percentiles } from "../stats.js";
import type { VariantSummary } from "../VariantSummary.js";
import { figureMean } from "../VariantSummary.js";

export const CONGESTION_POLICIES = ["fixed-10ms", "adaptive"] as const;
export type CongestionPolicy = (typeof CONGESTION_POLICIES)[number];
export const CONGESTION_WORLDS = ["normal", "burst"] as const;
export type CongestionWorld = (typeof CONGESTION_WORLDS)[number];

const VARIANT_POLICY: Record<string, CongestionPolicy> = { unsafe: "fixed-10ms", safe: "adaptive" };

/** Fraction of answered requests a policy may time out before the property is violated. */
export const SPURIOUS_TIMEOUT_BUDGET = 0.01;
const CLIENTS = 10;
const BATCH_SENDERS = 3;
/** Each client sends on its own Poisson clock: 10 × 25 = 250 requests/s, a quarter of the port. */
const CLIENT_MEAN_GAP_MS = 40;
const SEND_FOR_MS = 12_000;
/** Quiet time at the end so that every answer is in before the run stops. */
const DRAIN_MS = 2_000;
/**
 * Bursts: the first uniformly in [1 s, 6 s], then Poisson arrivals; each is one batch sender
 * dumping this many packets on the port at once.
 */
const FIRST_BURST_MS: readonly [number, number] = [1_000, 6_000];
const BURST_MEAN_GAP_MS = 8_000;
const BURST_PACKETS: readonly [number, number] = [400, 1_600];
export const SWITCH_QUEUE = { capacityPackets: 1_000, transmissionMicrosPerPacket: 1_000 };
const NETWORK: NetworkConfig = {
  latency: { kind: "lognormal", medianMs: 0.5, sigma: 0.5, maxMs: 20 },
  switchQueue: SWITCH_QUEUE,
};

interface Pending {
  sentMs: number;
  timeoutMs: number[];
}

interface WorldStats {
  sent: number;
  latenciesMs: number[];
  rttsMs: number[];
  answered: number;
  spurious: number[];
  lostWaitMs: number[];
  lost: number;
}

interface WorldResult extends WorldStats {
  queueDrops: number;
  bursts: number;
  burstPackets: number;
  hash: string;
  events: number;
}

export function burstSchedule(seed: Seed): { atMs: number; from: string; packets: number }[] {
  const rng = new Rng(seed, "congestion/bursts");
  const out: { atMs: number; from: string; packets: number }[] = [];
  for (let t = rng.uniform(FIRST_BURST_MS[0], FIRST_BURST_MS[1]); t < SEND_FOR_MS;) {
    out.push({
      atMs: Math.round(t),
      from: `batch${rng.int(BATCH_SENDERS)}`,
      packets: rng.intBetween(BURST_PACKETS[0], BURST_PACKETS[1]),
    });
    t += rng.exponential(BURST_MEAN_GAP_MS);
  }
  return out;
}

function server(stats: WorldStats): NodeFactory {
  return (ctx) => ({
    onMessage(message) {
      const body = message.body as { type: string; id: number; sentMs: number };
      if (body.type !== "request") return;
      stats.latenciesMs.push(ctx.clock.monotonicMs() - body.sentMs);
      ctx.send(message.from, { type: "response", id: body.id });
    },
  });
}

/** A client; `pendings` collects its map of unanswered requests for the end-of-world count. */
function client(stats: WorldStats, pendings: Map<number, Pending>[]): NodeFactory {
  return (ctx) => {
    const policies: TimeoutPolicy[] = [new FixedTimeout(10), new AdaptiveTimeout()];
    const pending = new Map<number, Pending>();
    pendings.push(pending);
    let next = 0;
    const send = () => {
      const now = ctx.clock.monotonicMs();
      if (now >= SEND_FOR_MS) return;
      const id = next++;
      pending.set(id, { sentMs: now, timeoutMs: policies.map((p) => p.timeoutMs()) });
      stats.sent++;
      ctx.send("server", { type: "request", id, sentMs: now });
      ctx.setTimer(ctx.random.exponential(CLIENT_MEAN_GAP_MS), send);
    };
    return {
      onStart() {
        ctx.setTimer(ctx.random.exponential(CLIENT_MEAN_GAP_MS), send);
      },
      onMessage(message) {
        const body = message.body as { type: string; id: number };
        const p = pending.get(body.id);
        if (body.type !== "response" || p === undefined) return;
        pending.delete(body.id);
        const rtt = ctx.clock.monotonicMs() - p.sentMs;
        stats.answered++;
        stats.rttsMs.push(rtt);
        policies.forEach((policy, i) => {
          // A call that outlived its timeout was abandoned: its duration is not learned.
          if (rtt > p.timeoutMs[i]!) stats.spurious[i]!++;
          else policy.recordResponseMs(rtt);
        });
      },
    };
  };
}

async function runWorld(
  options: Parameters<Scenario["run"]>[0],
  world: CongestionWorld,
): Promise<WorldResult> {
  const stats: WorldStats = {
    sent: 0,
    latenciesMs: [],
    rttsMs: [],
    answered: 0,
    spurious: CONGESTION_POLICIES.map(() => 0),
    lostWaitMs: CONGESTION_POLICIES.map(() => 0),
    lost: 0,
  };
  const bursts = world === "burst" ? burstSchedule(options.seed) : [];
  const pendings: Map<number, Pending>[] = [];
  const nodes: Record<string, NodeFactory> = { server: server(stats) };
  for (let i = 0; i < CLIENTS; i++) nodes[`client${i}`] = client(stats, pendings);
  for (let b = 0; b < BATCH_SENDERS; b++) {
    const id = `batch${b}`;
    nodes[id] = (ctx) => ({
      onStart() {
        for (const burst of bursts) {
          if (burst.from !== id) continue;
          ctx.setTimer(burst.atMs, () => {
            for (let k = 0; k < burst.packets; k++) ctx.send("server", { type: "bulk" });
          });
        }
      },
    });
  }
  const label = `world/${world}`;
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: NETWORK,
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  const result = await sim.run({ untilMs: SEND_FOR_MS + DRAIN_MS });
  // What is still pending when the world stops got no answer: the request was dropped. Each
  // policy would have noticed the loss after the timeout it set for that request.
  for (const pending of pendings) {
    for (const p of pending.values()) {
      stats.lost++;
      p.timeoutMs.forEach((t, i) => (stats.lostWaitMs[i]! += t));
    }
  }
  return {
    ...stats,
    queueDrops: sim.trace.drops("queue-full"),
    bursts: bursts.length,
    burstPackets: bursts.reduce((n, b) => n + b.packets, 0),
    hash: result.traceHash,
    events: result.events,
  };
}

const FIGURES: FigureSpec[] = [
  ...CONGESTION_WORLDS.flatMap((w): FigureSpec[] => [
    { name: `${w}.p50-ms`, kind: "mean", unit: "ms", description: `${w}: median request latency` },
    { name: `${w}.p99-ms`, kind: "mean", unit: "ms", description: `${w}: p99 request latency` },
    { name: `${w}.p999-ms`, kind: "mean", unit: "ms", description: `${w}: p99.9 request latency` },
    { name: `${w}.max-ms`, kind: "max", unit: "ms", description: `${w}: slowest request` },
    { name: `${w}.rtt-p50-ms`, kind: "mean", unit: "ms", description: `${w}: median round trip` },
    { name: `${w}.requests`, kind: "sum", description: `${w}: requests sent` },
    { name: `${w}.request-drops`, kind: "sum", description: `${w}: requests dropped` },
    { name: `${w}.queue-drops`, kind: "sum", description: `${w}: packets dropped, queue full` },
    ...CONGESTION_POLICIES.flatMap((p): FigureSpec[] => [
      {
        name: `${w}.${p}.spurious-fraction`,
        kind: "mean",
        description: `${w}: answered requests that ${p} had timed out`,
      },
      {
        name: `${w}.${p}.over-budget`,
        kind: "rate",
        description: `${w}: seeds where ${p} exceeded the ${SPURIOUS_TIMEOUT_BUDGET * 100}% budget`,
      },
      {
        name: `${w}.${p}.lost-wait-ms`,
        kind: "mean",
        unit: "ms",
        description: `${w}: time ${p} takes to notice a dropped request`,
      },
    ]),
  ]),
  {
    name: "acted.burst.spurious-fraction",
    kind: "mean",
    description: "the variant's policy: answered requests timed out in the burst world",
  },
  {
    name: "acted.burst.lost-wait-ms",
    kind: "mean",
    unit: "ms",
    description: "the variant's policy: time to notice a dropped request in the burst world",
  },
  { name: "burst.bursts", kind: "mean", description: "bursts per burst world" },
  { name: "burst.burst-packets", kind: "sum", description: "packets sent in bursts" },
];

export const congestion: Scenario = {
  name: "congestion",
  title: "Congestion: queueing makes the tail, not the median",
  claim:
    "If several different nodes simultaneously try to send packets to the same destination, the " +
    "network switch must queue them up and feed them into the destination network link one by " +
    "one; if the queue fills up, packets are dropped. Variable delays come mostly from queueing, " +
    "so timeouts should be chosen from the measured distribution, not its typical value.",
  variants: [
    {
      name: "unsafe",
      description:
        "clients use a fixed 10 ms timeout tuned to the median round trip (about 3 ms): under " +
        "bursts they time out requests that are merely queued (spurious-timeouts-within-budget " +
        `violated: more than ${SPURIOUS_TIMEOUT_BUDGET * 100}% of answered requests)`,
      expectViolations: true,
    },
    {
      name: "safe",
      description:
        "clients use the adaptive timeout (2 × p99 of the last 100 round trips, within [1 s, 30 s]): " +
        `at most ${SPURIOUS_TIMEOUT_BUDGET * 100}% of answered requests timed out, bursts ` +
        "included, at the price of noticing a dropped request only after a second or more",
      expectViolations: false,
    },
  ],
  properties: ["spurious-timeouts-within-budget"],
  figures: FIGURES,
  tourSeeds: 120,
  keyFigures: ["acted.burst.spurious-fraction", "acted.burst.lost-wait-ms"],
  async run(options): Promise<SeedOutcome> {
    const policy = VARIANT_POLICY[options.variant];
    if (policy === undefined) throw new Error(`congestion: unknown variant ${options.variant}`);
    const judged = CONGESTION_POLICIES.indexOf(policy);
    const figures: Record<string, number> = {};
    const hashes: string[] = [];
    let events = 0;
    let withinBudget = true;
    for (const w of CONGESTION_WORLDS) {
      const r = await runWorld(options, w);
      hashes.push(r.hash);
      events += r.events;
      const [p50, p99, p999, max] = percentiles(r.latenciesMs, [0.5, 0.99, 0.999, 1]);
      figures[`${w}.p50-ms`] = p50!;
      figures[`${w}.p99-ms`] = p99!;
      figures[`${w}.p999-ms`] = p999!;
      figures[`${w}.max-ms`] = max!;
      figures[`${w}.rtt-p50-ms`] = percentiles(r.rttsMs, [0.5])[0]!;
      figures[`${w}.requests`] = r.sent;
      figures[`${w}.request-drops`] = r.sent - r.latenciesMs.length;
      figures[`${w}.queue-drops`] = r.queueDrops;
      CONGESTION_POLICIES.forEach((p, i) => {
        const fraction = r.answered === 0 ? 0 : r.spurious[i]! / r.answered;
        figures[`${w}.${p}.spurious-fraction`] = fraction;
        figures[`${w}.${p}.over-budget`] = fraction > SPURIOUS_TIMEOUT_BUDGET ? 1 : 0;
        figures[`${w}.${p}.lost-wait-ms`] = r.lost === 0 ? NaN : r.lostWaitMs[i]! / r.lost;
        if (i === judged && fraction > SPURIOUS_TIMEOUT_BUDGET) withinBudget = false;
      });
      if (w === "burst") {
        figures["burst.bursts"] = r.bursts;
        figures["burst.burst-packets"] = r.burstPackets;
      }
    }
    figures["acted.burst.spurious-fraction"] = figures[`burst.${policy}.spurious-fraction`]!;
    figures["acted.burst.lost-wait-ms"] = figures[`burst.${policy}.lost-wait-ms`]!;
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { "spurious-timeouts-within-budget": withinBudget ? "held" : "violated" },
      figures,
      traceHash: combineHashes(hashes),
      events,
    };
  },
  report(summaries) {
    return congestionReport(summaries);
  },
};

function congestionReport(summaries: readonly VariantSummary[]): string[] {
  const s = summaries[0];
  if (s === undefined) return [];
  const avg = (name: string) => figureMean(s, name);
  const sum = (name: string) => s.figures[name]?.sum ?? 0;
  const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const lines = [
    `request latency, send to delivery through the switch port (${s.seeds} seeds; mean of per-seed percentiles):`,
    `  ${"world".padEnd(7)} ${"p50".padStart(8)} ${"p99".padStart(8)} ${"p99.9".padStart(8)} ` +
      `${"max".padStart(8)} ${"requests dropped".padStart(18)} ${"packets dropped".padStart(16)}`,
  ];
  for (const w of CONGESTION_WORLDS) {
    const requests = sum(`${w}.requests`);
    const dropped = sum(`${w}.request-drops`);
    lines.push(
      `  ${w.padEnd(7)} ${`${ms(avg(`${w}.p50-ms`))} ms`.padStart(8)} ` +
        `${`${ms(avg(`${w}.p99-ms`))} ms`.padStart(8)} ${`${ms(avg(`${w}.p999-ms`))} ms`.padStart(8)} ` +
        `${`${ms(s.figures[`${w}.max-ms`]?.max ?? NaN)} ms`.padStart(8)} ` +
        `${`${dropped} (${((dropped / Math.max(1, requests)) * 100).toFixed(2)}%)`.padStart(18)} ` +
        `${String(sum(`${w}.queue-drops`)).padStart(16)}`,
    );
  }
  const ratio = (q: string) => avg(`burst.${q}-ms`) / avg(`normal.${q}-ms`);
  lines.push(
    `  burst / normal: p50 ×${ratio("p50").toFixed(2)}, p99 ×${ratio("p99").toFixed(0)}, ` +
      `p99.9 ×${ratio("p999").toFixed(0)} (${avg("burst.bursts").toFixed(1)} bursts per world, ` +
      `${sum("burst.burst-packets")} burst packets)`,
    `timeout policies on the same requests (spurious = answered, but after the timeout; ` +
      `budget ${SPURIOUS_TIMEOUT_BUDGET * 100}%):`,
    `  ${"policy".padEnd(11)} ${"world".padEnd(7)} ${"spurious".padStart(9)} ` +
      `${"worst seed".padStart(10)} ${"seeds over budget".padStart(18)} ` +
      `${"wait to notice a drop".padStart(22)}`,
  );
  for (const p of CONGESTION_POLICIES) {
    for (const w of CONGESTION_WORLDS) {
      lines.push(
        `  ${p.padEnd(11)} ${w.padEnd(7)} ` +
          `${`${(avg(`${w}.${p}.spurious-fraction`) * 100).toFixed(3)}%`.padStart(9)} ` +
          `${`${((s.figures[`${w}.${p}.spurious-fraction`]?.max ?? NaN) * 100).toFixed(2)}%`.padStart(10)} ` +
          `${`${sum(`${w}.${p}.over-budget`)}/${s.seeds}`.padStart(18)} ` +
          `${(Number.isNaN(avg(`${w}.${p}.lost-wait-ms`)) ? "— (no drops)" : `${ms(avg(`${w}.${p}.lost-wait-ms`))} ms`).padStart(22)}`,
      );
    }
  }
  return lines;
}
