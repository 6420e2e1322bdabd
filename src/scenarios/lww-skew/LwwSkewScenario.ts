// Last write wins, by whose clock? A register replicated on three nodes keeps, on each replica, the
// write with the largest timestamp; replicas forward each write to the others, so they converge.
// When the timestamp is the receiving replica's wall clock and clocks disagree by more than the
// time between two causally related writes, a write that happened after another (its client read
// the first write's value, then wrote) can get the smaller timestamp, and every replica silently
// discards it: an acknowledged, causally later write is lost. The chapter's figure shows exactly
// this with two clients and a skew of a few milliseconds.
//
// Clocks here are as good as NTP on a LAN makes them (±35 ms error, ±50 ppm drift); the network
// delay is 1–5 ms. Two clients each do read-then-write operations against random replicas. The
// safe variant orders the same writes by a hybrid logical clock: replicas stamp writes with
// `HybridLogicalClock.now()` after folding in the timestamp the client read (carried with the
// write) and every replicated write they receive, so a write that depends on another always gets
// the larger timestamp. The checker is over the history: for every write, the writes it causally
// depends on (what its client read, and the client's earlier writes, transitively); a write whose
// timestamp orders below one of them is a lost update. It also checks that replicas converged.

import { Simulation } from "../../world/Simulation.js";
import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import { compareHlc, HybridLogicalClock, type HlcTimestamp } from "../../primitives/index.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

const REPLICAS = ["r1", "r2", "r3"] as const;
const CLIENTS = ["c1", "c2"] as const;
const OPERATIONS_PER_CLIENT = 12;
const THINK_MS_MAX = 20;
const REQUEST_TIMEOUT_MS = 1_000;

/** A write's timestamp: the wall clock (µs, then replica id) or an HLC stamp (then replica id). */
type Stamp = { wallMicros: number; replica: string } | { hlc: HlcTimestamp; replica: string };

function compareStamps(a: Stamp, b: Stamp): number {
  const byTime =
    "hlc" in a && "hlc" in b
      ? compareHlc(a.hlc, b.hlc)
      : "wallMicros" in a && "wallMicros" in b
        ? a.wallMicros - b.wallMicros
        : 0;
  if (byTime !== 0) return byTime < 0 ? -1 : 1;
  return a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0;
}

interface Version {
  /** The write's id, e.g. "c1-3"; "" for the initial empty register. */
  writeId: string;
  stamp: Stamp | undefined;
}

type Request =
  | { type: "read" }
  | { type: "write"; writeId: string; context: HlcTimestamp | undefined }
  | { type: "replicate"; version: Version };

interface WriteRecord {
  writeId: string;
  stamp: Stamp;
  /** Writes this one directly depends on: the one its client read, and its client's previous. */
  dependsOn: string[];
}

function replica(useHlc: boolean, finals: Map<string, string>): NodeFactory {
  return (ctx: NodeContext) => {
    const hlc = new HybridLogicalClock({ clock: ctx.clock, maxOffsetMs: 60_000 });
    let current: Version = { writeId: "", stamp: undefined };
    const apply = (version: Version) => {
      if (current.stamp === undefined || compareStamps(version.stamp!, current.stamp) > 0) {
        current = version;
        finals.set(ctx.id, version.writeId);
      }
    };
    return {
      onMessage(message) {
        const body = message.body as Request;
        if (body.type === "read") {
          ctx.reply(message, current);
        } else if (body.type === "write") {
          let stamp: Stamp;
          if (useHlc) {
            if (body.context !== undefined) hlc.receive(body.context);
            stamp = { hlc: hlc.now(), replica: ctx.id };
          } else {
            stamp = { wallMicros: Math.round(ctx.clock.wallMs() * 1000), replica: ctx.id };
          }
          const version = { writeId: body.writeId, stamp };
          apply(version);
          for (const peer of REPLICAS)
            if (peer !== ctx.id) ctx.send(peer, { type: "replicate", version });
          ctx.reply(message, version);
        } else {
          if (useHlc) {
            const stamp = body.version.stamp as { hlc: HlcTimestamp };
            hlc.receive(stamp.hlc);
          }
          apply(body.version);
        }
      },
    };
  };
}

function client(writes: WriteRecord[]): NodeFactory {
  return (ctx) => ({
    async onStart() {
      let previousWrite: Version | undefined;
      for (let op = 0; op < OPERATIONS_PER_CLIENT; op++) {
        await ctx.sleep(ctx.random.uniform(0, THINK_MS_MAX));
        const readFrom = REPLICAS[ctx.random.int(REPLICAS.length)]!;
        const read = await ctx.request<Version>(
          readFrom,
          { type: "read" },
          {
            timeoutMs: REQUEST_TIMEOUT_MS,
          },
        );
        // The client's causal context: the later of what it read and what it last wrote.
        const context = [read, previousWrite]
          .map((v) => (v?.stamp !== undefined && "hlc" in v.stamp ? v.stamp.hlc : undefined))
          .reduce<HlcTimestamp | undefined>(
            (a, b) => (a === undefined ? b : b === undefined ? a : compareHlc(a, b) >= 0 ? a : b),
            undefined,
          );
        const writeTo = REPLICAS[ctx.random.int(REPLICAS.length)]!;
        const writeId = `${ctx.id}-${op}`;
        const written = await ctx.request<Version>(
          writeTo,
          { type: "write", writeId, context },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        );
        const dependsOn = [read.writeId, previousWrite?.writeId ?? ""].filter((id) => id !== "");
        writes.push({ writeId, stamp: written.stamp!, dependsOn });
        previousWrite = written;
      }
    },
  });
}

