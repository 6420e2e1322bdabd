// A retry storm, in two worlds that each show half of AWS's published result.
//
// The burst (what jitter does): a hundred callers that all failed at the same moment contend for a
// recovering server with little capacity. Without jitter, callers that failed together retry
// together, in waves that are mostly throttled; jitter spreads the retries out and cuts the calls
// by more than half. It decides no verdict; both variants run it, with the four backoffs.
//
// The stream (what a budget does, and the verdicts): a service crashes while a hundred callers
// keep sending it requests, and comes back with a capacity of 1,000 calls/s — half again the
// callers' normal load. Every request that failed during the outage still has retries left, and
// they arrive on top of the new requests: the recovering server's queue grows past the callers'
// timeout, so it works only on calls whose callers have already given up; those time out, are
// retried, and keep it there (a metastable failure). Jitter does not change that: the requests of
// a stream already fail at spread-out times, so there is nothing to de-synchronise, and each still
// makes up to three calls. A retry budget does: the AWS SDKs' token bucket (500 tokens, shared by
// a client process's callers) or the SRE book's 10% ratio caps retries at about a tenth of the
// calls, so the recovering server sees about 1.1x its normal load, stays under its capacity, and
// serves again at once.
//
// One seed runs the burst once per backoff, then the same stream outage and the same request
// times once per strategy: the unsafe variant the four strategies without a budget, the safe
// variant the two with one. The stream's callers are 100, 50 in each of 2 application nodes; each
// node shares one retry budget among its callers.

import { figureMean } from "./SweepSummary.js";
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
import { Simulation } from "../world/Simulation.js";
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

/** Client processes; each shares one retry budget among its callers, as an SDK client does. */
const APPS = 2;
const CALLERS_PER_APP = 50;
/** Each caller starts a new logical request every INTERVAL_MS_MIN..MAX ms, whatever happened to the last. */
const INTERVAL_MS_MIN = 100;
const INTERVAL_MS_MAX = 200;
/** New requests are started until this long after the recovery; then the world runs until every one is resolved. */
const ISSUE_AFTER_RECOVERY_MS = 1_500;
const CRASH_AT_MS = 200;
const OUTAGE_MS_MIN = 1_000;
const OUTAGE_MS_MAX = 2_000;
const CALL_TIMEOUT_MS = 250;
/** The AWS SDKs' standard mode: three attempts in all. */
const MAX_ATTEMPTS = 3;
const BACKOFF = { baseMs: 50, capMs: 1_000 };
/** The server works through one call per SERVICE_MS in arrival order: 1,000 calls/s. */
const SERVICE_MS = 1;
const CAPACITY_PER_MS = 1 / SERVICE_MS;
/** It throttles a call at once (a definite, retryable error) when its queue holds this much work. */
const QUEUE_LIMIT_MS = 1_000;
/** Offered load is counted in windows of this length, from the recovery on… */
const LOAD_WINDOW_MS = 100;
/** …and a window is over capacity when more calls arrive in it than the server can work through. */
const OVER_CAPACITY_ABOVE = CAPACITY_PER_MS * LOAD_WINDOW_MS;
/** no-overload-after-recovery: back under capacity within this long after the recovery. */
const OVERLOAD_ALLOWED_MS = 500;
/** served-after-recovery: at least this fraction of the requests started after the recovery succeed. */
const SERVED_AT_LEAST = 0.95;
/** The strategies each variant runs: the unsafe one the four without a budget, the safe one the two with. */
const VARIANT_STRATEGIES: Record<string, readonly RetryStormStrategy[]> = {
  unsafe: ["no-jitter", "full-jitter", "equal-jitter", "decorrelated-jitter"],
  safe: ["full-jitter+token-bucket", "full-jitter+ratio-budget"],
};
/** The strategies whose worlds decide each variant's verdict (and its `rule.*` figures). */
const VERDICT_STRATEGIES: Record<string, readonly RetryStormStrategy[]> = {
  unsafe: ["no-jitter"],
  safe: ["full-jitter+token-bucket", "full-jitter+ratio-budget"],
};

