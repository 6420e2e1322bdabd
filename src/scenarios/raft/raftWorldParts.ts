// What the two Raft worlds share: the cluster, how a client's outcome is recorded, and the
// liveness check after the faults heal.

import { checkLiveness, type LivenessReport } from "../../check/checkLiveness.js";
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

// EXPERIMENT (temporary): env overrides
/* eslint-disable */
const ENV = (globalThis as any).process?.env ?? {};
export const SERVERS = ENV.RAFT_N === "5" ? ["n1", "n2", "n3", "n4", "n5"] : ["n1", "n2", "n3"];
const EXP: Partial<RaftConfigOptions> = {
  ...(ENV.EMIN ? { electionTimeoutMsMin: Number(ENV.EMIN) } : {}),
  ...(ENV.EMAX ? { electionTimeoutMsMax: Number(ENV.EMAX) } : {}),
  ...(ENV.LAZY ? { lazySyncMs: Number(ENV.LAZY) } : {}),
  ...(ENV.NOOP ? { leaderNoop: ENV.NOOP === "1" } : {}),
  ...(ENV.MAXE ? { maxEntriesPerAppend: Number(ENV.MAXE) } : {}),
};

/** Every fault has ended this long before the run does. */
export const QUIET_TAIL_MS = 4_000;
/** After the last fault ends, the cluster has this long to elect a leader and catch up … */
export const RECOVERY_MS = 2_000;
/** … and from then on every operation must be answered within this. */
export const ANSWER_MS = 1_000;

export function raftServers(
  bug: RaftBug | undefined,
  agreement: ReplicaAgreement,
  options: Partial<RaftConfigOptions> = {},
): Record<string, NodeFactory> {
  const config: RaftConfigOptions = {
    servers: SERVERS,
    ...EXP,
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
