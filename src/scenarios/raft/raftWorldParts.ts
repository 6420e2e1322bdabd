// What the two Raft worlds share: the cluster, how a client's outcome is recorded, and the
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
import { healedAtMicros } from "./RaftFaultMixes.js";
import type { ReplicaAgreement } from "./ReplicaAgreement.js";

export const SERVERS = ["n1", "n2", "n3"];

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