/** The server's answer when its queue is full: definitely not executed, retryable. */
class ThrottledError extends MurphyError {
  readonly code = "E_THROTTLED";
  readonly definite = true;
  readonly retryable = true;
  constructor() {
    super("the server throttled the call; it was not executed");
  }
}

function backoffFor(
  strategy: RetryStormStrategy,
  params: { baseMs: number; capMs: number } = BACKOFF,
): Backoff {
  switch (strategy) {
    case "no-jitter":
      return exponentialBackoff(params);
    case "equal-jitter":
      return equalJitterBackoff(params);
    case "decorrelated-jitter":
      return decorrelatedJitterBackoff(params);
    default:
      return fullJitterBackoff(params);
  }
}

function budgetFor(strategy: RetryStormStrategy, ctx: NodeContext): RetryBudget | undefined {
  switch (strategy) {
    case "full-jitter+token-bucket":
      // The AWS SDKs' retry quota with its defaults: 500 tokens, a retry costs 5 (10 after a
      // timeout), a success refunds 1.
      return new TokenBucketRetryBudget();
    case "full-jitter+ratio-budget":
      // The SRE book's per-client budget: retries at most 10% of the calls of the last 10 s
      // (with Finagle's floor of 10 retries per window).
      return new RatioRetryBudget({ clock: ctx.clock, maxRetryRatio: 0.1, windowMs: 10_000 });
    default:
      return undefined;
  }
}

interface WorldStats {
  recoveredAtMs: number;
  calls: number;
  /** Calls sent while the server was down. */
  outageCalls: number;
  requests: number;
  succeeded: number;
  /** Requests started while the server was down. */
  outageRequests: number;
  /** Requests started after the recovery, and how many of them succeeded. */
  laterRequests: number;
  laterSucceeded: number;
  laterLatencyMsSum: number;
  /** When the last request started before the recovery was resolved. */
  backlogResolvedMs: number;
  /** Calls that reached the server after it recovered, per load window since recovery. */
  arrivalsPerWindow: number[];
  throttled: number;
}

/** The server: a FIFO queue worked through at one call per SERVICE_MS, throttling when full. */
function server(stats: WorldStats): NodeFactory {
  return (ctx) => {
    let freeAtMs = ctx.clock.monotonicMs();
    return {
      onMessage(message) {
        const nowMs = ctx.clock.monotonicMs();
        if (ctx.incarnation > 0) {
          const window = Math.floor((nowMs - stats.recoveredAtMs) / LOAD_WINDOW_MS);
          stats.arrivalsPerWindow[window] = (stats.arrivalsPerWindow[window] ?? 0) + 1;
        }
        const startMs = Math.max(nowMs, freeAtMs);
        if (startMs - nowMs >= QUEUE_LIMIT_MS) {
          stats.throttled++;
          ctx.reply(message, { ok: false });
          return;
        }
        freeAtMs = startMs + SERVICE_MS;
        // The work is done whether or not the caller is still waiting for it.
        ctx.setTimer(freeAtMs - nowMs, () => ctx.reply(message, { ok: true }));
      },
    };
  };
}

