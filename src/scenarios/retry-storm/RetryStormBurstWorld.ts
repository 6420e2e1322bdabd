// The synchronised burst of the retry-storm scenario: the setup of AWS's "Exponential Backoff and
// Jitter". A hundred callers (20 in each of 5 application nodes) each want one answer; the server
// is down when they all try, within 10 ms of each other, and comes back after 200-500 ms with
// little capacity (100 calls/s, a burst of 2). Without jitter, callers that failed together retry
// together: each wave arrives within a few milliseconds, is mostly throttled, and comes back as the
// next wave. Jitter spreads the retries out, so most of them find a free slot: fewer calls, sooner
// done. There is no budget here (every caller keeps trying until it gets through): this world
// measures what jitter does, the stream world (RetryStormStreamWorld.ts) what a budget does.

import { TimeoutError } from "../../core/errors.js";
import { Rng } from "../../core/Rng.js";
import type { Timers } from "../../core/Clock.js";
import { retry } from "../../primitives/index.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { RunSeedOptions } from "../Scenario.js";
import { backoffFor, type RetryStormStrategy } from "./RetryStormStrategy.js";
import { ThrottledError } from "./RetryStormThrottledError.js";

export const RETRY_STORM_BURST_STRATEGIES = [
  "no-jitter",
  "full-jitter",
  "equal-jitter",
  "decorrelated-jitter",
] as const satisfies readonly RetryStormStrategy[];
export type RetryStormBurstStrategy = (typeof RETRY_STORM_BURST_STRATEGIES)[number];

const BURST_APPS = 5;
const BURST_WORKERS_PER_APP = 20;
const BURST_CLIENTS = BURST_APPS * BURST_WORKERS_PER_APP;
/** Workers start their one call uniformly within this window after the outage began. */
const BURST_START_SPREAD_MS = 10;
const BURST_CALL_TIMEOUT_MS = 200;
const BURST_BACKOFF = { baseMs: 10, capMs: 1_000 };
/** Enough that every caller eventually gets through. */
const BURST_MAX_ATTEMPTS = 60;
const BURST_OUTAGE_MS_MIN = 200;
const BURST_OUTAGE_MS_MAX = 500;
/** The recovering server admits this many calls per ms on average (cold caches, few threads)… */
const BURST_CAPACITY_PER_MS = 0.1;
/** …and at most this many at once (its token bucket's depth); the rest it throttles at once. */
const BURST_CAPACITY_DEPTH = 2;

interface BurstStats {
  calls: number;
  succeeded: number;
  lastResolvedMs: number;
}

/** The recovering server of the burst: a token bucket of BURST_CAPACITY_DEPTH tokens refilled at BURST_CAPACITY_PER_MS. */
function burstServer(): NodeFactory {
  return (ctx) => {
    // The server crashes at time zero, before any call arrives: its handlers run from the recovery on.
    let tokens = BURST_CAPACITY_DEPTH;
    let refilledAtMs = ctx.clock.monotonicMs();
    return {
      onMessage(message) {
        const nowMs = ctx.clock.monotonicMs();
        tokens = Math.min(
          BURST_CAPACITY_DEPTH,
          tokens + (nowMs - refilledAtMs) * BURST_CAPACITY_PER_MS,
        );
        refilledAtMs = nowMs;
        if (tokens >= 1) {
          tokens -= 1;
          ctx.reply(message, { ok: true });
        } else {
          ctx.reply(message, { ok: false });
        }
      },
    };
  };
}

function burstApp(stats: BurstStats, strategy: RetryStormBurstStrategy): NodeFactory {
  return (ctx) => {
    const backoff = backoffFor(strategy, BURST_BACKOFF);
    const timers: Timers = {
      setTimer: (delayMs, callback) => ctx.setTimer(delayMs, callback),
      clearTimer: (id) => ctx.clearTimer(id),
      sleep: (delayMs) => ctx.sleep(delayMs),
    };
    const call = async () => {
      stats.calls++;
      const answer = await ctx.request<{ ok: boolean }>(
        "server",
        { type: "get" },
        { timeoutMs: BURST_CALL_TIMEOUT_MS },
      );
      if (!answer.ok) throw new ThrottledError();
    };
    const worker = async () => {
      try {
        await retry(call, {
          clock: ctx.clock,
          timers,
          random: ctx.random,
          maxAttempts: BURST_MAX_ATTEMPTS,
          backoff,
          idempotent: true,
        });
        stats.succeeded++;
      } catch (error) {
        if (!(error instanceof TimeoutError || error instanceof ThrottledError)) throw error;
      }
      stats.lastResolvedMs = ctx.clock.monotonicMs();
    };
    return {
      onStart() {
        for (let w = 0; w < BURST_WORKERS_PER_APP; w++) {
          ctx.setTimer(ctx.random.uniform(0, BURST_START_SPREAD_MS), worker);
        }
      },
    };
  };
}

export interface RetryStormBurstWorld {
  calls: number;
  /** From the start of the outage until every caller succeeded or gave up, in ms. */
  completionMs: number;
  /** Callers that got an answer, of all. */
  success: number;
  hash: string;
  events: number;
}

export async function runRetryStormBurstWorld(
  options: RunSeedOptions,
  strategy: RetryStormBurstStrategy,
): Promise<RetryStormBurstWorld> {
  const outageMs = Math.round(
    new Rng(options.seed, "retry-storm/burst-outage").uniform(
      BURST_OUTAGE_MS_MIN,
      BURST_OUTAGE_MS_MAX,
    ),
  );
  const stats: BurstStats = { calls: 0, succeeded: 0, lastResolvedMs: 0 };
  const nodes: Record<string, NodeFactory> = { server: burstServer() };
  for (let a = 0; a < BURST_APPS; a++) nodes[`app${a}`] = burstApp(stats, strategy);
  const label = `burst/${strategy}`;
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    faults: [{ atMs: 0, kind: "crash", node: "server", recoverAfterMs: outageMs }],
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  const result = await sim.run();
  return {
    calls: stats.calls,
    completionMs: stats.lastResolvedMs,
    success: stats.succeeded / BURST_CLIENTS,
    hash: result.traceHash,
    events: result.events,
  };
}

/** The report's line on the burst's setup, over `seeds` seeds. */
export function describeBurstWorld(seeds: number): string {
  return (
    `Burst: ${BURST_CLIENTS} callers in ${BURST_APPS} processes each want one answer, all within ${BURST_START_SPREAD_MS} ms of a crash; ` +
    `server down ${BURST_OUTAGE_MS_MIN}-${BURST_OUTAGE_MS_MAX} ms, then ${BURST_CAPACITY_PER_MS * 1000} calls/s; up to ${BURST_MAX_ATTEMPTS} attempts, no budget; means over ${seeds} seeds:`
  );
}
