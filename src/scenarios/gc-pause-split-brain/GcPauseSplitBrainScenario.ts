// The chapter's process-pause story. Three candidates elect a leader through a single lock service:
// whoever holds its lease leads. The leader renews (heartbeats) every 10 s; the lease times out
// 20 s after the last renewal. The leader's workers each check the lease, prepare a write for a
// while, and send it to storage. Then a stop-the-world pause of about 15 s freezes the leader,
// usually between a check and the write it guards. If the pause outlasts the lease, the lock
// service hands leadership to another candidate, which starts writing; the old leader wakes, has
// no idea time passed, and sends the writes it prepared before the pause — as leader.
//
// Unsafe: a single lock server, and storage accepts every write, so writes made under the older
// grant land after writes under the newer one (the fencing check over storage's history finds
// them). Safe: the lock service is the Raft cluster's (src/systems/raft, three servers), whose
// grants carry fencing tokens — the log index of the grant, so they increase across leader
// changes and crashes too — every write carries its token, and storage is a FencedStore that
// refuses a token lower than one it has accepted.

import { TimeoutError } from "../../core/errors.js";
import { Rng } from "../../core/Rng.js";
import { FencingTokenIssuer } from "../../primitives/FencingTokenIssuer.js";
import { Lease } from "../../primitives/Lease.js";
import { LeaseTable, type LeaseGrant } from "../../primitives/LeaseTable.js";
import { LeaseExpiredError, LeaseHeldError } from "../../primitives/errors.js";
import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import { RaftClient, type LockGrant } from "../../systems/raft/RaftClient.js";
import { raftServer } from "../../systems/raft/RaftServer.js";
import { Simulation } from "../../world/Simulation.js";
import { fencedStorageNode } from "./FencedStorageNode.js";
import { checkFencing, type FencedWrite } from "./FencedWriteLog.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

const HEARTBEAT_MS = 10_000;
const LEASE_TIMEOUT_MS = 20_000;
const POLL_MS = 1_000;
const WORKERS = 2;
const RESOURCE = "leader-state";
const RAFT_SERVERS = ["r1", "r2", "r3"];

/** What the scenario observes from outside the nodes (never read by node code to decide). */
interface World {
  writes: FencedWrite[];
  /** Each grant a candidate won: token, holder, virtual time (µs). */
  grants: { token: number; holder: string; atMicros: number }[];
  errors: unknown[];
  now: () => number;
}

type LockRequest =
  { type: "acquire"; holder: string } | { type: "renew"; holder: string; token: number };

/** The unsafe variant's single lock server: a lease table whose grants carry fencing tokens. */
function lockService(world: World): NodeFactory {
  return (ctx) => {
    const table = new LeaseTable({ clock: ctx.clock, issuer: new FencingTokenIssuer() });
    return {
      onMessage(m) {
        const body = m.body as LockRequest;
        try {
          const grant =
            body.type === "acquire"
              ? table.acquire(RESOURCE, body.holder, LEASE_TIMEOUT_MS)
              : table.renew(RESOURCE, body.holder, body.token, LEASE_TIMEOUT_MS);
          if (!world.grants.some((g) => g.token === grant.token))
            world.grants.push({ token: grant.token, holder: grant.holder, atMicros: world.now() });
          ctx.reply(m, { grant });
        } catch (error) {
          if (!(error instanceof LeaseHeldError) && !(error instanceof LeaseExpiredError))
            throw error;
          ctx.reply(m, {});
        }
      },
    };
  };
}

/** How a candidate talks to its lock service: take the lease, or renew the one it holds. */
interface LeaderLock {
  acquire(): Promise<Lease | undefined>;
  renew(held: Lease): Promise<Lease | undefined>;
}

/** The single lock server of the unsafe variant, over request/reply. */
function singleServerLock(ctx: NodeContext): LeaderLock {
  async function lockRequest(body: LockRequest): Promise<LeaseGrant | undefined> {
    try {
      const reply = await ctx.request<{ grant?: LeaseGrant }>("lock", body, { timeoutMs: 1_000 });
      return reply.grant;
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      return undefined;
    }
  }
  return {
    async acquire() {
      const sentAt = ctx.clock.monotonicMs();
      const grant = await lockRequest({ type: "acquire", holder: ctx.id });
      return grant && new Lease({ clock: ctx.clock, grant, requestSentAtMs: sentAt });
    },
    async renew(held) {
      const sentAt = ctx.clock.monotonicMs();
      const grant = await lockRequest({ type: "renew", holder: ctx.id, token: held.token });
      return grant && held.renewed(grant, sentAt);
    },
  };
}

