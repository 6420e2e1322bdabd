// Spanner's commit-wait. Transactions commit on different nodes, each timestamped by the node's
// clock; external consistency asks that a transaction which starts after another has committed
// gets the larger timestamp, so that reading at a timestamp shows every transaction that finished
// before it. With skewed clocks a plain wall-clock timestamp breaks this: the second transaction's
// node may run behind the first's by more than the time between them. Spanner's remedy is to
// stamp a commit with TrueTime's `latest` and then wait, before telling anyone it committed, until
// TrueTime's `earliest` has passed that stamp: then the stamp is certainly in the past everywhere.
// The wait is about twice the clock uncertainty ε, so Spanner works hard to keep ε small.
//
// Three coordinators with clocks set to within ±5 ms, drifting up to ±50 ppm and synced by a
// datacentre time service (±5 ms error, every 10 s); TrueTime assumes a 200 ppm drift bound, so
// the kernel keeps each node's interval correct. Three clients each run transactions one after
// another against random coordinators; a commit takes a 1 ms prepare. The checker goes over every
// pair of transactions in true (virtual) time: if T1 was acknowledged before T2 was invoked, T2's
// timestamp must be larger. It also checks each interval did contain true time when it was read.

import { DEFAULT_EPOCH_MS } from "../../clock/PhysicalClock.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { TrueTime } from "../../primitives/index.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

const COORDINATORS = ["n1", "n2", "n3"] as const;
const CLIENTS = ["c1", "c2", "c3"] as const;
const TRANSACTIONS_PER_CLIENT = 15;
const THINK_MS_MAX = 5;
const PREPARE_MS = 1;
const REQUEST_TIMEOUT_MS = 1_000;

interface Commit {
  timestampMs: number;
  epsilonMs: number;
  waitMs: number;
}

interface Transaction {
  invokedMicros: number;
  acknowledgedMicros: number;
  timestampMs: number;
}

interface Stats {
  epsilonMsSum: number;
  waitMsSum: number;
  commits: number;
  /** Reads of the TrueTime interval that did not contain true time (the kernel's promise). */
  intervalMisses: number;
}

function coordinator(commitWait: boolean, stats: Stats, trueMs: () => number): NodeFactory {
  return (ctx) => {
    const trueTime = new TrueTime({ clock: ctx.clock, timers: ctx });
    const read = () => {
      const interval = trueTime.now();
      const t = trueMs();
      if (t < interval.earliestMs || t > interval.latestMs) stats.intervalMisses++;
      return interval;
    };
    return {
      async onMessage(message) {
        await ctx.sleep(PREPARE_MS);
        const interval = read();
        const epsilonMs = (interval.latestMs - interval.earliestMs) / 2;
        let commit: Commit;
        if (commitWait) {
          const startedMs = ctx.clock.monotonicMs();
          await trueTime.commitWait(interval.latestMs);
          read();
          commit = {
            timestampMs: interval.latestMs,
            epsilonMs,
            waitMs: ctx.clock.monotonicMs() - startedMs,
          };
        } else {
          commit = { timestampMs: ctx.clock.wallMs(), epsilonMs, waitMs: 0 };
        }
        stats.commits++;
        stats.epsilonMsSum += commit.epsilonMs;
        stats.waitMsSum += commit.waitMs;
        ctx.reply(message, commit);
      },
    };
  };
}

function client(transactions: Transaction[], nowMicros: () => number): NodeFactory {
  return (ctx) => ({
    async onStart() {
      for (let i = 0; i < TRANSACTIONS_PER_CLIENT; i++) {
        await ctx.sleep(ctx.random.uniform(0, THINK_MS_MAX));
        const to = COORDINATORS[ctx.random.int(COORDINATORS.length)]!;
        const invokedMicros = nowMicros();
        const commit = await ctx.request<Commit>(
          to,
          { type: "commit" },
          {
            timeoutMs: REQUEST_TIMEOUT_MS,
          },
        );
        transactions.push({
          invokedMicros,
          acknowledgedMicros: nowMicros(),
          timestampMs: commit.timestampMs,
        });
      }
    },
  });
}

/**
 * External-consistency violations: transactions invoked after another was acknowledged (in true
 * time) whose timestamp is not larger than that one's. Each such transaction counts once.
 */
export function countExternalConsistencyViolations(transactions: readonly Transaction[]): number {
  let violations = 0;
  for (const later of transactions) {
    const broken = transactions.some(
      (earlier) =>
        earlier.acknowledgedMicros < later.invokedMicros &&
        earlier.timestampMs >= later.timestampMs,
    );
    if (broken) violations++;
  }
  return violations;
}

