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

import { figureMean } from "../VariantSummary.js";
import { Rng, type Seed } from "../../core/Rng.js";
import { checkDurability } from "../../check/checkDurability.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { TraceOptions } from "../../sim/Trace.js";
import { HistoryRecorder } from "../../workload/HistoryRecorder.js";
import type { History } from "../../workload/Operation.js";
import { combineHashes, type Scenario, type SeedOutcome, type Verdict } from "../Scenario.js";
import { type ClientPlan, type SplitBrainMode, splitBrainClient } from "./SplitBrainClient.js";
import { naiveReplica } from "./SplitBrainNaiveReplica.js";
import { PrimaryWatch } from "./SplitBrainPrimaryWatch.js";
import { TRIO, quorumReplica } from "./SplitBrainQuorumReplica.js";

const PARTITION_AT_MS_MIN = 300;
const PARTITION_AT_MS_MAX = 800;
const PARTITION_MS_MIN = 100;
const PARTITION_MS_MAX = 2_500;
/** Clients keep writing this long after the heal; the final read comes after the settling time. */
const WRITE_AFTER_HEAL_MS = 500;
const FINAL_READ_AFTER_HEAL_MS = 1_500;

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
  mode: SplitBrainMode;
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
  nodes.c1 = splitBrainClient(planFor(true));
  nodes.c2 = splitBrainClient(planFor(false));
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
  return {
    history,
    ...durabilityOf(history),
    maxPrimaries: watch.maxPrimaries,
    splitMs: watch.splitMs,
    hash: result.traceHash,
    events: result.events,
  };
}

/** What the durability checker makes of a world's history: acknowledged, lost and unknown writes. */
function durabilityOf(
  history: History,
): Pick<SplitBrainWorld, "acknowledged" | "lost" | "unknown" | "verdict"> {
  const finalRead = history.find((op) => op.f === "read" && op.status === "ok");
  const durability = checkDurability({
    writes: history
      .filter((op) => op.f === "write")
      .map((op) => ({ value: op.input, outcome: op.status })),
    finalReads: finalRead === undefined ? [] : [{ values: finalRead.output as readonly number[] }],
  });
  return {
    acknowledged: durability.acknowledged,
    lost: durability.violations.filter((v) => v.kind === "lost-write").length,
    unknown: history.filter((op) => op.f === "write" && op.status === "info").length,
    verdict:
      durability.verdict === "ok"
        ? "held"
        : durability.verdict === "illegal"
          ? "violated"
          : "unknown",
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
    const mode: SplitBrainMode = options.variant === "unsafe" ? "naive" : "quorum";
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
      const mean = (n: string) => figureMean(s, n);
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
