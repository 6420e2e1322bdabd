// The stream of the retry-storm scenario: what a retry budget does. A service crashes while a
// hundred callers (50 in each of 2 application nodes) keep sending it requests, and comes back with
// a capacity of 1,000 calls/s — half again the callers' normal load. Every request that failed
// during the outage still has retries left, and they arrive on top of the new requests: the
// recovering server's queue grows past the callers' timeout, so it works only on calls whose
// callers have already given up; those time out, are retried, and keep it there (a metastable
// failure). Jitter does not change that: the requests of a stream already fail at spread-out
// times, so there is nothing to de-synchronise, and each still makes up to three calls. A retry
// budget shared by each node's callers does: it caps retries at about a tenth of the calls, so the
// recovering server sees about 1.1x its normal load, stays under its capacity, and serves again at
// once. Every strategy's world of a seed has the same outage and the same request times.

import { TimeoutError } from "../../core/errors.js";
import { Rng, type Seed } from "../../core/Rng.js";
import type { Timers } from "../../core/Clock.js";
import { retry } from "../../primitives/index.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { RunSeedOptions, WindowSeries } from "../Scenario.js";
import { backoffFor, budgetFor, type RetryStormStrategy } from "./RetryStormStrategy.js";
import { ThrottledError } from "./RetryStormThrottledError.js";

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
/** The server works through one call per SERVICE_MS in arrival order: 1,000 calls/s. */
const SERVICE_MS = 1;
const CAPACITY_PER_MS = 1 / SERVICE_MS;
/** It throttles a call at once (a definite, retryable error) when its queue holds this much work. */
const QUEUE_LIMIT_MS = 1_000;
/** Offered load is counted in windows of this length, from the recovery on… */
export const LOAD_WINDOW_MS = 100;
/** …and a window is over capacity when more calls arrive in it than the server can work through. */
const OVER_CAPACITY_ABOVE = CAPACITY_PER_MS * LOAD_WINDOW_MS;

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
  /** For reports: calls and first attempts sent, per load window from time 0. */
  callsPerWindow: number[];
  requestsPerWindow: number[];
}

function countWindow(counts: number[], atMs: number): void {
  const window = Math.floor(atMs / LOAD_WINDOW_MS);
  for (let i = counts.length; i <= window; i++) counts.push(0);
  counts[window]!++;
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
      countWindow(stats.callsPerWindow, ctx.clock.monotonicMs());
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
      countWindow(stats.requestsPerWindow, startMs);
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
    callsPerWindow: [],
    requestsPerWindow: [],
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
  options.observe?.({ label, series: loadSeries(stats) });
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

/** Calls, first attempts and retries per window, for a report's plot of the storm. */
function loadSeries(stats: WorldStats): Record<string, WindowSeries> {
  const windowMs = LOAD_WINDOW_MS;
  const calls = stats.callsPerWindow;
  const first = calls.map((_, i) => stats.requestsPerWindow[i] ?? 0);
  return {
    calls: { windowMs, values: calls, description: "calls sent (first attempts and retries)" },
    "first attempts": { windowMs, values: first, description: "requests started" },
    retries: {
      windowMs,
      values: calls.map((n, i) => n - first[i]!),
      description: "calls that were retries",
    },
    capacity: {
      windowMs,
      values: calls.map(() => OVER_CAPACITY_ABOVE),
      description: "calls the server can serve per window",
    },
  };
}

/** The outage of a seed, shared by every strategy's world. */
function outageOf(seed: Seed): Outage {
  const rng = new Rng(seed, "retry-storm/outage");
  const outageMs = Math.round(rng.uniform(OUTAGE_MS_MIN, OUTAGE_MS_MAX));
  return { crashAtMs: CRASH_AT_MS, recoverAtMs: CRASH_AT_MS + outageMs };
}

/** The report's line on the stream's setup, over `seeds` seeds. */
export function describeStreamWorld(seeds: number): string {
  return (
    `Stream: ${APPS * CALLERS_PER_APP} callers in ${APPS} processes, a request each every ${INTERVAL_MS_MIN}-${INTERVAL_MS_MAX} ms until ${ISSUE_AFTER_RECOVERY_MS} ms after recovery; ` +
    `server down ${CRASH_AT_MS} ms + ${OUTAGE_MS_MIN}-${OUTAGE_MS_MAX} ms, capacity ${CAPACITY_PER_MS * 1000} calls/s; means over ${seeds} seeds:`
  );
}
