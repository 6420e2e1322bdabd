// Split brain: a primary/backup pair where the backup takes over when the primary's heartbeats
// stop. A partition between them stops the heartbeats without stopping the primary, so for a while
// two primaries accept writes, each from the clients on its side. When the partition heals the
// old primary sees a newer one, steps down and resynchronises from it — and every write it
// acknowledged during the partition is gone. The durability checker finds them: acknowledged
// writes that a final read does not show.
//
// The remedy is a majority quorum. With three replicas a primary acknowledges a write only after
// a majority (two) stored it, a new primary must first win promises from a majority (and takes
// over the values they hold), and a read asks a majority. Any two majorities share a replica, so
// an acknowledged write is always seen; a primary cut off in a minority can no longer acknowledge
// anything, so its clients see timeouts (recorded as `info`: unknown outcome), not false success.

import { TimeoutError } from "../core/errors.js";
import { Rng, type Seed } from "../core/Rng.js";
import { checkDurability } from "../check/checkDurability.js";
import type { FaultAction } from "../faults/FaultAction.js";
import { Simulation } from "../sim/Simulation.js";
import type { NodeContext, NodeFactory } from "../sim/NodeApi.js";
import type { TraceOptions } from "../sim/Trace.js";
import { HistoryRecorder, type OperationHandle } from "../workload/HistoryRecorder.js";
import type { History } from "../workload/Operation.js";
import { combineHashes, type Scenario, type SeedOutcome, type Verdict } from "./Scenario.js";

const HEARTBEAT_MS = 50;
/** The naive backup takes over after this much silence from the primary. */
const FAILOVER_MS = 300;
/** A quorum replica starts an election after this much silence, plus up to the jitter. */
const ELECTION_MS = 300;
const ELECTION_JITTER_MS = 200;
const REQUEST_TIMEOUT_MS = 150;
const ATTEMPTS_PER_WRITE = 4;
const RETRY_PAUSE_MS = 30;
const THINK_MS_MAX = 20;
const PARTITION_AT_MS_MIN = 300;
const PARTITION_AT_MS_MAX = 800;
const PARTITION_MS_MIN = 100;
const PARTITION_MS_MAX = 2_500;
/** Clients keep writing this long after the heal; the final read comes after the settling time. */
const WRITE_AFTER_HEAL_MS = 500;
const FINAL_READ_AFTER_HEAL_MS = 1_500;

type Mode = "naive" | "quorum";

interface Schedule {
  partitionAtMs: number;
  healAtMs: number;
}

function scheduleOf(seed: Seed): Schedule {
  const rng = new Rng(seed, "partition-split-brain/schedule");
  const partitionAtMs = Math.round(rng.uniform(PARTITION_AT_MS_MIN, PARTITION_AT_MS_MAX));
  const healAtMs = partitionAtMs + Math.round(rng.uniform(PARTITION_MS_MIN, PARTITION_MS_MAX));
  return { partitionAtMs, healAtMs };
}

/** Who believes it is primary, observed from outside the system for the figures. */
class PrimaryWatch {
  private readonly primaries = new Set<string>();
  maxPrimaries = 0;
  splitMs = 0;
  private splitSinceMs: number | undefined;

  constructor(private readonly nowMs: () => number) {}

  set(id: string, primary: boolean): void {
    if (primary) this.primaries.add(id);
    else this.primaries.delete(id);
    this.maxPrimaries = Math.max(this.maxPrimaries, this.primaries.size);
    const split = this.primaries.size >= 2;
    if (split && this.splitSinceMs === undefined) this.splitSinceMs = this.nowMs();
    if (!split && this.splitSinceMs !== undefined) {
      this.splitMs += this.nowMs() - this.splitSinceMs;
      this.splitSinceMs = undefined;
    }
  }

  finish(): void {
    this.set("", false);
  }
}

// --- The naive pair -------------------------------------------------------------------------------

