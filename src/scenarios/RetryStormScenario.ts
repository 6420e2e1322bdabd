// A retry storm: a service goes down while a hundred callers want something from it, and comes
// back with less capacity than the callers' synchronised retries demand. Without jitter, callers
// that failed together retry together: each wave of retries arrives within a few milliseconds,
// exceeds the recovering server's rate, is mostly throttled, and comes back as the next wave —
// the server spends its recovery rejecting. Jitter spreads the retries out (the AWS Architecture
// Blog's "Exponential Backoff and Jitter" measured this); a retry budget shared by the callers of
// one application caps retries at a fraction of calls, bounding the load amplification near 1.1x
// at the price of failing fast during the outage.
//
// One seed runs one world per strategy, all with the same outage, so the table compares them on
// equal terms. The callers are 100 workers in 5 application nodes; each node shares one retry
// budget among its 20 workers, as an SDK client shares its retry quota among threads.

import { MurphyError, TimeoutError } from "../core/errors.js";
import { Rng, type Seed } from "../core/Rng.js";
import type { Timers } from "../core/Clock.js";
import {
  decorrelatedJitterBackoff,
  equalJitterBackoff,
  exponentialBackoff,
  fullJitterBackoff,
  RatioRetryBudget,
  retry,
  TokenBucketRetryBudget,
  type Backoff,
  type RetryBudget,
} from "../primitives/index.js";
import { Simulation } from "../sim/Simulation.js";
import type { NodeContext, NodeFactory } from "../sim/NodeApi.js";
import { combineHashes, type RunSeedOptions, type Scenario, type SeedOutcome } from "./Scenario.js";

export const RETRY_STORM_STRATEGIES = [
  "no-jitter",
  "full-jitter",
  "equal-jitter",
  "decorrelated-jitter",
  "full-jitter+token-bucket",
  "full-jitter+ratio-budget",
] as const;
export type RetryStormStrategy = (typeof RETRY_STORM_STRATEGIES)[number];

const APPS = 5;
const WORKERS_PER_APP = 20;
const CLIENTS = APPS * WORKERS_PER_APP;
/** Workers start their one call uniformly within this window after the outage began. */
const START_SPREAD_MS = 10;
const CALL_TIMEOUT_MS = 200;
const BACKOFF = { baseMs: 10, capMs: 1_000 };
/** Enough that, without a budget, every caller eventually gets through. */
const MAX_ATTEMPTS = 60;
const OUTAGE_MS_MIN = 200;
const OUTAGE_MS_MAX = 500;
/** The recovering server admits this many calls per ms on average (cold caches, few threads)… */
const CAPACITY_PER_MS = 0.1;
/** …and at most this many at once (its token bucket's depth). */
const CAPACITY_BURST = 2;
/** Offered load is counted in windows of this length… */
const LOAD_WINDOW_MS = 100;
/** …and a window is overloaded when more than this many calls arrive in it (2x capacity). */
const OVERLOADED_ABOVE = 2 * CAPACITY_PER_MS * LOAD_WINDOW_MS;
/** The property allows this much overloaded time after recovery (one window's worth of slack). */
const OVERLOAD_ALLOWED_MS = 2 * LOAD_WINDOW_MS;
/** The strategies whose worlds decide each variant's verdict. */
const VERDICT_STRATEGIES: Record<string, readonly RetryStormStrategy[]> = {
  unsafe: ["no-jitter"],
  safe: ["full-jitter+token-bucket", "full-jitter+ratio-budget"],
};

/** The recovering server's answer when it is over its rate: definitely not executed, retryable. */
class ThrottledError extends MurphyError {
  readonly code = "E_THROTTLED";
  readonly definite = true;
  readonly retryable = true;
  constructor() {
    super("the server throttled the call; it was not executed");
  }
}

function backoffFor(strategy: RetryStormStrategy): Backoff {
  switch (strategy) {
    case "no-jitter":
      return exponentialBackoff(BACKOFF);
    case "equal-jitter":
      return equalJitterBackoff(BACKOFF);
    case "decorrelated-jitter":
      return decorrelatedJitterBackoff(BACKOFF);
    default:
      return fullJitterBackoff(BACKOFF);
  }
}

