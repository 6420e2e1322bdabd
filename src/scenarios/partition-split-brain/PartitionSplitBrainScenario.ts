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
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { History } from "../../workload/Operation.js";
import { defineWorld } from "../defineWorld.js";
import type { Scenario, Verdict } from "../Scenario.js";
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

// --- The world, defined with the same API a user has --------------------------------------------

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

const modeOf = (variant: string): SplitBrainMode => (variant === "unsafe" ? "naive" : "quorum");

interface RunState {
  watch: PrimaryWatch;
  schedule: Schedule;
}

type Durability = Pick<SplitBrainWorld, "acknowledged" | "lost" | "unknown" | "verdict">;

/** Each run's durability, worked out once for its check and its four figures. */
const durabilityByHistory = new WeakMap<History, Durability>();

/** What the durability checker makes of a world's history: acknowledged, lost and unknown writes. */
function durabilityOf(history: History): Durability {
  let durability = durabilityByHistory.get(history);
  if (durability === undefined) {
    durability = checkHistoryDurability(history);
    durabilityByHistory.set(history, durability);
  }
  return durability;
}

function checkHistoryDurability(history: History): Durability {
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

export const partitionSplitBrain: Scenario = defineWorld<RunState>({
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
  state: ({ seed, nowMs }) => ({ watch: new PrimaryWatch(nowMs), schedule: scheduleOf(seed) }),
  nodes({ variant, history, state }) {
    const mode = modeOf(variant);
    const { healAtMs } = state.schedule;
    const replicas = mode === "naive" ? ["n1", "n2"] : [...TRIO];
    let next = 0;
    const planFor = (finalRead: boolean): ClientPlan => ({
      mode,
      recorder: history,
      writesUntilMs: healAtMs + WRITE_AFTER_HEAL_MS,
      finalReadAtMs: finalRead ? healAtMs + FINAL_READ_AFTER_HEAL_MS : undefined,
      replicas,
      nextValue: () => ++next,
    });
    const nodes: Record<string, NodeFactory> = {};
    const replica = mode === "naive" ? naiveReplica : quorumReplica;
    for (const r of replicas) nodes[r] = replica(state.watch);
    nodes.c1 = splitBrainClient(planFor(true));
    nodes.c2 = splitBrainClient(planFor(false));
    return nodes;
  },
  simulation: { network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } } },
  // The old primary n1 ends up on one side with c1; the other replicas and c2 on the other.
  faults: ({ seed, nodeIds }): FaultAction[] => {
    const { partitionAtMs, healAtMs } = scheduleOf(seed);
    const replicas = nodeIds.filter((id) => id.startsWith("n"));
    return [
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
  },
  runForMs: ({ seed }) => scheduleOf(seed).healAtMs + FINAL_READ_AFTER_HEAL_MS + 1_000,
  onEnd: ({ state }) => state.watch.finish(),
  checks: {
    "no-lost-acknowledged-write": ({ history }) => durabilityOf(history).verdict,
  },
  figures: {
    acknowledged: {
      kind: "mean",
      description: "writes acknowledged to clients",
      value: ({ history }) => durabilityOf(history).acknowledged,
    },
    lost: {
      kind: "sum",
      description: "acknowledged writes missing from the final read",
      value: ({ history }) => durabilityOf(history).lost,
    },
    "lost-mean": {
      kind: "mean",
      description: "lost acknowledged writes per seed",
      value: ({ history }) => durabilityOf(history).lost,
    },
    unknown: {
      kind: "mean",
      description: "writes with unknown outcome (info)",
      value: ({ history }) => durabilityOf(history).unknown,
    },
    "split-brain": {
      kind: "rate",
      description: "seeds with two primaries at once",
      value: ({ state }) => (state.watch.maxPrimaries >= 2 ? 1 : 0),
    },
    "split-ms": {
      kind: "mean",
      unit: "ms",
      description: "time with two primaries",
      value: ({ state }) => state.watch.splitMs,
    },
  },
  defaultSeeds: 1000,
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
});

/** One world of the scenario with its figures, for tests that look inside a run. */
export async function runSplitBrainWorld(options: {
  seed: Seed;
  mode: SplitBrainMode;
}): Promise<SplitBrainWorld> {
  const outcome = await partitionSplitBrain.run({
    seed: options.seed,
    variant: options.mode === "naive" ? "unsafe" : "safe",
  });
  return {
    history: outcome.history ?? [],
    acknowledged: outcome.figures.acknowledged!,
    lost: outcome.figures.lost!,
    unknown: outcome.figures.unknown!,
    verdict: outcome.properties["no-lost-acknowledged-write"]!,
    maxPrimaries: outcome.figures["split-brain"]! >= 1 ? 2 : 1,
    splitMs: outcome.figures["split-ms"]!,
    hash: outcome.traceHash,
    events: outcome.events,
  };
}
