// What the two Raft worlds share: the cluster, the variants with their fault mixes and schedules,
// the replicas' agreement (a check and two figures), how a client's outcome is recorded, and the
// liveness check after the faults heal.

import { checkLiveness, type LivenessReport } from "../../check/checkLiveness.js";
import type { Rng } from "../../core/Rng.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import type { RaftOutcome } from "../../systems/raft/RaftClient.js";
import type { RaftBug } from "../../systems/raft/RaftBugs.js";
import type { RaftConfigOptions } from "../../systems/raft/RaftConfig.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { raftServer } from "../../systems/raft/RaftServer.js";
import type { OperationHandle } from "../../workload/HistoryRecorder.js";
import type { Value } from "../../workload/Value.js";
import type { WorldNodeSetup, WorldResult, WorldSpec } from "../defineWorld.js";
import { healedAtMicros, raftFaultSchedule, raftSimulation } from "./RaftFaultMixes.js";
import { parseRaftVariant, raftVariants } from "./RaftWorldVariants.js";
import { ReplicaAgreement } from "./ReplicaAgreement.js";

export const SERVERS = ["n1", "n2", "n3"];

/** Simulated length of one run. */
export const RUN_MS = 12_000;

export interface RaftWorldState {
  agreement: ReplicaAgreement;
}

/**
 * The parts of a Raft world's spec that do not depend on its clients: the variants (the showcase
 * bug for `unsafe`, the planted bugs and the fault mixes), the replicas' agreement, the network
 * and fault schedule of the variant's mix, and the run's length. `others` are the non-servers a
 * partition puts on one side or the other; `pausable` those that may also be paused.
 */
export function raftWorldBase(
  showcase: RaftBug,
  bugs: readonly RaftBug[],
  nonServers: { others: readonly string[]; pausable?: readonly string[] },
): Pick<WorldSpec<RaftWorldState>, "variants" | "state" | "simulation" | "faults" | "runForMs"> {
  return {
    variants: raftVariants(showcase, bugs),
    state: () => ({ agreement: new ReplicaAgreement() }),
    simulation: ({ variant }) => raftSimulation(parseRaftVariant(variant, showcase).mix),
    faults: ({ variant, random, runForMs }) =>
      raftFaultSchedule(random, {
        mix: parseRaftVariant(variant, showcase).mix,
        servers: SERVERS,
        ...nonServers,
        runForMs,
        quietTailMs: QUIET_TAIL_MS,
      }),
    runForMs: RUN_MS,
  };
}

/** The variant's servers (with its planted bug, if any) under a configuration drawn per seed. */
export function raftCluster(
  showcase: RaftBug,
  { variant, random, state }: WorldNodeSetup<RaftWorldState>,
): Record<string, NodeFactory> {
  const { bug } = parseRaftVariant(variant, showcase);
  return raftServers(bug, state.agreement, drawRaftConfig(random("config")));
}

/** How often leadership changed, and in how many terms two servers led at once. */
export const agreementFigures: Record<string, (result: WorldResult<RaftWorldState>) => number> = {
  leaderships: ({ state }) => state.agreement.leaderships,
  "two-leader-terms": ({ state }) => state.agreement.twoLeaderTerms,
};

/** Every fault has ended this long before the run does. */
export const QUIET_TAIL_MS = 4_000;
/** After the last fault ends, the cluster has this long to elect a leader and catch up … */
export const RECOVERY_MS = 2_000;
/** … and from then on every operation must be answered within this. */
export const ANSWER_MS = 1_000;

/**
 * The cluster's configuration is drawn per seed too (swarm testing over knobs, as over faults):
 * whether a new leader appends a no-op, how many entries an append carries, how wide the
 * election timeout's range is. Every draw is a correct configuration; each exposes different
 * interleavings — one entry per append lets an old entry reach a majority ahead of the new
 * leader's own, which is what the commit rule is for.
 */
export function drawRaftConfig(r: Rng): Omit<RaftConfigOptions, "servers" | "bugs"> {
  return {
    leaderNoop: r.chance(0.5),
    maxEntriesPerAppend: r.pick([1, 4, 64]),
    electionTimeoutMsMin: 150,
    electionTimeoutMsMax: r.pick([200, 300]),
    snapshotEvery: r.pick([50, 1_000]),
  };
}

export function raftServers(
  bug: RaftBug | undefined,
  agreement: ReplicaAgreement,
  options: Omit<RaftConfigOptions, "servers" | "bugs">,
): Record<string, NodeFactory> {
  const config: RaftConfigOptions = {
    servers: SERVERS,
    ...options,
    bugs: bug === undefined ? [] : [bug],
  };
  const factory = raftServer(config, agreement.observer);
  return Object.fromEntries(SERVERS.map((id) => [id, factory]));
}

/** Reports a client library outcome into the history. */
export function record<R>(
  op: OperationHandle,
  outcome: RaftOutcome<R>,
  output: (r: R) => Value,
): void {
  if (outcome.status === "ok") op.ok(output(outcome.result));
  else if (outcome.status === "fail") op.fail(outcome.error);
  else op.info(outcome.error);
}

/** Progress after the heal: see checkLiveness. */
export function livenessAfterHeal(
  history: Parameters<typeof checkLiveness>[0]["history"],
  faults: readonly FaultAction[],
  endMicros: number,
): LivenessReport {
  return checkLiveness({
    history,
    healedAtMicros: healedAtMicros(faults),
    recoveryMicros: RECOVERY_MS * 1000,
    latencyMicros: ANSWER_MS * 1000,
    endMicros,
  });
}
