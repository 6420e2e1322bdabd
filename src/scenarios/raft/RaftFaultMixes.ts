// The fault mixes the Raft worlds are swept under, each drawn per seed by murphy's swarm generator
// (randomFaultSchedule: a random subset of the mix's kinds at a random intensity): partitions
// (group, majority/minority, isolation, rings, one-way cuts, links down); crash-recovery (the
// servers' disks lose what was not synced); pauses; clock drift and jumps; duplication and
// reordering (bursts of duplicates, loss and slowness over a network that reorders anyway); all
// of them together; and leader churn — crashes, one-way cuts, links down and pauses, every one of
// them in every seed — the mix the planted bugs are hunted under. The mixes with crashes add correlated crashes the swarm's independent
// lanes rarely make: a power outage of every server at once, and restart storms. Every fault has ended by `quietTailMs` before the end, so the liveness
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
  churn: ["crash", "cut", "link-down", "pause"],
  all: DEFAULT_RANDOM_FAULT_KINDS,
} as const satisfies Record<string, readonly FaultKind[]>;

export type FaultMix = keyof typeof FAULT_MIXES;

export const FAULT_MIX_NAMES = Object.keys(FAULT_MIXES) as FaultMix[];

export const FAULT_MIX_DESCRIPTIONS: Record<FaultMix, string> = {
  partitions: "partitions: groups, minorities, isolation, rings, one-way cuts, links down",
  crashes:
    "crash-recovery: single crashes, power outages of every server, restart storms; what a server had not synced is lost",
  pauses: "process pauses (GC, VM suspension)",
  clocks: "clock drift and clock jumps",
  network: "duplication, loss and slowness bursts over a reordering network",
  churn:
    "leader churn: crashes and restarts, one-way cuts, links down and pauses, all in every seed",
  all: "every kind at once, swarm-drawn per seed",
};

export interface RaftFaultOptions {
  mix: FaultMix;
  /** The nodes that get every kind of fault (the servers). */
  servers: readonly string[];
  /** Nodes that may only be paused (e.g. lock holders), in the mixes that pause. */
  pausable?: readonly string[];
  /** The other nodes (clients, storage): a partition puts each on one side or the other. */
  others?: readonly string[];
  runForMs: number;
  quietTailMs: number;
}

/** The seed's fault schedule under `mix`. */
export function raftFaultSchedule(
  random: (label: string) => Rng,
  o: RaftFaultOptions,
): FaultAction[] {
  const kinds = FAULT_MIXES[o.mix];
  // Churn turns every kind of its menu on in every seed: it is the mix that hunts planted bugs,
  // which need a leader to change while some servers still hear it and others do not.
  const common = {
    durationMs: o.runForMs,
    quietTailMs: o.quietTailMs,
    ...(o.mix === "churn" ? { enableAll: true } : {}),
  };
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
  placeOthers(random("placement"), actions, o.servers, o.others ?? []);
  if ((kinds as readonly FaultKind[]).includes("crash")) {
    actions.push(...powerOutage(random("outage"), o), ...restartStorm(random("storm"), o));
  }
  return actions.sort((a, b) => a.atMs - b.atMs);
}

/**
 * The swarm draws partitions over the servers; a client or storage node is somewhere in the
 * network too. Each group partition puts each of them on a side drawn at random (a minority
 * leader then still hears from some clients — the classic split brain), where they would
 * otherwise land together in a group of their own, cut off from every server.
 */
function placeOthers(
  r: Rng,
  actions: FaultAction[],
  servers: readonly string[],
  others: readonly string[],
): void {
  if (others.length === 0) return;
  actions.forEach((a, i) => {
    if (a.kind !== "partition" && a.kind !== "partition-majority") return;
    const groups =
      a.kind === "partition"
        ? a.groups.map((g) => [...g])
        : [[...a.minority], servers.filter((id) => !a.minority.includes(id))];
    for (const node of others) groups[r.int(groups.length)]!.push(node);
    actions[i] = { atMs: a.atMs, kind: "partition", groups };
  });
}

/**
 * Correlated crashes, which independent per-server crash lanes almost never produce. In half the
 * seeds, a power outage: every server crashes at the same instant (losing whatever it had not
 * synced) and each comes back after its own delay.
 */
function powerOutage(r: Rng, o: RaftFaultOptions): FaultAction[] {
  const endMs = o.runForMs - o.quietTailMs;
  if (!r.chance(0.5)) return [];
  const atMs = Math.round(r.uniform(0, endMs - 1_000));
  return o.servers.map((node) => ({
    atMs,
    kind: "crash" as const,
    node,
    recoverAfterMs: Math.round(r.uniform(1, 500)),
  }));
}

/**
 * In half the seeds, a restart storm: for a second or two, servers restart every ~150 ms each,
 * down for a few ms at a time — a crash-looping deployment, or a nemesis that kills processes
 * as fast as they come back. Elections run constantly, and voters restart in the middle of them.
 */
function restartStorm(r: Rng, o: RaftFaultOptions): FaultAction[] {
  const endMs = o.runForMs - o.quietTailMs;
  if (!r.chance(0.5)) return [];
  const fromMs = r.uniform(0, endMs - 2_000);
  const untilMs = fromMs + r.uniform(500, 2_000);
  const out: FaultAction[] = [];
  for (const node of o.servers) {
    const lane = r.derive(node);
    for (let t = fromMs + lane.exponential(150); t < untilMs; t += lane.exponential(150)) {
      out.push({
        atMs: Math.round(t),
        kind: "crash",
        node,
        recoverAfterMs: Math.round(lane.uniform(1, 40)),
      });
      t += 40;
    }
  }
  return out;
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