function naiveReplica(watch: PrimaryWatch): NodeFactory {
  return (ctx) => {
    const other = ctx.id === "n1" ? "n2" : "n1";
    let primary = ctx.id === "n1";
    let epoch = 0;
    let knownPrimary = "n1";
    let lastHeardMs = ctx.clock.monotonicMs();
    let values = new Set<number>();
    watch.set(ctx.id, primary);
    const tick = () => {
      if (primary) {
        ctx.send(other, { type: "heartbeat", epoch });
      } else if (ctx.clock.monotonicMs() - lastHeardMs > FAILOVER_MS) {
        // Fail over on timeout: the primary is silent, so it must be dead.
        primary = true;
        epoch++;
        knownPrimary = ctx.id;
        watch.set(ctx.id, true);
      }
      ctx.setTimer(HEARTBEAT_MS, tick);
    };
    return {
      onStart: tick,
      async onMessage(message) {
        const body = message.body as {
          type: string;
          epoch: number;
          value: number;
        };
        switch (body.type) {
          case "write":
            if (!primary) return ctx.reply(message, { redirect: knownPrimary });
            values.add(body.value);
            // Replicate asynchronously and acknowledge at once: fast, and available in a partition.
            ctx.send(other, { type: "replicate", value: body.value });
            return ctx.reply(message, { ok: true });
          case "read":
            if (!primary) return ctx.reply(message, { redirect: knownPrimary });
            return ctx.reply(message, { ok: true, values: [...values] });
          case "replicate":
            values.add(body.value);
            return;
          case "snapshot":
            return ctx.reply(message, { values: [...values] });
          case "heartbeat":
            if (body.epoch < epoch) return;
            lastHeardMs = ctx.clock.monotonicMs();
            knownPrimary = message.from;
            if (primary || body.epoch > epoch) {
              // A newer primary exists: step down and copy its data, as a replica resync does.
              primary = false;
              epoch = body.epoch;
              watch.set(ctx.id, false);
              try {
                const snapshot = await ctx.request<{ values: number[] }>(
                  message.from,
                  { type: "snapshot" },
                  { timeoutMs: REQUEST_TIMEOUT_MS },
                );
                values = new Set(snapshot.values);
              } catch (error) {
                if (!(error instanceof TimeoutError)) throw error;
              }
            }
            return;
        }
      },
    };
  };
}

// --- The quorum trio ------------------------------------------------------------------------------

const TRIO = ["n1", "n2", "n3"] as const;

function quorumReplica(watch: PrimaryWatch): NodeFactory {
  return (ctx) => {
    const others = TRIO.filter((id) => id !== ctx.id);
    let term = 0;
    let primary = ctx.id === "n1";
    let leader: string | undefined = "n1";
    let lastHeardMs = ctx.clock.monotonicMs();
    let electionAfterMs = ELECTION_MS + ctx.random.uniform(0, ELECTION_JITTER_MS);
    const values = new Set<number>();
    watch.set(ctx.id, primary);

    const follow = (newTerm: number, newLeader: string | undefined) => {
      term = newTerm;
      leader = newLeader;
      lastHeardMs = ctx.clock.monotonicMs();
      if (primary) {
        primary = false;
        watch.set(ctx.id, false);
      }
    };
    /** Asks both others; resolves with the answers that came back in time. */
    const askOthers = async <R>(body: unknown): Promise<R[]> => {
      const answers: R[] = [];
      await Promise.all(
        others.map(async (to) => {
          try {
            answers.push(await ctx.request<R>(to, body, { timeoutMs: REQUEST_TIMEOUT_MS }));
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
          }
        }),
      );
      return answers;
    };
    const elect = async () => {
      const myTerm = term + 1;
      follow(myTerm, undefined);
      electionAfterMs = ELECTION_MS + ctx.random.uniform(0, ELECTION_JITTER_MS);
      const answers = await askOthers<{ granted: boolean; values: number[] }>({
        type: "prepare",
        term: myTerm,
      });
      const grants = answers.filter((a) => a.granted);
      // A majority is this replica and one other; a newer term seen meanwhile cancels it.
      if (grants.length === 0 || term !== myTerm) return;
      for (const g of grants) for (const v of g.values) values.add(v);
      primary = true;
      leader = ctx.id;
      watch.set(ctx.id, true);
    };
    const tick = () => {
      if (primary) {
        for (const o of others) ctx.send(o, { type: "heartbeat", term });
      } else if (ctx.clock.monotonicMs() - lastHeardMs > electionAfterMs) {
        void elect();
      }
      ctx.setTimer(HEARTBEAT_MS, tick);
    };
    return {
      onStart: tick,
      async onMessage(message) {
        const body = message.body as { type: string; term: number; value: number };
        switch (body.type) {
          case "write": {
            if (!primary) return ctx.reply(message, { redirect: leader ?? null });
            const myTerm = term;
            values.add(body.value);
            const acks = await askOthers<{ ok: boolean }>({
              type: "replicate",
              term: myTerm,
              value: body.value,
            });
            // Acknowledge only once a majority (this replica and one other) stored the value;
            // otherwise stay silent: the client cannot know whether it took effect.
            if (acks.some((a) => a.ok)) ctx.reply(message, { ok: true });
            return;
          }
          case "read":
            return ctx.reply(message, { ok: true, values: [...values] });
          case "replicate":
            if (body.term < term) return ctx.reply(message, { ok: false });
            if (body.term > term || leader !== message.from) follow(body.term, message.from);
            lastHeardMs = ctx.clock.monotonicMs();
            values.add(body.value);
            return ctx.reply(message, { ok: true });
          case "prepare":
            if (body.term <= term) return ctx.reply(message, { granted: false, values: [] });
            follow(body.term, undefined);
            return ctx.reply(message, { granted: true, values: [...values] });
          case "heartbeat":
            if (body.term < term) return;
            if (body.term > term || leader !== message.from) follow(body.term, message.from);
            lastHeardMs = ctx.clock.monotonicMs();
            return;
        }
      },
    };
  };
}