function app(
  stats: WorldStats,
  strategy: RetryStormStrategy,
  arrivals: Rng,
  outage: Outage,
): NodeFactory {
  return (ctx) => {
    const budget = budgetFor(strategy, ctx);
    const backoff = backoffFor(strategy);
    const timers: Timers = {
      setTimer: (delayMs, callback) => ctx.setTimer(delayMs, callback),
      clearTimer: (id) => ctx.clearTimer(id),
      sleep: (delayMs) => ctx.sleep(delayMs),
    };
    const down = (ms: number) => ms >= outage.crashAtMs && ms < outage.recoverAtMs;
    const call = async () => {
      stats.calls++;
      if (down(ctx.clock.monotonicMs())) stats.outageCalls++;
      const answer = await ctx.request<{ ok: boolean }>(
        "server",
        { type: "get" },
        { timeoutMs: CALL_TIMEOUT_MS },
      );
      if (!answer.ok) throw new ThrottledError();
    };
    const request = async () => {
      const startMs = ctx.clock.monotonicMs();
      const later = startMs >= outage.recoverAtMs;
      stats.requests++;
      if (down(startMs)) stats.outageRequests++;
      if (later) stats.laterRequests++;
      let ok = false;
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
        ok = true;
      } catch (error) {
        if (!(error instanceof TimeoutError || error instanceof ThrottledError)) throw error;
      }
      const endMs = ctx.clock.monotonicMs();
      if (ok) stats.succeeded++;
      if (later && ok) {
        stats.laterSucceeded++;
        stats.laterLatencyMsSum += endMs - startMs;
      }
      if (!later) stats.backlogResolvedMs = Math.max(stats.backlogResolvedMs, endMs);
    };
    const caller = (c: number) => {
      // Each caller's request times come from its own stream, the same in every strategy's world.
      const times = arrivals.derive(`caller${c}`);
      const next = (atMs: number) => {
        if (atMs >= outage.recoverAtMs + ISSUE_AFTER_RECOVERY_MS) return;
        ctx.setTimer(atMs - ctx.clock.monotonicMs(), () => {
          void request();
          next(atMs + times.uniform(INTERVAL_MS_MIN, INTERVAL_MS_MAX));
        });
      };
      next(times.uniform(0, INTERVAL_MS_MAX));
    };
    return {
      onStart() {
        for (let c = 0; c < CALLERS_PER_APP; c++) caller(c);
      },
    };
  };
}

export interface RetryStormWorld {
  calls: number;
  requests: number;
  /** Calls per logical request, over the whole run. */
  amplification: number;
  /** Calls sent while the server was down per request started while it was down. */
  outageAmplification: number;
  /** Requests that succeeded, of all. */
  success: number;
  /** Requests that succeeded, of those started after the recovery. */
  laterSuccess: number;
  /** Mean latency of the successful requests started after the recovery, in ms. */
  laterLatencyMs: number;
  /** From the recovery until the last window with more calls than capacity ended, in ms. */
  backUnderMs: number;
  /** From the recovery until every request started before it had succeeded or given up, in ms. */
  backlogMs: number;
  throttled: number;
  hash: string;
  events: number;
}

interface Outage {
  crashAtMs: number;
  recoverAtMs: number;
}

export async function runRetryStormWorld(
  options: RunSeedOptions,
  strategy: RetryStormStrategy,
): Promise<RetryStormWorld> {
  const outage = outageOf(options.seed);
  const stats: WorldStats = {
    recoveredAtMs: outage.recoverAtMs,
    calls: 0,
    outageCalls: 0,
    requests: 0,
    succeeded: 0,
    outageRequests: 0,
    laterRequests: 0,
    laterSucceeded: 0,
    laterLatencyMsSum: 0,
    backlogResolvedMs: 0,
    arrivalsPerWindow: [],
    throttled: 0,
  };
  const nodes: Record<string, NodeFactory> = { server: server(stats) };
  for (let a = 0; a < APPS; a++) {
    const arrivals = new Rng(options.seed, `retry-storm/arrivals/app${a}`);
    nodes[`app${a}`] = app(stats, strategy, arrivals, outage);
  }
  const label = `strategy/${strategy}`;
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    faults: [
      {
        atMs: outage.crashAtMs,
        kind: "crash",
        node: "server",
        recoverAfterMs: outage.recoverAtMs - outage.crashAtMs,
      },
    ],
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  const result = await sim.run();
  let lastOverWindow = -1;
  stats.arrivalsPerWindow.forEach((arrivals, window) => {
    if ((arrivals ?? 0) > OVER_CAPACITY_ABOVE) lastOverWindow = window;
  });
  return {
    calls: stats.calls,
    requests: stats.requests,
    amplification: stats.calls / stats.requests,
    outageAmplification: stats.outageCalls / stats.outageRequests,
    success: stats.succeeded / stats.requests,
    laterSuccess: stats.laterSucceeded / stats.laterRequests,
    laterLatencyMs: stats.laterSucceeded === 0 ? 0 : stats.laterLatencyMsSum / stats.laterSucceeded,
    backUnderMs: (lastOverWindow + 1) * LOAD_WINDOW_MS,
    backlogMs: Math.max(0, stats.backlogResolvedMs - outage.recoverAtMs),
    throttled: stats.throttled,
    hash: result.traceHash,
    events: result.events,
  };
}

