// The fault mixes the Raft worlds are swept under, each drawn per seed by murphy's swarm generator
// (randomFaultSchedule: a random subset of the mix's kinds at a random intensity): partitions
// (group, majority/minority, isolation, rings, one-way cuts, links down); crash-recovery (the
// servers' disks lose what was not synced); pauses; clock drift and jumps; duplication and
// reordering (bursts of duplicates, loss and slowness over a network that reorders anyway); and
// all of them together. Every fault has ended by `quietTailMs` before the end, so the liveness
// check can ask that the cluster recovers.

import type { Rng } from "../../core/Rng.js";
import type { FaultAction, FaultKind } from "../../faults/FaultAction.js";
import {
  DEFAULT_RANDOM_FAULT_KINDS,
  faultEndMs,
  randomFaultSchedule,
} from "../../faults/RandomFaultSchedule.js";
import type { WorldSimulationConfig } from "../defineWorld.js";

export const FAULT_MIXES = {
  partitions: ["partition", "partition-majority", "isolate", "ring", "cut", "link-down"],
  crashes: ["crash"],
  pauses: ["pause"],
  clocks: ["clock-drift", "clock-jump"],
  network: ["duplicate", "loss", "slow"],
  all: DEFAULT_RANDOM_FAULT_KINDS,
} as const satisfies Record<string, readonly FaultKind[]>;

export type FaultMix = keyof typeof FAULT_MIXES;

export const FAULT_MIX_NAMES = Object.keys(FAULT_MIXES) as FaultMix[];

export const FAULT_MIX_DESCRIPTIONS: Record<FaultMix, string> = {
  partitions: "partitions: groups, minorities, isolation, rings, one-way cuts, links down",
  crashes: "crash-recovery; unsynced writes of a crashed server are lost",
  pauses: "process pauses (GC, VM suspension)",
  clocks: "clock drift and clock jumps",
  network: "duplication, loss and slowness bursts over a reordering network",
  all: "every kind at once, swarm-drawn per seed",
};

export interface RaftFaultOptions {
  mix: FaultMix;
  /** The nodes that get every kind of fault (the servers). */
  servers: readonly string[];
  /** Nodes that may only be paused (e.g. lock holders), in the mixes that pause. */
  pausable?: readonly string[];
  runForMs: number;
  quietTailMs: number;
}

/** The seed's fault schedule under `mix`. */
export function raftFaultSchedule(
  random: (label: string) => Rng,
  o: RaftFaultOptions,
): FaultAction[] {
  const kinds = FAULT_MIXES[o.mix];
  const common = { durationMs: o.runForMs, quietTailMs: o.quietTailMs };
  const actions = randomFaultSchedule(random("faults"), {
    ...common,
    nodes: o.servers,
    kinds,
  }).actions;
  if ((o.pausable ?? []).length > 0 && (kinds as readonly FaultKind[]).includes("pause")) {
    const pauses = randomFaultSchedule(random("client-pauses"), {
      ...common,
      nodes: o.pausable!,
      kinds: ["pause"],
    });
    actions.push(...pauses.actions);
  }
  // EXPERIMENT
  const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
    .process.env;
  if (env.STORM && (kinds as readonly FaultKind[]).includes("crash")) {
    const r = random("storm");
    const gap = Number(env.STORM);
    for (const node of o.servers) {
      for (
        let t = r.exponential(gap);
        t < o.runForMs - o.quietTailMs - 100;
        t += r.exponential(gap)
      ) {
        actions.push({
          atMs: Math.round(t),
          kind: "crash",
          node,
          recoverAfterMs: Math.round(r.uniform(1, 40)),
        });
      }
    }
  }
  return actions.sort((a, b) => a.atMs - b.atMs);
}

/** The network of every mix: 1–10 ms of latency (so messages overtake one another). */
export function raftSimulation(mix: FaultMix): WorldSimulationConfig {
  const latency = { kind: "uniform" as const, minMs: 1, maxMs: 10 };
  if (mix !== "network" && mix !== "all") return { network: { latency } };
  // Forced reordering on top: a few messages are held back by up to 50 ms.
  return { network: { latency, reorderProbability: 0.05, reorderWindowMs: 50 } };
}

/** When the last fault of a schedule ended (0 for none), in µs. */
export function healedAtMicros(faults: readonly FaultAction[]): number {
  return Math.round(faults.reduce((t, a) => Math.max(t, faultEndMs(a)), 0) * 1000);
}