function budgetFor(strategy: RetryStormStrategy, ctx: NodeContext): RetryBudget | undefined {
  switch (strategy) {
    case "full-jitter+token-bucket":
      // The AWS SDK's quota, scaled to 20 workers: two timeout retries' worth of tokens.
      return new TokenBucketRetryBudget({
        capacityTokens: 20,
        retryCostTokens: 5,
        timeoutRetryCostTokens: 10,
        successRefundTokens: 1,
      });
    case "full-jitter+ratio-budget":
      // The SRE book's 10% of calls, with no floor: these callers send few calls.
      return new RatioRetryBudget({
        clock: ctx.clock,
        maxRetryRatio: 0.1,
        windowMs: 10_000,
        minRetriesPerWindow: 0,
      });
    default:
      return undefined;
  }
}

interface WorldStats {
  calls: number;
  succeeded: number;
  resolved: number;
  lastResolvedMs: number;
  /** Calls that reached the server after it recovered, per load window since recovery. */
  arrivalsPerWindow: number[];
  throttled: number;
}

/** The server: a token bucket of CAPACITY_BURST tokens refilled at CAPACITY_PER_MS. */
function server(stats: WorldStats): NodeFactory {
  return (ctx) => {
    // The server crashed at time zero before it started, so this runs when it recovers.
    const recoveredAtMs = ctx.clock.monotonicMs();
    let tokens = CAPACITY_BURST;
    let refilledAtMs = ctx.clock.monotonicMs();
    return {
      onMessage(message) {
        const nowMs = ctx.clock.monotonicMs();
        const window = Math.floor((nowMs - recoveredAtMs) / LOAD_WINDOW_MS);
        stats.arrivalsPerWindow[window] = (stats.arrivalsPerWindow[window] ?? 0) + 1;
        tokens = Math.min(CAPACITY_BURST, tokens + (nowMs - refilledAtMs) * CAPACITY_PER_MS);
        refilledAtMs = nowMs;
        if (tokens >= 1) {
          tokens -= 1;
          ctx.reply(message, { ok: true });
        } else {
          stats.throttled++;
          ctx.reply(message, { ok: false });
        }
      },
    };
  };
}

function app(stats: WorldStats, strategy: RetryStormStrategy): NodeFactory {
  return (ctx) => {
    const budget = budgetFor(strategy, ctx);
    const backoff = backoffFor(strategy);
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
        { timeoutMs: CALL_TIMEOUT_MS },
      );
      if (!answer.ok) throw new ThrottledError();
    };
    const worker = async () => {
      try {
        await retry(call, {
          clock: ctx.clock,
          timers,
          random: ctx.random,
          maxAttempts: MAX_ATTEMPTS,
          backoff,
          idempotent: true,
          ...(budget === undefined ? {} : { budget }),
        });
        stats.succeeded++;
      } catch (error) {
        if (!(error instanceof TimeoutError || error instanceof ThrottledError)) throw error;
      }
      stats.resolved++;
      stats.lastResolvedMs = ctx.clock.monotonicMs();
    };
    return {
      onStart() {
        for (let w = 0; w < WORKERS_PER_APP; w++) {
          ctx.setTimer(ctx.random.uniform(0, START_SPREAD_MS), worker);
        }
      },
    };
  };
}

export interface RetryStormWorld {
  calls: number;
  succeeded: number;
  /** From the start of the outage until every caller succeeded or gave up, in ms. */
  completionMs: number;
  /** Calls per logical request. */
  amplification: number;
  /** Time after recovery during which more than twice the capacity arrived, in ms. */
  overloadedMs: number;
  throttled: number;
  hash: string;
  events: number;
}

export async function runRetryStormWorld(
  options: RunSeedOptions,
  strategy: RetryStormStrategy,
): Promise<RetryStormWorld> {
  const outageMs = outageOf(options.seed);
  const stats: WorldStats = {
    calls: 0,
    succeeded: 0,
    resolved: 0,
    lastResolvedMs: 0,
    arrivalsPerWindow: [],
    throttled: 0,
  };
  const nodes: Record<string, NodeFactory> = { server: server(stats) };
  for (let a = 0; a < APPS; a++) nodes[`app${a}`] = app(stats, strategy);
  const label = `strategy/${strategy}`;
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    faults: [{ atMs: 0, kind: "crash", node: "server", recoverAfterMs: outageMs }],
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  const result = await sim.run();
  let overloadedWindows = 0;
  for (const arrivals of stats.arrivalsPerWindow) {
    if ((arrivals ?? 0) > OVERLOADED_ABOVE) overloadedWindows++;
  }
  return {
    calls: stats.calls,
    succeeded: stats.succeeded,
    completionMs: stats.lastResolvedMs,
    amplification: stats.calls / CLIENTS,
    overloadedMs: overloadedWindows * LOAD_WINDOW_MS,
    throttled: stats.throttled,
    hash: result.traceHash,
    events: result.events,
  };
}