// --- Clients --------------------------------------------------------------------------------------

interface ClientPlan {
  mode: Mode;
  recorder: HistoryRecorder;
  writesUntilMs: number;
  finalReadAtMs: number | undefined;
  replicas: readonly string[];
  nextValue: () => number;
}

type Answer = { ok?: boolean; redirect?: string | null; values?: number[] };

function client(plan: ClientPlan): NodeFactory {
  return (ctx) => {
    let guess = "n1";
    const nextGuess = (after: string) =>
      plan.replicas[(plan.replicas.indexOf(after) + 1) % plan.replicas.length]!;

    const write = async () => {
      const value = plan.nextValue();
      const op = plan.recorder.invoke(ctx.id, "write", value);
      let mayHaveTakenEffect = false;
      for (let attempt = 1; attempt <= ATTEMPTS_PER_WRITE; attempt++) {
        const answer = await ask(ctx, guess, { type: "write", value });
        if (answer?.ok) return op.ok();
        if (answer === undefined) {
          mayHaveTakenEffect = true;
          guess = nextGuess(guess);
        } else {
          guess = answer.redirect ?? nextGuess(guess);
        }
        await ctx.sleep(RETRY_PAUSE_MS);
      }
      // A timeout is not a failure: the write may still have taken effect.
      if (mayHaveTakenEffect) op.info("timeout");
      else op.fail("no primary accepted it");
    };

    const finalRead = async (op: OperationHandle) => {
      if (plan.mode === "quorum") {
        // Ask every replica and merge what a majority returned.
        const seen = new Set<number>();
        let answers = 0;
        for (const r of plan.replicas) {
          const answer = await ask(ctx, r, { type: "read" });
          if (answer?.values === undefined) continue;
          answers++;
          for (const v of answer.values) seen.add(v);
        }
        if (answers * 2 > plan.replicas.length) return op.ok([...seen].sort((a, b) => a - b));
        return op.info("no majority answered");
      }
      for (let attempt = 1; attempt <= ATTEMPTS_PER_WRITE; attempt++) {
        const answer = await ask(ctx, guess, { type: "read" });
        if (answer?.values !== undefined) return op.ok([...answer.values].sort((a, b) => a - b));
        guess = answer?.redirect ?? nextGuess(guess);
      }
      op.info("no primary answered");
    };

    return {
      async onStart() {
        while (ctx.clock.monotonicMs() < plan.writesUntilMs) {
          await write();
          await ctx.sleep(ctx.random.uniform(0, THINK_MS_MAX));
        }
        if (plan.finalReadAtMs !== undefined) {
          await ctx.sleep(Math.max(0, plan.finalReadAtMs - ctx.clock.monotonicMs()));
          await finalRead(plan.recorder.invoke(ctx.id, "read"));
        }
      },
    };
  };
}