/** The safe variant's lock service: a lease of the Raft cluster, whose token is its log index. */
function raftLock(ctx: NodeContext): LeaderLock {
  const client = new RaftClient(ctx, { servers: RAFT_SERVERS, driftPpm: 200 });
  const grants = new Map<Lease, LockGrant>();
  const keep = (grant: LockGrant) => (grants.set(grant.lease, grant), grant.lease);
  return {
    async acquire() {
      const outcome = await client.acquire(RESOURCE, LEASE_TIMEOUT_MS);
      if (outcome.status !== "ok" || !("token" in outcome.result)) return undefined;
      return keep(outcome.result);
    },
    async renew(held) {
      const grant = grants.get(held)!;
      grants.delete(held);
      const outcome = await client.renew(grant, LEASE_TIMEOUT_MS);
      if (outcome.status !== "ok" || outcome.result === undefined) {
        grants.set(held, grant);
        return undefined;
      }
      return keep(outcome.result);
    },
  };
}

/**
 * A candidate: polls the lock service until it wins the lease, then leads — renewing every 10 s
 * and running workers that check the lease, prepare a write (0.3–0.9 s of work) and send it.
 */
function candidate(
  world: World,
  startDelayMs: number,
  lockOf: (ctx: NodeContext) => LeaderLock,
): NodeFactory {
  return (ctx) => {
    let lease: Lease | undefined;
    let seq = 0;
    const fail = (error: unknown) => void world.errors.push(error);
    const lock = lockOf(ctx);

    async function heartbeat(held: Lease): Promise<void> {
      for (let current = held; lease === current;) {
        await ctx.sleep(HEARTBEAT_MS);
        if (lease !== current) return;
        const renewed = await lock.renew(current);
        if (lease !== current) return;
        if (renewed === undefined) {
          if (!current.isValid()) lease = undefined; // lost it: step down
          continue;
        }
        lease = current = renewed;
      }
    }

    async function worker(): Promise<void> {
      while (lease !== undefined && lease.isValid()) {
        const token = lease.token;
        // Prepare the write. A pause that lands here is invisible to this code: when it resumes,
        // it sends the write it prepared under a lease that may have expired long ago.
        await ctx.sleep(ctx.random.uniform(300, 900));
        const value = `${ctx.id}#${seq++}`;
        try {
          await ctx.request("storage", { writer: ctx.id, token, value }, { timeoutMs: 1_000 });
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
        }
      }
      if (lease !== undefined && !lease.isValid()) lease = undefined;
    }

    return {
      async onStart() {
        await ctx.sleep(startDelayMs);
        for (;;) {
          if (lease === undefined) {
            const won = await lock.acquire();
            if (won !== undefined && lease === undefined) {
              lease = won;
              // The single lock server records its grants itself; the Raft service's are
              // recorded here, when the candidate learns it won.
              if (lockOf === raftLock) {
                world.grants.push({ token: won.token, holder: ctx.id, atMicros: world.now() });
              }
              heartbeat(won).catch(fail);
              for (let w = 0; w < WORKERS; w++) worker().catch(fail);
            }
          }
          await ctx.sleep(POLL_MS * ctx.random.uniform(0.8, 1.2));
        }
      },
    };
  };
}

export interface GcPauseSeedResult {
  staleAttempted: number;
  staleAccepted: number;
  staleRejected: number;
  fencingHeld: boolean;
  /** A newer grant was issued while the old leader was paused. */
  splitBrain: boolean;
  pauseMs: number;
  traceHash: string;
  events: number;
}

