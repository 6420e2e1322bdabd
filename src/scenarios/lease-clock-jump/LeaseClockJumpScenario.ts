// A lease checked against the wall clock. Two clients take turns holding a 5 s lease from a lock
// service; while a client holds it, it checks the lease, works for 0.1–0.3 s and writes to
// storage, again and again until the lease runs out. The grant says when it expires as a
// wall-clock time of the lock service (the chapter's `lease.expiryTimeMillis`), and the holder
// compares that with its own wall clock. Then a bad NTP sync steps the holder's clock back by
// 1–6 s (a later sync, 6–9 s on, steps it forward again): the holder now believes its lease has
// that much time left, while the lock service has long since granted the lease to the other
// client. Two holders act at once.
//
// Three variants. unsafe: the wall-clock check, storage accepts every write. monotonic: the
// holder measures the lease on its monotonic clock from when it asked (the `Lease` primitive),
// which a step cannot move — the overlap shrinks to the gap between checking and acting, but does
// not vanish. safe: the monotonic lease plus fencing tokens and a FencedStore: whatever overlap is
// left, no write from an older grant is accepted after a newer one.

import { TimeoutError } from "../../core/errors.js";
import { Rng } from "../../core/Rng.js";
import { FencingTokenIssuer } from "../../primitives/FencingTokenIssuer.js";
import { Lease } from "../../primitives/Lease.js";
import { LeaseTable, type LeaseGrant } from "../../primitives/LeaseTable.js";
import { LeaseHeldError } from "../../primitives/errors.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { Simulation } from "../../world/Simulation.js";
import { fencedStorageNode } from "../gc-pause-split-brain/FencedStorageNode.js";
import {
  checkFencing,
  overlapMs,
  type FencedWrite,
} from "../gc-pause-split-brain/FencedWriteLog.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

const LEASE_MS = 5_000;
const POLL_MS = 500;
const RUN_MS = 25_000;
const RESOURCE = "file";

export type LeaseCheck = "wall" | "monotonic";

interface World {
  writes: FencedWrite[];
  holder: string | undefined;
  errors: unknown[];
  now: () => number;
}

interface WallGrant extends LeaseGrant {
  /** The lock service's wall-clock time at which the lease ends. */
  expiresAtWallMs: number;
}

function lockService(world: World): NodeFactory {
  return (ctx) => {
    const table = new LeaseTable({ clock: ctx.clock, issuer: new FencingTokenIssuer() });
    return {
      onMessage(m) {
        const holder = (m.body as { holder: string }).holder;
        try {
          const grant = table.acquire(RESOURCE, holder, LEASE_MS);
          world.holder = holder;
          ctx.reply(m, {
            grant: { ...grant, expiresAtWallMs: ctx.clock.wallMs() + LEASE_MS },
          } satisfies { grant: WallGrant });
        } catch (error) {
          if (!(error instanceof LeaseHeldError)) throw error;
          ctx.reply(m, {});
        }
      },
    };
  };
}

/** A client: acquires the lease, then checks-works-writes until its check says the lease ended. */
function client(world: World, check: LeaseCheck, startDelayMs: number): NodeFactory {
  return (ctx) => {
    let seq = 0;
    const stillHeld = (grant: WallGrant, lease: Lease) =>
      check === "wall" ? grant.expiresAtWallMs - ctx.clock.wallMs() > 0 : lease.isValid();
    return {
      async onStart() {
        await ctx.sleep(startDelayMs);
        for (;;) {
          const sentAt = ctx.clock.monotonicMs();
          let grant: WallGrant | undefined;
          try {
            const reply = await ctx.request<{ grant?: WallGrant }>(
              "lock",
              { holder: ctx.id },
              { timeoutMs: 1_000 },
            );
            grant = reply.grant;
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
          }
          if (grant !== undefined) {
            const lease = new Lease({ clock: ctx.clock, grant, requestSentAtMs: sentAt });
            while (stillHeld(grant, lease)) {
              await ctx.sleep(ctx.random.uniform(100, 300)); // the work between check and write
              try {
                await ctx.request(
                  "storage",
                  { writer: ctx.id, token: grant.token, value: `${ctx.id}#${seq++}` },
                  { timeoutMs: 1_000 },
                );
              } catch (error) {
                if (!(error instanceof TimeoutError)) throw error;
              }
            }
          }
          await ctx.sleep(POLL_MS * ctx.random.uniform(0.5, 1.5));
        }
      },
    };
  };
}

export interface LeaseJumpResult {
  fencingHeld: boolean;
  overlapMs: number;
  corrupted: number;
  staleRejected: number;
  jumpMs: number;
  traceHash: string;
  events: number;
}