async function ask(ctx: NodeContext, to: string, body: unknown): Promise<Answer | undefined> {
  try {
    return await ctx.request<Answer>(to, body, { timeoutMs: REQUEST_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof TimeoutError) return undefined;
    throw error;
  }
}

// --- One world ------------------------------------------------------------------------------------

export interface SplitBrainWorld {
  history: History;
  acknowledged: number;
  lost: number;
  unknown: number;
  verdict: Verdict;
  maxPrimaries: number;
  splitMs: number;
  hash: string;
  events: number;
}

export async function runSplitBrainWorld(options: {
  seed: Seed;
  mode: Mode;
  trace?: ((label: string) => TraceOptions | undefined) | undefined;
}): Promise<SplitBrainWorld> {
  const { seed, mode } = options;
  const { partitionAtMs, healAtMs } = scheduleOf(seed);
  const clock: { sim?: Simulation } = {};
  const nowMicros = () => clock.sim?.now ?? 0;
  const recorder = new HistoryRecorder({ nowMicros, maxOperations: 100_000 });
  const watch = new PrimaryWatch(() => nowMicros() / 1000);
  const replicas = mode === "naive" ? ["n1", "n2"] : [...TRIO];
  let next = 0;
  const planFor = (finalRead: boolean): ClientPlan => ({
    mode,
    recorder,
    writesUntilMs: healAtMs + WRITE_AFTER_HEAL_MS,
    finalReadAtMs: finalRead ? healAtMs + FINAL_READ_AFTER_HEAL_MS : undefined,
    replicas,
    nextValue: () => ++next,
  });
  const nodes: Record<string, NodeFactory> = {};
  for (const r of replicas) nodes[r] = (mode === "naive" ? naiveReplica : quorumReplica)(watch);
  nodes.c1 = client(planFor(true));
  nodes.c2 = client(planFor(false));
  // The old primary n1 ends up on one side with c1; the other replicas and c2 on the other.
  const faults: FaultAction[] = [
    {
      atMs: partitionAtMs,
      kind: "partition",
      groups: [
        ["n1", "c1"],
        [...replicas.filter((r) => r !== "n1"), "c2"],
      ],
    },
    { atMs: healAtMs, kind: "heal" },
  ];
  const label = `world/${mode}`;
  const sim = new Simulation({
    seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    faults,
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  clock.sim = sim;
  const result = await sim.run({ untilMs: healAtMs + FINAL_READ_AFTER_HEAL_MS + 1_000 });
  watch.finish();
  const history = recorder.history();
  const finalRead = history.find((op) => op.f === "read" && op.status === "ok");
  const durability = checkDurability({
    writes: history
      .filter((op) => op.f === "write")
      .map((op) => ({ value: op.input, outcome: op.status })),
    finalReads: finalRead === undefined ? [] : [{ values: finalRead.output as readonly number[] }],
  });
  const lost = durability.violations.filter((v) => v.kind === "lost-write").length;
  return {
    history,
    acknowledged: durability.acknowledged,
    lost,
    unknown: history.filter((op) => op.f === "write" && op.status === "info").length,
    verdict:
      durability.verdict === "ok"
        ? "held"
        : durability.verdict === "illegal"
          ? "violated"
          : "unknown",
    maxPrimaries: watch.maxPrimaries,
    splitMs: watch.splitMs,
    hash: result.traceHash,
    events: result.events,
  };
}

export const partitionSplitBrain: Scenario = {
  name: "partition-split-brain",
  title: "Split brain: fail-over on timeout makes two primaries",
  claim:
    "If the leader is cut off by a partition rather than dead, failing over on a timeout leaves " +
    "two nodes that both believe they are the leader and both accept writes; when they meet " +
    "again, one side's acknowledged writes are discarded. A decision by a majority quorum prevents it.",
  variants: [
    {
      name: "unsafe",
      description: "primary/backup, async replication, the backup fails over on timeout",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "3 replicas: majority writes, majority reads, a new primary wins a majority",
      expectViolations: false,
    },
  ],
  properties: ["no-lost-acknowledged-write"],
  figures: [
    { name: "acknowledged", kind: "mean", description: "writes acknowledged to clients" },
    { name: "lost", kind: "sum", description: "acknowledged writes missing from the final read" },
    { name: "lost-mean", kind: "mean", description: "lost acknowledged writes per seed" },
    { name: "unknown", kind: "mean", description: "writes with unknown outcome (info)" },
    { name: "split-brain", kind: "rate", description: "seeds with two primaries at once" },
    { name: "split-ms", kind: "mean", unit: "ms", description: "time with two primaries" },
  ],
  tourSeeds: 1000,
  async run(options): Promise<SeedOutcome> {
    const mode: Mode = options.variant === "unsafe" ? "naive" : "quorum";
    const w = await runSplitBrainWorld({ seed: options.seed, mode, trace: options.trace });
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { "no-lost-acknowledged-write": w.verdict },
      figures: {
        acknowledged: w.acknowledged,
        lost: w.lost,
        "lost-mean": w.lost,
        unknown: w.unknown,
        "split-brain": w.maxPrimaries >= 2 ? 1 : 0,
        "split-ms": w.splitMs,
      },
      traceHash: combineHashes([w.hash]),
      events: w.events,
    };
  },
  report(summaries) {
    const lines = [
      `  ${"variant".padEnd(8)} ${"acked".padStart(6)} ${"lost".padStart(6)} ${"unknown".padStart(8)} ${"two primaries".padStart(14)} ${"for".padStart(8)}`,
    ];
    for (const s of summaries) {
      const mean = (n: string) => {
        const f = s.figures[n];
        return f === undefined || f.count === 0 ? NaN : f.sum / f.count;
      };
      lines.push(
        `  ${s.variant.padEnd(8)} ${mean("acknowledged").toFixed(1).padStart(6)} ` +
          `${mean("lost").toFixed(1).padStart(6)} ${mean("unknown").toFixed(1).padStart(8)} ` +
          `${((mean("split-brain") * 100).toFixed(0) + "% seeds").padStart(14)} ` +
          `${(mean("split-ms").toFixed(0) + " ms").padStart(8)}`,
      );
    }
    lines.push("  (means per seed; lost = acknowledged writes the final read does not show)");
    return lines;
  },
};