export async function runGcPauseWorld(
  options: RunSeedOptions,
  fenced: boolean,
): Promise<GcPauseSeedResult> {
  const rng = Rng.fromSeed(options.seed).derive("gc-pause-split-brain");
  // Vary the pause a little per seed: it starts 2–9.5 s after the leader's second heartbeat
  // (renewal at ~10 s), and lasts 14–16 s. It outlasts the 20 s lease only when it starts late.
  const pauseAtMs = rng.uniform(12_000, 19_500);
  const pauseMs = rng.uniform(14_000, 16_000);
  const medianMs = rng.uniform(1, 4);
  const world: World = { writes: [], grants: [], errors: [], now: () => 0 };
  const label = fenced ? "fenced" : "unfenced";
  // Unsafe: one lock server. Safe: the Raft lock service, replicated on three servers.
  const lockNodes: Record<string, NodeFactory> = fenced
    ? Object.fromEntries(RAFT_SERVERS.map((id) => [id, raftServer({ servers: RAFT_SERVERS })]))
    : { lock: lockService(world) };
  const lockOf = fenced ? raftLock : singleServerLock;
  const sim = new Simulation({
    seed: options.seed,
    nodes: {
      ...lockNodes,
      storage: fencedStorageNode(world.writes, () => world.now(), fenced),
      n1: candidate(world, 0, lockOf),
      n2: candidate(world, 1_000 + rng.uniform(0, 500), lockOf),
      n3: candidate(world, 1_000 + rng.uniform(0, 500), lockOf),
    },
    network: { latency: { kind: "lognormal", medianMs, sigma: 0.6, maxMs: 200 } },
    clocks: { driftPpmMax: 50 },
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  world.now = () => sim.now;
  let pausedLeader: string | undefined;
  sim.at(pauseAtMs, () => {
    // Pause whoever leads now: the holder of the newest grant.
    pausedLeader = world.grants[world.grants.length - 1]?.holder;
    if (pausedLeader !== undefined)
      sim.inject({ atMs: pauseAtMs, kind: "pause", node: pausedLeader, durationMs: pauseMs });
  });
  const result = await sim.run({ untilMs: pauseAtMs + pauseMs + 5_000 });
  if (world.errors.length > 0) throw world.errors[0];
  const pauseFrom = pauseAtMs * 1000;
  const pauseTo = (pauseAtMs + pauseMs) * 1000;
  const splitBrain = world.grants.some(
    (g) => g.holder !== pausedLeader && g.atMicros >= pauseFrom && g.atMicros < pauseTo,
  );
  const check = checkFencing(world.writes);
  return {
    staleAttempted: check.staleAttempted,
    staleAccepted: check.staleAccepted,
    staleRejected: check.staleRejected,
    fencingHeld: check.held,
    splitBrain,
    pauseMs,
    traceHash: result.traceHash,
    events: result.events,
  };
}

export const gcPauseSplitBrain: Scenario = {
  name: "gc-pause-split-brain",
  title: "A leader paused for 15 s wakes up still believing it leads",
  claim:
    "A node may be paused — by a stop-the-world garbage collector, say — long enough for its lease " +
    "to expire and for another node to take over; when it resumes it does not know it was paused " +
    "and carries on as leader. Fencing tokens checked by the storage service stop its writes.",
  variants: [
    {
      name: "unsafe",
      description: "leader lease only; storage accepts every write",
      expectViolations: true,
    },
    {
      name: "safe",
      description:
        "the Raft lock service's lease; writes carry its fencing token; storage is a FencedStore",
      expectViolations: false,
    },
  ],
  properties: ["fencing"],
  figures: [
    {
      name: "split-brain",
      kind: "rate",
      description: "seeds where a new leader was elected during the pause",
    },
    { name: "stale-attempted", kind: "sum", description: "stale writes attempted" },
    { name: "stale-accepted", kind: "sum", description: "stale writes accepted" },
    { name: "stale-rejected", kind: "sum", description: "stale writes rejected" },
    { name: "pause-ms", kind: "mean", unit: "ms", description: "length of the pause" },
  ],
  tourSeeds: 1000,
  keyFigures: ["stale-accepted", "stale-rejected"],
  async run(options): Promise<SeedOutcome> {
    const r = await runGcPauseWorld(options, options.variant === "safe");
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { fencing: r.fencingHeld ? "held" : "violated" },
      figures: {
        "split-brain": r.splitBrain ? 1 : 0,
        "stale-attempted": r.staleAttempted,
        "stale-accepted": r.staleAccepted,
        "stale-rejected": r.staleRejected,
        "pause-ms": r.pauseMs,
      },
      traceHash: combineHashes([r.traceHash]),
      events: r.events,
    };
  },
};
