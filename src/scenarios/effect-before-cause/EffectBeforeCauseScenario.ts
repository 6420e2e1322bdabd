// Effect before cause. Alice posts on one server; the post is replicated to the others, and Bob,
// who reads from another server, sees it there and replies. The reply is the effect of the post:
// Bob could not have written it without having read the post. But each server stamps what it
// stores with its own wall clock, and when the server Bob uses runs behind Alice's by more than
// the few milliseconds between the post and the reply, the reply's stamp is earlier than the
// post's. A timeline sorted by those stamps shows the answer before the question.
//
// Every server stamps every message three ways: its wall clock, a vector clock and a hybrid
// logical clock (both primitives), folding in the stamps of replicated messages and the context
// Bob carries with his reply (the stamps of the post he saw). The unsafe variant orders the
// timeline by wall-clock stamps; the safe one by vector clocks (the reply must be strictly after
// its post, not merely concurrent) and checks that the HLC order agrees. Clocks are as good as NTP
// on a LAN makes them (±35 ms error, ±50 ppm drift); the network delay is 1–5 ms.

import { Simulation } from "../../world/Simulation.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import {
  compareHlc,
  HybridLogicalClock,
  VectorClock,
  type HlcTimestamp,
} from "../../primitives/index.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

const SERVERS = ["s1", "s2", "s3"] as const;
const POSTS = 10;
const POST_GAP_MS_MAX = 100;
const REPLY_THINK_MS_MAX = 5;
const REQUEST_TIMEOUT_MS = 1_000;

interface Stamps {
  wallMicros: number;
  /** Vector clock, encoded. */
  vector: string;
  hlc: HlcTimestamp;
}

interface Item {
  id: string;
  kind: "post" | "reply";
  /** For a reply, the post it answers. */
  inReplyTo?: string;
  server: string;
  stamps: Stamps;
}

type Request =
  | { type: "post"; id: string }
  | { type: "reply"; id: string; inReplyTo: string; context: Stamps }
  | { type: "replicate"; item: Item };

function server(stored: Map<string, Item>): NodeFactory {
  return (ctx) => {
    let vector = VectorClock.empty();
    const hlc = new HybridLogicalClock({ clock: ctx.clock, maxOffsetMs: 60_000 });
    const stampLocal = (): Stamps => {
      vector = vector.increment(ctx.id);
      return {
        wallMicros: Math.round(ctx.clock.wallMs() * 1000),
        vector: vector.encode(),
        hlc: hlc.now(),
      };
    };
    const fold = (seen: Stamps) => {
      vector = vector.merge(VectorClock.decode(seen.vector));
      hlc.receive(seen.hlc);
    };
    const store = (item: Item) => {
      stored.set(item.id, item);
      for (const peer of SERVERS) if (peer !== ctx.id) ctx.send(peer, { type: "replicate", item });
    };
    return {
      onMessage(message) {
        const body = message.body as Request;
        if (body.type === "post") {
          const item: Item = { id: body.id, kind: "post", server: ctx.id, stamps: stampLocal() };
          store(item);
          ctx.reply(message, item);
        } else if (body.type === "reply") {
          fold(body.context);
          const item: Item = {
            id: body.id,
            kind: "reply",
            inReplyTo: body.inReplyTo,
            server: ctx.id,
            stamps: stampLocal(),
          };
          store(item);
          ctx.reply(message, item);
        } else {
          fold(body.item.stamps);
          vector = vector.increment(ctx.id);
          // Bob reads from the servers Alice did not post on: each shows him the new post.
          if (body.item.kind === "post") ctx.send("bob", body.item);
        }
      },
    };
  };
}

const alice: NodeFactory = (ctx) => ({
  async onStart() {
    for (let i = 0; i < POSTS; i++) {
      await ctx.sleep(ctx.random.uniform(0, POST_GAP_MS_MAX));
      const to = SERVERS[ctx.random.int(SERVERS.length)]!;
      await ctx.request(to, { type: "post", id: `post-${i}` }, { timeoutMs: REQUEST_TIMEOUT_MS });
    }
  },
});

/** Bob answers each post once, on the server that showed it to him first. */
const bob: NodeFactory = (ctx) => {
  const answered = new Set<string>();
  return {
    async onMessage(message) {
      const post = message.body as Item;
      if (answered.has(post.id)) return;
      answered.add(post.id);
      await ctx.sleep(ctx.random.uniform(0, REPLY_THINK_MS_MAX));
      await ctx.request(
        message.from,
        { type: "reply", id: `reply-${post.id}`, inReplyTo: post.id, context: post.stamps },
        { timeoutMs: REQUEST_TIMEOUT_MS },
      );
    },
  };
};