async function runTransactions(options: RunSeedOptions, commitWait: boolean) {
  const transactions: Transaction[] = [];
  const stats: Stats = { epsilonMsSum: 0, waitMsSum: 0, commits: 0, intervalMisses: 0 };
  const nodes: Record<string, NodeFactory> = {};
  // Observers only: the checker needs true time; node logic never reads it.
  const observer: { sim?: Simulation } = {};
  const nowMicros = () => observer.sim!.now;
  const trueMs = () => DEFAULT_EPOCH_MS + observer.sim!.now / 1000;
  for (const id of COORDINATORS) nodes[id] = coordinator(commitWait, stats, trueMs);
  for (const id of CLIENTS) nodes[id] = client(transactions, nowMicros);
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 0.2, maxMs: 1 } },
    clocks: {
      driftPpmMax: 50,
      initialOffsetMsMax: 5,
      ntp: { intervalMs: 10_000, errorMs: 5 },
    },
    ...(options.trace?.("transactions") ? { trace: options.trace("transactions")! } : {}),
  });
  observer.sim = sim;
  let skewMaxMs = 0;
  for (let t = 0; t <= 1_000; t += 100) {
    sim.at(t, () => {
      const offsets = COORDINATORS.map((id) => sim.clockOf(id).offsetMicros(sim.now));
      skewMaxMs = Math.max(skewMaxMs, (Math.max(...offsets) - Math.min(...offsets)) / 1000);
    });
  }
  const result = await sim.run({ untilMs: 30_000 });
  const latencyMsSum = transactions.reduce(
    (sum, t) => sum + (t.acknowledgedMicros - t.invokedMicros) / 1000,
    0,
  );
  return {
    violations: countExternalConsistencyViolations(transactions),
    transactions: transactions.length,
    epsilonMs: stats.epsilonMsSum / Math.max(1, stats.commits),
    waitMs: stats.waitMsSum / Math.max(1, stats.commits),
    latencyMs: latencyMsSum / Math.max(1, transactions.length),
    intervalMisses: stats.intervalMisses,
    skewMaxMs,
    hash: result.traceHash,
    events: result.events,
  };
}

export const trueTimeCommitWait: Scenario = {
  name: "truetime-commit-wait",
  title: "TrueTime commit-wait: external consistency at a cost of about 2ε",
  claim:
    "Spanner's TrueTime API reports a confidence interval [earliest, latest] on the local clock. " +
    "To ensure that transaction timestamps reflect causality, Spanner deliberately waits for the " +
    "length of the confidence interval before committing a read-write transaction, so that any " +
    "transaction that may read the data starts later and has a later timestamp.",
  variants: [
    {
      name: "unsafe",
      description: "commit timestamp = the coordinator's wall clock, acknowledged at once",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "commit timestamp = TrueTime latest, then commit-wait until it has passed",
      expectViolations: false,
    },
  ],
  properties: ["external-consistency"],
  figures: [
    { name: "violations", kind: "sum", description: "transactions ordered before an earlier one" },
    { name: "transactions", kind: "sum", description: "transactions committed" },
    { name: "epsilon-ms", kind: "mean", unit: "ms", description: "clock uncertainty ε at commit" },
    { name: "commit-wait-ms", kind: "mean", unit: "ms", description: "commit-wait, measured" },
    {
      name: "wait-over-2-epsilon",
      kind: "mean",
      description: "commit-wait / 2ε (seeds' means)",
    },
    {
      name: "commit-latency-ms",
      kind: "mean",
      unit: "ms",
      description: "client-observed commit latency",
    },
    {
      name: "interval-misses",
      kind: "sum",
      description: "TrueTime intervals not containing true time",
    },
    {
      name: "coordinator-skew-max-ms",
      kind: "mean",
      unit: "ms",
      description: "largest skew between coordinators, mean",
    },
  ],
  tourSeeds: 1000,
  async run(options): Promise<SeedOutcome> {
    const r = await runTransactions(options, options.variant === "safe");
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { "external-consistency": r.violations > 0 ? "violated" : "held" },
      figures: {
        violations: r.violations,
        transactions: r.transactions,
        "epsilon-ms": r.epsilonMs,
        "commit-wait-ms": r.waitMs,
        ...(options.variant === "safe"
          ? { "wait-over-2-epsilon": r.waitMs / (2 * r.epsilonMs) }
          : {}),
        "commit-latency-ms": r.latencyMs,
        "interval-misses": r.intervalMisses,
        "coordinator-skew-max-ms": r.skewMaxMs,
      },
      traceHash: combineHashes([r.hash]),
      events: r.events,
    };
  },
};
