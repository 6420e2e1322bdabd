// Every scenario murphy knows, in the order the tour runs them.
import { ConfigError } from "../core/errors.js";
import { byzantineAgreement } from "./byzantine-agreement/ByzantineAgreementScenario.js";
import { clockDrift } from "./clock-drift/ClockDriftScenario.js";
import { congestion } from "./congestion/CongestionScenario.js";
import { effectBeforeCause } from "./effect-before-cause/EffectBeforeCauseScenario.js";
import { gcPauseSplitBrain } from "./gc-pause-split-brain/GcPauseSplitBrainScenario.js";
import { leaseClockJump } from "./lease-clock-jump/LeaseClockJumpScenario.js";
import { lwwSkew } from "./lww-skew/LwwSkewScenario.js";
import { partitionSplitBrain } from "./partition-split-brain/PartitionSplitBrainScenario.js";
import { raftKv } from "./raft/RaftKvWorld.js";
import { raftLock } from "./raft/RaftLockWorld.js";
import { quorumDetection } from "./quorum-detection/QuorumDetectionScenario.js";
import { requestResponse } from "./request-response/RequestResponseScenario.js";
import { retryStorm } from "./retry-storm/RetryStormScenario.js";
import type { Scenario } from "./Scenario.js";
import { systemModels } from "./system-models/SystemModelsScenario.js";
import { timeouts } from "./timeouts/TimeoutsScenario.js";
import { trueTimeCommitWait } from "./truetime-commit-wait/TrueTimeCommitWaitScenario.js";

export const SCENARIOS: readonly Scenario[] = [
  requestResponse,
  timeouts,
  congestion,
  retryStorm,
  quorumDetection,
  partitionSplitBrain,
  clockDrift,
  lwwSkew,
  effectBeforeCause,
  gcPauseSplitBrain,
  leaseClockJump,
  trueTimeCommitWait,
  byzantineAgreement,
  systemModels,
  raftKv,
  raftLock,
];

export function findScenario(name: string | undefined): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (scenario === undefined) {
    throw new ConfigError({
      field: "scenario",
      value: name,
      expected: name === undefined ? "given" : "the name of a scenario",
      fix: `run \`murphy list\`; known: ${SCENARIOS.map((s) => s.name).join(", ")}`,
    });
  }
  return scenario;
}
