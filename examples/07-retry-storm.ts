// 07 — A retry storm: retries keep a recovering service down, and a retry budget lets it up.
//
// Fifty callers in one client process each send a request every 150 ms (about 330 requests/s) to
// a server that works through 500 calls/s in arrival order. Each caller uses `retry`: three calls
// at most, 250 ms timeout each. The server is down from 0.3 s to 1.3 s. The requests that failed
// during the outage still have retries left, and these arrive on top of the new requests: the
// recovering server gets more calls than it can do, its queue grows past the callers' timeout,
// and it spends its time answering callers that have already given up. Those retry too, so the
// server stays overloaded long after the fault is gone (a metastable failure). Jitter spreads the
// retries out, but each request still makes up to three calls, so it helps only a little. A retry
// budget shared by the process's callers caps the retries themselves: the AWS SDKs' token bucket
// (TokenBucketRetryBudget: a retry spends tokens that only successes earn back) or the SRE book's
// 10% (RatioRetryBudget: retries at most a tenth of the calls). The load stays near the offered
// load, and the server serves everyone as soon as it is back.
//
//   npm run build && node dist/examples/07-retry-storm.js

import {
  exponentialBackoff,
  fullJitterBackoff,
  RatioRetryBudget,
  retry,
  Simulation,
  TimeoutError,
  TokenBucketRetryBudget,
  type Backoff,
  type NodeContext,
  type NodeFactory,
  type RetryOptions,
} from "../src/index.js";
import { runIfMain } from "./run.js";

const CALLERS = 50;
const REQUEST_INTERVAL_MS = 150;
const CALLS_PER_S = 500; // the server's capacity
const CRASH_AT_MS = 300;
const RECOVER_AT_MS = 1_300;
const STOP_REQUESTS_AT_MS = 3_000;
const SEEDS = 5;

/** A name, a backoff, and the retry budget that one client process shares among its callers. */
type Strategy = [string, Backoff, ((ctx: NodeContext) => RetryOptions["budget"])?];
const SHAPE = { baseMs: 50, capMs: 1_000 };
const JITTER = fullJitterBackoff(SHAPE);
const STRATEGIES: Strategy[] = [
  ["exponential, no jitter", exponentialBackoff(SHAPE)],
  ["full jitter", JITTER],
  ["full jitter + token bucket", JITTER, () => new TokenBucketRetryBudget()],
  ["full jitter + 10% ratio", JITTER, (ctx) => new RatioRetryBudget({ clock: ctx.clock })],
];

// Summed over seeds. `later…`: requests started after the recovery; `arrived`: calls that reached
// the server between the recovery and STOP_REQUESTS_AT_MS.
const zeroCounts = () => ({ calls: 0, requests: 0, laterRequests: 0, laterServed: 0, arrived: 0 });
type Counts = ReturnType<typeof zeroCounts>;

/** Works through calls in arrival order, finishing each even if its caller has given up. */
function server(counts: Counts): NodeFactory {
  return (ctx) => {
    let freeAtMs = 0;
    return {
      onMessage(message) {
        const nowMs = ctx.clock.monotonicMs();
        if (nowMs >= RECOVER_AT_MS && nowMs < STOP_REQUESTS_AT_MS) counts.arrived++;
        freeAtMs = Math.max(nowMs, freeAtMs) + 1_000 / CALLS_PER_S;
        ctx.setTimer(freeAtMs - nowMs, () => ctx.reply(message, "ok"));
      },
    };
  };
}

function clients(counts: Counts, [, backoff, makeBudget]: Strategy): NodeFactory {
  return (ctx) => {
    const budget = makeBudget?.(ctx); // one budget, shared by every caller in this process
    const call = () => {
      counts.calls++;
      return ctx.request("server", "get", { timeoutMs: 250 });
    };
    const request = async () => {
      const later = ctx.clock.monotonicMs() >= RECOVER_AT_MS;
      counts.requests++;
      if (later) counts.laterRequests++;
      try {
        await retry(call, {
          ...{ clock: ctx.clock, timers: ctx, random: ctx.random, maxAttempts: 3, backoff },
          idempotent: true, // a read: a call that timed out but ran anyway did no harm
          budget,
        });
        if (later) counts.laterServed++;
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error; // gave up
      }
    };
    const caller = (atMs: number) => {
      if (atMs >= STOP_REQUESTS_AT_MS) return;
      ctx.setTimer(atMs - ctx.clock.monotonicMs(), () => {
        void request(); // a new request every interval, whatever became of the last one
        caller(atMs + REQUEST_INTERVAL_MS);
      });
    };
    return {
      onStart() {
        for (let c = 0; c < CALLERS; c++) caller((c * REQUEST_INTERVAL_MS) / CALLERS);
      },
    };
  };
}

const row = (cells: string[]) =>
  cells.map((c, i) => (i ? c.padStart([0, 7, 19, 22, 24][i]!) : c.padEnd(26))).join("");

export async function main(): Promise<string[]> {
  const offeredPerS = ((CALLERS * 1_000) / REQUEST_INTERVAL_MS).toFixed(0);
  const lines = [
    `${CALLERS} callers offer ${offeredPerS} requests/s to a server that does ${CALLS_PER_S} ` +
      `calls/s; it is down from ${CRASH_AT_MS / 1_000} s to ${RECOVER_AT_MS / 1_000} s.`,
    row(["strategy", "calls", "calls per request", "load after recovery", "served after recovery"]),
  ];
  const secondsAfterRecovery = (SEEDS * (STOP_REQUESTS_AT_MS - RECOVER_AT_MS)) / 1_000;
  for (const strategy of STRATEGIES) {
    const counts = zeroCounts();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const outage = { atMs: CRASH_AT_MS, recoverAfterMs: RECOVER_AT_MS - CRASH_AT_MS };
      const sim = new Simulation({
        seed,
        nodes: { server: server(counts), clients: clients(counts, strategy) },
        network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
        faults: [{ ...outage, kind: "crash", node: "server" }],
      });
      await sim.run();
    }
    const load = `${(counts.arrived / secondsAfterRecovery).toFixed(0)} calls/s`;
    const perRequest = `${(counts.calls / counts.requests).toFixed(2)}x`;
    const served = `${((100 * counts.laterServed) / counts.laterRequests).toFixed(0)}%`;
    lines.push(row([strategy[0], String(counts.calls), perRequest, load, served]));
  }
  return [
    ...lines,
    `Calls: total over ${SEEDS} seeds. Load after recovery: calls/s that reach the server until`,
    `new requests stop. Served after recovery: requests started after the recovery that succeeded.`,
  ];
}

runIfMain(import.meta.url, main);