export interface Inversions {
  wall: number;
  vector: number;
  hlc: number;
  /** How far before its post the worst reply was stamped by the wall clock, in ms. */
  wallWorstMs: number;
  replies: number;
}

/** Replies whose stamp does not order them after the post they answer, per kind of stamp. */
export function countInversions(items: Iterable<Item>): Inversions {
  const byId = new Map<string, Item>();
  for (const item of items) byId.set(item.id, item);
  const result: Inversions = { wall: 0, vector: 0, hlc: 0, wallWorstMs: 0, replies: 0 };
  for (const reply of byId.values()) {
    if (reply.kind !== "reply") continue;
    const post = byId.get(reply.inReplyTo!)!;
    result.replies++;
    const aheadMicros = post.stamps.wallMicros - reply.stamps.wallMicros;
    if (aheadMicros >= 0) {
      result.wall++;
      result.wallWorstMs = Math.max(result.wallWorstMs, aheadMicros / 1000);
    }
    const p = VectorClock.decode(post.stamps.vector);
    if (!p.happenedBefore(VectorClock.decode(reply.stamps.vector))) result.vector++;
    if (compareHlc(post.stamps.hlc, reply.stamps.hlc) >= 0) result.hlc++;
  }
  return result;
}

async function runForum(options: RunSeedOptions) {
  const stored = new Map<string, Item>();
  const nodes: Record<string, NodeFactory> = { alice, bob };
  for (const id of SERVERS) nodes[id] = server(stored);
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    clocks: { driftPpmMax: 50, initialOffsetMsMax: 35, ntp: { intervalMs: 64_000, errorMs: 35 } },
    ...(options.trace?.("forum") ? { trace: options.trace("forum")! } : {}),
  });
  let skewMaxMs = 0;
  for (let t = 0; t <= 1_000; t += 100) {
    sim.at(t, () => {
      const offsets = SERVERS.map((id) => sim.clockOf(id).offsetMicros(sim.now));
      skewMaxMs = Math.max(skewMaxMs, (Math.max(...offsets) - Math.min(...offsets)) / 1000);
    });
  }
  const result = await sim.run({ untilMs: 10_000 });
  return {
    ...countInversions(stored.values()),
    skewMaxMs,
    hash: result.traceHash,
    events: result.events,
  };
}

export const effectBeforeCause: Scenario = {
  name: "effect-before-cause",
  title: "Effect before cause: a reply stamped before the post it answers",
  claim:
    "It is tempting, but dangerous, to rely on clocks for ordering events across nodes: with " +
    "skewed clocks an event that causally depends on another can carry the earlier timestamp. " +
    "Logical clocks (version vectors, hybrid logical clocks) capture which event happened first.",
  variants: [
    {
      name: "unsafe",
      description: "timeline ordered by each server's wall clock (NTP on a LAN)",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "timeline ordered by vector clocks (and HLC, which must agree)",
      expectViolations: false,
    },
  ],
  properties: ["reply-after-post"],
  figures: [
    { name: "replies", kind: "sum", description: "replies" },
    {
      name: "wall-inversions",
      kind: "sum",
      description: "replies stamped before their post (wall)",
    },
    {
      name: "wall-worst-ms",
      kind: "max",
      unit: "ms",
      description: "furthest a reply was stamped before its post",
    },
    {
      name: "vector-inversions",
      kind: "sum",
      description: "replies not after their post (vector)",
    },
    { name: "hlc-inversions", kind: "sum", description: "replies not after their post (HLC)" },
    {
      name: "server-skew-max-ms",
      kind: "mean",
      unit: "ms",
      description: "largest skew between servers, mean",
    },
  ],
  keyFigures: ["wall-inversions", "hlc-inversions"],
  tourSeeds: 1000,
  async run(options): Promise<SeedOutcome> {
    const r = await runForum(options);
    const inverted = options.variant === "safe" ? r.vector + r.hlc : r.wall;
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { "reply-after-post": inverted > 0 ? "violated" : "held" },
      figures: {
        replies: r.replies,
        "wall-inversions": r.wall,
        "wall-worst-ms": r.wallWorstMs,
        "vector-inversions": r.vector,
        "hlc-inversions": r.hlc,
        "server-skew-max-ms": r.skewMaxMs,
      },
      traceHash: combineHashes([r.hash]),
      events: r.events,
    };
  },
};