/** The outage of a seed, shared by every strategy's world. */
function outageOf(seed: Seed): Outage {
  const rng = new Rng(seed, "retry-storm/outage");
  const outageMs = Math.round(rng.uniform(OUTAGE_MS_MIN, OUTAGE_MS_MAX));
  return { crashAtMs: CRASH_AT_MS, recoverAtMs: CRASH_AT_MS + outageMs };
}

// ---------------------------------------------------------------------------------------------
// The synchronised burst: the setup of AWS's "Exponential Backoff and Jitter". A hundred callers
// (20 in each of 5 application nodes) each want one answer; the server is down when they all
// try, within 10 ms of each other, and comes back after 200-500 ms with little capacity (100
// calls/s, a burst of 2). Without jitter, callers that failed together retry together: each wave
// arrives within a few milliseconds, is mostly throttled, and comes back as the next wave. Jitter
// spreads the retries out, so most of them find a free slot: fewer calls, sooner done. There is no
// budget here (every caller keeps trying until it gets through): this world measures what jitter
// does, the stream above what a budget does.

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

const BURST_FIGURES = [
  ["calls", "mean", "calls", "calls sent (first attempts and retries)"],
  ["completion-ms", "mean", "ms", "from the outage until every caller was resolved"],
  ["success", "rate", undefined, "callers that got an answer"],
] as const;

const FIGURES_PER_STRATEGY = [
  ["calls", "mean", "calls", "calls sent (first attempts and retries)"],
  ["amplification", "mean", "x", "calls per logical request, whole run"],
  [
    "outage-amplification",
    "mean",
    "x",
    "calls sent during the outage per request started during it",
  ],
  ["success", "rate", undefined, "logical requests that succeeded"],
  [
    "success-after-recovery",
    "rate",
    undefined,
    "requests started after the recovery that succeeded",
  ],
  [
    "latency-after-recovery",
    "mean",
    "ms",
    "mean latency of the successful requests started after the recovery",
  ],
  [
    "back-under-capacity",
    "mean",
    "ms",
    "from the recovery until no 100 ms window has more calls than capacity",
  ],
  [
    "backlog",
    "mean",
    "ms",
    "from the recovery until every request started before it succeeded or gave up",
  ],
] as const;