/** The outage length of a seed, shared by every strategy's world. */
function outageOf(seed: Seed): number {
  const rng = new Rng(seed, "retry-storm/outage");
  return Math.round(rng.uniform(OUTAGE_MS_MIN, OUTAGE_MS_MAX));
}

const FIGURES_PER_STRATEGY = [
  ["calls", "mean", "calls", "calls sent (first attempts and retries)"],
  ["completion", "mean", "ms", "time until every caller succeeded or gave up"],
  ["amplification", "mean", "x", "calls per logical request"],
  ["success", "rate", undefined, "callers that got an answer"],
  ["overloaded", "mean", "ms", "time after recovery with offered load > 2x capacity"],
] as const;

export const retryStorm: Scenario = {
  name: "retry-storm",
  title: "Retry storm: synchronised retries keep a recovering server overloaded",
  claim:
    "When a service recovers, clients that all failed at the same moment retry at the same " +
    "moments; without jitter the retries arrive in waves that overload it again. Jitter spreads " +
    "them out, and a retry budget bounds the extra load retries can add.",
  variants: [
    {
      name: "unsafe",
      description: "exponential backoff without jitter and without a budget",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "full jitter with a retry budget (token bucket, and 10% ratio)",
      expectViolations: false,
    },
  ],
  properties: ["no-overload-after-recovery"],
  figures: RETRY_STORM_STRATEGIES.flatMap((strategy) =>
    FIGURES_PER_STRATEGY.map(([name, kind, unit, description]) => ({
      name: `${strategy}.${name}`,
      kind,
      ...(unit === undefined ? {} : { unit }),
      description: `${strategy}: ${description}`,
    })),
  ),
  keyFigures: ["no-jitter.calls", "full-jitter.calls", "full-jitter+token-bucket.amplification"],
  tourSeeds: 200,
  async run(options): Promise<SeedOutcome> {
    const figures: Record<string, number> = {};
    const hashes: string[] = [];
    let events = 0;
    let overloaded = false;
    const verdictWorlds = VERDICT_STRATEGIES[options.variant] ?? [];
    for (const strategy of RETRY_STORM_STRATEGIES) {
      const w = await runRetryStormWorld(options, strategy);
      hashes.push(w.hash);
      events += w.events;
      figures[`${strategy}.calls`] = w.calls;
      figures[`${strategy}.completion`] = w.completionMs;
      figures[`${strategy}.amplification`] = w.amplification;
      figures[`${strategy}.success`] = w.succeeded / CLIENTS;
      figures[`${strategy}.overloaded`] = w.overloadedMs;
      if (verdictWorlds.includes(strategy) && w.overloadedMs > OVERLOAD_ALLOWED_MS)
        overloaded = true;
    }
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { "no-overload-after-recovery": overloaded ? "violated" : "held" },
      figures,
      traceHash: combineHashes(hashes),
      events,
    };
  },
  report(summaries) {
    const first = summaries[0];
    if (first === undefined) return [];
    const mean = (name: string) => {
      const f = first.figures[name];
      return f === undefined || f.count === 0 ? NaN : f.sum / f.count;
    };
    const lines = [
      `${CLIENTS} callers, one outage of ${OUTAGE_MS_MIN}-${OUTAGE_MS_MAX} ms, then ${CAPACITY_PER_MS * 1000} calls/s capacity; means over ${first.seeds} seeds:`,
      `  ${"strategy".padEnd(26)} ${"calls".padStart(7)} ${"completion".padStart(11)} ${"amplif.".padStart(8)} ${"success".padStart(8)} ${"overloaded".padStart(11)}`,
    ];
    for (const s of RETRY_STORM_STRATEGIES) {
      lines.push(
        `  ${s.padEnd(26)} ${mean(`${s}.calls`).toFixed(0).padStart(7)} ` +
          `${(mean(`${s}.completion`).toFixed(0) + " ms").padStart(11)} ` +
          `${(mean(`${s}.amplification`).toFixed(2) + "x").padStart(8)} ` +
          `${((mean(`${s}.success`) * 100).toFixed(0) + "%").padStart(8)} ` +
          `${(mean(`${s}.overloaded`).toFixed(0) + " ms").padStart(11)}`,
      );
    }
    const none = mean("no-jitter.calls");
    const full = mean("full-jitter.calls");
    lines.push(
      `  full jitter sends ${((full / none) * 100).toFixed(0)}% of the calls of no jitter; ` +
        `overloaded = offered load above 2x capacity per ${LOAD_WINDOW_MS} ms window after recovery`,
    );
    return lines;
  },
};
