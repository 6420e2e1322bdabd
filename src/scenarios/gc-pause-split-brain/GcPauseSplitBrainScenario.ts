// The chapter's process-pause story. Three candidates elect a leader through a single lock service:
// whoever holds its lease leads. The leader renews (heartbeats) every 10 s; the lease times out
// 20 s after the last renewal. The leader's workers each check the lease, prepare a write for a
// while, and send it to storage. Then a stop-the-world pause of about 15 s freezes the leader,
// usually between a check and the write it guards. If the pause outlasts the lease, the lock
// service hands leadership to another candidate, which starts writing; the old leader wakes, has
// no idea time passed, and sends the writes it prepared before the pause — as leader.
//
// Unsafe: storage accepts every write, so writes made under the older grant land after writes
// under the newer one (the fencing check over storage's history finds them). Safe: the lock
// service's grants carry fencing tokens (FencingTokenIssuer), every write carries its token, and
// storage is a FencedStore that refuses a token lower than one it has accepted.

import { TimeoutError } from "../../core/errors.js";
import { Rng } from "../../core/Rng.js";
import { FencingTokenIssuer } from "../../primitives/FencingTokenIssuer.js";
import { Lease } from "../../primitives/Lease.js";
import { LeaseTable, type LeaseGrant } from "../../primitives/LeaseTable.js";
import { LeaseExpiredError, LeaseHeldError } from "../../primitives/errors.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
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

/** What the scenario observes from outside the nodes (never read by node code to decide). */
interface World {
  writes: FencedWrite[];
  /** Each grant the lock service issued: token, holder, virtual time (µs). */
  grants: { token: number; holder: string; atMicros: number }[];
  errors: unknown[];
  now: () => number;
}

type LockRequest =
  { type: "acquire"; holder: string } | { type: "renew"; holder: string; token: number };

/** The single in-simulation lock service: a lease table whose grants carry fencing tokens. */
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

/**
 * A candidate: polls the lock service until it wins the lease, then leads — renewing every 10 s
 * and running workers that check the lease, prepare a write (0.3–0.9 s of work) and send it.
 */
function candidate(world: World, startDelayMs: number): NodeFactory {
  return (ctx) => {
    let lease: Lease | undefined;
    let seq = 0;
    const fail = (error: unknown) => void world.errors.push(error);

    async function lockRequest(body: LockRequest): Promise<LeaseGrant | undefined> {
      try {
        const reply = await ctx.request<{ grant?: LeaseGrant }>("lock", body, {
          timeoutMs: 1_000,
        });
        return reply.grant;
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        return undefined;
      }
    }

    async function heartbeat(held: Lease): Promise<void> {
      for (let current = held; lease === current;) {
        await ctx.sleep(HEARTBEAT_MS);
        if (lease !== current) return;
        const sentAt = ctx.clock.monotonicMs();
        const grant = await lockRequest({
          type: "renew",
          holder: ctx.id,
          token: current.token,
        });
        if (lease !== current) return;
        if (grant === undefined) {
          if (!current.isValid()) lease = undefined; // lost it: step down
          continue;
        }
        lease = current = current.renewed(grant, sentAt);
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
            const sentAt = ctx.clock.monotonicMs();
            const grant = await lockRequest({ type: "acquire", holder: ctx.id });
            if (grant !== undefined && lease === undefined) {
              const won = new Lease({ clock: ctx.clock, grant, requestSentAtMs: sentAt });
              lease = won;
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
  const sim = new Simulation({
    seed: options.seed,
    nodes: {
      lock: lockService(world),
      storage: fencedStorageNode(world.writes, () => world.now(), fenced),
      n1: candidate(world, 0),
      n2: candidate(world, 1_000 + rng.uniform(0, 500)),
      n3: candidate(world, 1_000 + rng.uniform(0, 500)),
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
      description: "writes carry the lease's fencing token; storage is a FencedStore",
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