export async function runLeaseJumpWorld(
  options: RunSeedOptions,
  check: LeaseCheck,
  fenced: boolean,
): Promise<LeaseJumpResult> {
  const rng = Rng.fromSeed(options.seed).derive("lease-clock-jump");
  const jumpAtMs = rng.uniform(2_000, 15_000);
  const jumpMs = -rng.uniform(1_000, 6_000);
  const medianMs = rng.uniform(1, 4);
  const world: World = { writes: [], holder: undefined, errors: [], now: () => 0 };
  const label = `${check}${fenced ? "+fencing" : ""}`;
  const sim = new Simulation({
    seed: options.seed,
    nodes: {
      lock: lockService(world),
      storage: fencedStorageNode(world.writes, () => world.now(), fenced),
      c1: client(world, check, 0),
      c2: client(world, check, rng.uniform(0, 200)),
    },
    network: { latency: { kind: "lognormal", medianMs, sigma: 0.6, maxMs: 200 } },
    // Clocks that NTP keeps within tens of ms of each other, drifting a little.
    clocks: { driftPpmMax: 50, initialOffsetMsMax: 30 },
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  world.now = () => sim.now;
  // A bad NTP sync steps the current holder's clock back; a later sync steps it forward again.
  const fixAtMs = jumpAtMs + rng.uniform(6_000, 9_000);
  sim.at(jumpAtMs, () => {
    const jumped = world.holder;
    if (jumped === undefined) return;
    sim.inject({ atMs: jumpAtMs, kind: "clock-jump", node: jumped, deltaMs: jumpMs });
    sim.at(fixAtMs, () =>
      sim.inject({ atMs: fixAtMs, kind: "clock-jump", node: jumped, deltaMs: -jumpMs }),
    );
  });
  const result = await sim.run({ untilMs: RUN_MS });
  if (world.errors.length > 0) throw world.errors[0];
  const fencing = checkFencing(world.writes);
  return {
    fencingHeld: fencing.held,
    overlapMs: overlapMs(world.writes),
    corrupted: fencing.staleAccepted,
    staleRejected: fencing.staleRejected,
    jumpMs,
    traceHash: result.traceHash,
    events: result.events,
  };
}

const VARIANTS: Record<string, { check: LeaseCheck; fenced: boolean }> = {
  unsafe: { check: "wall", fenced: false },
  monotonic: { check: "monotonic", fenced: false },
  safe: { check: "monotonic", fenced: true },
};

export const leaseClockJump: Scenario = {
  name: "lease-clock-jump",
  title: "A lease checked against a wall clock that NTP steps back",
  claim:
    "A lease whose expiry is compared with the local time-of-day clock relies on synchronized " +
    "clocks: if the clock is stepped back, the holder believes its lease is still valid after it " +
    "has expired and another node holds it. A monotonic clock narrows the window; only fencing " +
    "tokens make the storage safe.",
  variants: [
    {
      name: "unsafe",
      description: "expiry compared with the local wall clock; storage accepts every write",
      expectViolations: true,
    },
    {
      name: "monotonic",
      description: "Lease measured on the monotonic clock; storage still unfenced",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "monotonic Lease plus fencing tokens checked by a FencedStore",
      expectViolations: false,
    },
  ],
  properties: ["fencing"],
  figures: [
    {
      name: "overlap-ms",
      kind: "mean",
      unit: "ms",
      description: "two holders acting at once, per seed",
    },
    { name: "overlap-max-ms", kind: "max", unit: "ms", description: "longest overlap in a seed" },
    { name: "overlapping", kind: "rate", description: "seeds with any overlap" },
    { name: "corrupted", kind: "sum", description: "writes accepted from an older grant" },
    { name: "stale-rejected", kind: "sum", description: "stale writes rejected" },
    { name: "jump-ms", kind: "mean", unit: "ms", description: "clock step on the holder" },
  ],
  tourSeeds: 1000,
  keyFigures: ["overlap-ms", "corrupted"],
  async run(options): Promise<SeedOutcome> {
    const v = VARIANTS[options.variant]!;
    const r = await runLeaseJumpWorld(options, v.check, v.fenced);
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { fencing: r.fencingHeld ? "held" : "violated" },
      figures: {
        "overlap-ms": r.overlapMs,
        "overlap-max-ms": r.overlapMs,
        overlapping: r.overlapMs > 0 ? 1 : 0,
        corrupted: r.corrupted,
        "stale-rejected": r.staleRejected,
        "jump-ms": r.jumpMs,
      },
      traceHash: combineHashes([r.traceHash]),
      events: r.events,
    };
  },
};
