// A retry storm, in two worlds that each show half of AWS's published result.
//
// The burst (what jitter does): a hundred callers that all failed at the same moment contend for a
// recovering server with little capacity. Without jitter, callers that failed together retry
// together, in waves that are mostly throttled; jitter spreads the retries out and cuts the calls
// by more than half. It decides no verdict; both variants run it, with the four backoffs.
//
//
// The stream (what a budget does, and the verdicts): a service crashes while a hundred callers
// keep sending it requests, and retries pile onto the new requests after it recovers, keeping it
// past its capacity (a metastable failure). Jitter does not change that; a retry budget — the AWS
// SDKs' token bucket (500 tokens, shared by a client process's callers) or the SRE book's 10%
// ratio — caps retries at about a tenth of the calls, and the server serves again at once.
//
// One seed runs the burst once per backoff, then the same stream outage and the same request
// times once per strategy: the unsafe variant the four strategies without a budget, the safe
// variant the two with one. The worlds live in RetryStormBurstWorld.ts and
// RetryStormStreamWorld.ts, the strategies in RetryStormStrategy.ts; this file decides the
// verdicts, names the figures and writes the report.

import { figureMean } from "../VariantSummary.js";
import { combineHashes, type Scenario, type SeedOutcome } from "../Scenario.js";
import { RETRY_STORM_STRATEGIES, type RetryStormStrategy } from "./RetryStormStrategy.js";
import {
  describeBurstWorld,
  RETRY_STORM_BURST_STRATEGIES,
  runRetryStormBurstWorld,
} from "./RetryStormBurstWorld.js";
import {
  describeStreamWorld,
  LOAD_WINDOW_MS,
  runRetryStormWorld,
} from "./RetryStormStreamWorld.js";

// The names other modules have always imported from this file.
export { RETRY_STORM_STRATEGIES, type RetryStormStrategy } from "./RetryStormStrategy.js";
export {
  RETRY_STORM_BURST_STRATEGIES,
  runRetryStormBurstWorld,
  type RetryStormBurstStrategy,
  type RetryStormBurstWorld,
} from "./RetryStormBurstWorld.js";
export { runRetryStormWorld, type RetryStormWorld } from "./RetryStormStreamWorld.js";

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
      describeBurstWorld(first.seeds),
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
      describeStreamWorld(first.seeds),
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