export const retryStorm: Scenario = {
  name: "retry-storm",
  title: "Retry storm: retries without a budget keep a recovering server overloaded",
  claim:
    "When a service recovers from an outage, the retries of every request that failed during it " +
    "arrive on top of the new requests; without a bound on retries the recovering server is " +
    "pushed past its capacity, requests time out and are retried again, and it stays down. A " +
    "retry budget bounds the extra load retries can add, so the service serves again at once. " +
    "Clients that all failed at the same moment also retry at the same moments; jitter spreads " +
    "those retries out.",
  variants: [
    {
      name: "unsafe",
      description: "exponential backoff without jitter and without a budget",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "full jitter with a retry budget (AWS token bucket, and SRE 10% ratio)",
      expectViolations: false,
    },
  ],
  properties: ["no-overload-after-recovery", "served-after-recovery"],
  figures: [
    {
      name: "rule.success-after-recovery",
      kind: "rate",
      description: "the variant's rule (worst world): requests started after recovery served",
    },
    {
      name: "rule.outage-amplification",
      kind: "mean",
      unit: "x",
      description: "the variant's rule (worst world): calls per request during the outage",
    },
    {
      name: "rule.back-under-capacity",
      kind: "mean",
      unit: "ms",
      description: "the variant's rule (worst world): time over capacity after recovery",
    },
    ...RETRY_STORM_BURST_STRATEGIES.flatMap((strategy) =>
      BURST_FIGURES.map(([name, kind, unit, description]) => ({
        name: `burst.${strategy}.${name}`,
        kind,
        ...(unit === undefined ? {} : { unit }),
        description: `burst, ${strategy}: ${description}`,
      })),
    ),
    ...RETRY_STORM_STRATEGIES.flatMap((strategy) =>
      FIGURES_PER_STRATEGY.map(([name, kind, unit, description]) => ({
        name: `${strategy}.${name}`,
        kind,
        ...(unit === undefined ? {} : { unit }),
        description: `${strategy}: ${description}`,
      })),
    ),
  ],
  keyFigures: [
    "rule.success-after-recovery",
    "rule.outage-amplification",
    "rule.back-under-capacity",
  ],
  tourSeeds: 20,
  async run(options): Promise<SeedOutcome> {
    const figures: Record<string, number> = {};
    const hashes: string[] = [];
    let events = 0;
    let served = Infinity;
    let amplification = 0;
    let overloadedMs = 0;
    // The burst: what jitter does. Both variants run it; it decides no verdict.
    for (const strategy of RETRY_STORM_BURST_STRATEGIES) {
      const w = await runRetryStormBurstWorld(options, strategy);
      hashes.push(w.hash);
      events += w.events;
      figures[`burst.${strategy}.calls`] = w.calls;
      figures[`burst.${strategy}.completion-ms`] = w.completionMs;
      figures[`burst.${strategy}.success`] = w.success;
    }
    // The stream: what a budget does. Its verdict worlds decide the properties.
    const verdictWorlds = VERDICT_STRATEGIES[options.variant] ?? [];
    for (const strategy of VARIANT_STRATEGIES[options.variant] ?? []) {
      const w = await runRetryStormWorld(options, strategy);
      hashes.push(w.hash);
      events += w.events;
      figures[`${strategy}.calls`] = w.calls;
      figures[`${strategy}.amplification`] = w.amplification;
      figures[`${strategy}.outage-amplification`] = w.outageAmplification;
      figures[`${strategy}.success`] = w.success;
      figures[`${strategy}.success-after-recovery`] = w.laterSuccess;
      figures[`${strategy}.latency-after-recovery`] = w.laterLatencyMs;
      figures[`${strategy}.back-under-capacity`] = w.backUnderMs;
      figures[`${strategy}.backlog`] = w.backlogMs;
      if (verdictWorlds.includes(strategy)) {
        served = Math.min(served, w.laterSuccess);
        amplification = Math.max(amplification, w.outageAmplification);
        overloadedMs = Math.max(overloadedMs, w.backUnderMs);
      }
    }
    figures["rule.success-after-recovery"] = served;
    figures["rule.outage-amplification"] = amplification;
    figures["rule.back-under-capacity"] = overloadedMs;
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: {
        "no-overload-after-recovery": overloadedMs > OVERLOAD_ALLOWED_MS ? "violated" : "held",
        "served-after-recovery": served < SERVED_AT_LEAST ? "violated" : "held",
      },
      figures,
      traceHash: combineHashes(hashes),
      events,
    };
  },
  report(summaries) {
    const first = summaries[0];
    if (first === undefined) return [];
    // Each variant runs its own strategies' worlds: take each figure from whichever ran it.
    const mean = (name: string) =>
      summaries.map((s) => figureMean(s, name)).find((x) => !Number.isNaN(x)) ?? NaN;
    const pct = (x: number) => (x * 100).toFixed(0) + "%";
    const noJitterCalls = mean("burst.no-jitter.calls");
    const lines = [
      `Burst: ${BURST_CLIENTS} callers in ${BURST_APPS} processes each want one answer, all within ${BURST_START_SPREAD_MS} ms of a crash; ` +
        `server down ${BURST_OUTAGE_MS_MIN}-${BURST_OUTAGE_MS_MAX} ms, then ${BURST_CAPACITY_PER_MS * 1000} calls/s; up to ${BURST_MAX_ATTEMPTS} attempts, no budget; means over ${first.seeds} seeds:`,
      `  ${"strategy".padEnd(26)} ${"calls".padStart(6)} ${"completion".padStart(10)} ${"success".padStart(8)} ${"vs no jitter".padStart(12)}`,
    ];
    for (const s of RETRY_STORM_BURST_STRATEGIES) {
      const calls = mean(`burst.${s}.calls`);
      if (Number.isNaN(calls)) continue;
      lines.push(
        `  ${s.padEnd(26)} ${calls.toFixed(0).padStart(6)} ` +
          `${(mean(`burst.${s}.completion-ms`).toFixed(0) + " ms").padStart(10)} ` +
          `${pct(mean(`burst.${s}.success`)).padStart(8)} ` +
          `${((calls / noJitterCalls).toFixed(2) + "x").padStart(12)}`,
      );
    }
    lines.push(
      `  vs no jitter = calls relative to no jitter; completion = until every caller got an answer or gave up`,
    );
    lines.push(
      `Stream: ${APPS * CALLERS_PER_APP} callers in ${APPS} processes, a request each every ${INTERVAL_MS_MIN}-${INTERVAL_MS_MAX} ms until ${ISSUE_AFTER_RECOVERY_MS} ms after recovery; ` +
        `server down ${CRASH_AT_MS} ms + ${OUTAGE_MS_MIN}-${OUTAGE_MS_MAX} ms, capacity ${CAPACITY_PER_MS * 1000} calls/s; means over ${first.seeds} seeds:`,
      `  ${"strategy".padEnd(26)} ${"calls".padStart(6)} ${"amplif.".padStart(8)} ${"in outage".padStart(9)} ` +
        `${"success".padStart(8)} ${"after rec.".padStart(10)} ${"latency".padStart(8)} ${"overloaded".padStart(10)} ${"backlog".padStart(8)}`,
    );
    for (const s of RETRY_STORM_STRATEGIES) {
      if (Number.isNaN(mean(`${s}.calls`))) continue;
      lines.push(
        `  ${s.padEnd(26)} ${mean(`${s}.calls`).toFixed(0).padStart(6)} ` +
          `${(mean(`${s}.amplification`).toFixed(2) + "x").padStart(8)} ` +
          `${(mean(`${s}.outage-amplification`).toFixed(2) + "x").padStart(9)} ` +
          `${pct(mean(`${s}.success`)).padStart(8)} ` +
          `${pct(mean(`${s}.success-after-recovery`)).padStart(10)} ` +
          `${(mean(`${s}.latency-after-recovery`).toFixed(0) + " ms").padStart(8)} ` +
          `${(mean(`${s}.back-under-capacity`).toFixed(0) + " ms").padStart(10)} ` +
          `${(mean(`${s}.backlog`).toFixed(0) + " ms").padStart(8)}`,
      );
    }
    lines.push(
      `  in outage = calls per request while the server is down; after rec. = success of requests started after recovery;`,
      `  overloaded = time after recovery until no ${LOAD_WINDOW_MS} ms window has more calls than capacity; ` +
        `backlog = until every request started before recovery is resolved`,
    );
    return lines;
  },
};