/**
 * Lost updates: writes ordered below a write they causally depend on (transitively). Each such
 * write is acknowledged to its client and then discarded by every replica that sees both.
 */
export function countLostUpdates(writes: readonly WriteRecord[]): number {
  const byId = new Map(writes.map((w) => [w.writeId, w]));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known !== undefined) return known;
    const result = new Set<string>();
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      result.add(dep);
      for (const a of ancestorsOf(dep)) result.add(a);
    }
    ancestors.set(id, result);
    return result;
  };
  let lost = 0;
  for (const w of writes) {
    for (const a of ancestorsOf(w.writeId)) {
      if (compareStamps(w.stamp, byId.get(a)!.stamp) < 0) {
        lost++;
        break;
      }
    }
  }
  return lost;
}

async function runRegister(options: RunSeedOptions, useHlc: boolean) {
  const writes: WriteRecord[] = [];
  const nodes: Record<string, NodeFactory> = {};
  const finals = new Map<string, string>();
  for (const id of REPLICAS) nodes[id] = replica(useHlc, finals);
  for (const id of CLIENTS) nodes[id] = client(writes);
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    clocks: {
      driftPpmMax: 50,
      initialOffsetMsMax: 35,
      ntp: { intervalMs: 64_000, errorMs: 35 },
    },
    ...(options.trace?.("register") ? { trace: options.trace("register")! } : {}),
  });
  let skewMaxMs = 0;
  for (let t = 0; t <= 500; t += 50) {
    sim.at(t, () => {
      const offsets = REPLICAS.map((id) => sim.clockOf(id).offsetMicros(sim.now));
      skewMaxMs = Math.max(skewMaxMs, (Math.max(...offsets) - Math.min(...offsets)) / 1000);
    });
  }
  const result = await sim.run({ untilMs: 60_000 });
  // Once replication is done every replica must hold the same write: the largest stamp.
  const winner = largestStamp(writes);
  const converged = REPLICAS.every((id) => (finals.get(id) ?? "") === winner);
  return {
    converged,
    lost: countLostUpdates(writes),
    writes: writes.length,
    skewMaxMs,
    hash: result.traceHash,
    events: result.events,
  };
}

/** The write every replica should end with: the one with the largest stamp. */
function largestStamp(writes: readonly WriteRecord[]): string {
  let best: WriteRecord | undefined;
  for (const w of writes)
    if (best === undefined || compareStamps(w.stamp, best.stamp) > 0) best = w;
  return best?.writeId ?? "";
}

export const lwwSkew: Scenario = {
  name: "lww-skew",
  title: "Last write wins, by a skewed wall clock, loses causally later writes",
  claim:
    "Last write wins with timestamps from time-of-day clocks: a node with a lagging clock is " +
    "unable to overwrite values previously written by a node with a fast clock until the skew " +
    "has elapsed, so arbitrary amounts of data can be silently dropped without any error being " +
    "reported. Logical clocks, based on incrementing counters, are a safer way of ordering events.",
  variants: [
    {
      name: "unsafe",
      description: "replicas stamp writes with their wall clock (NTP on a LAN)",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "replicas stamp writes with a hybrid logical clock",
      expectViolations: false,
    },
  ],
  properties: ["no-lost-update", "replicas-converge"],
  figures: [
    { name: "lost-updates", kind: "sum", description: "causally later writes lost" },
    { name: "writes", kind: "sum", description: "writes acknowledged" },
    { name: "lost-per-write", kind: "mean", description: "lost updates per write" },
    {
      name: "replica-skew-max-ms",
      kind: "mean",
      unit: "ms",
      description: "largest skew between replicas, mean",
    },
  ],
  tourSeeds: 1000,
  async run(options): Promise<SeedOutcome> {
    const r = await runRegister(options, options.variant === "safe");
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: {
        "no-lost-update": r.lost > 0 ? "violated" : "held",
        "replicas-converge": r.converged ? "held" : "violated",
      },
      figures: {
        "lost-updates": r.lost,
        writes: r.writes,
        "lost-per-write": r.lost / Math.max(1, r.writes),
        "replica-skew-max-ms": r.skewMaxMs,
      },
      traceHash: combineHashes([r.hash]),
      events: r.events,
    };
  },
};
