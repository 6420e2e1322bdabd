// Every scenario murphy knows, in the order the tour runs them.
import { ConfigError } from "../core/errors.js";
import { byzantineAgreement } from "./ByzantineAgreementScenario.js";
import { clockDrift } from "./ClockDriftScenario.js";
import { congestion } from "./CongestionScenario.js";
import { effectBeforeCause } from "./EffectBeforeCauseScenario.js";
import { gcPauseSplitBrain } from "./GcPauseSplitBrainScenario.js";
import { leaseClockJump } from "./LeaseClockJumpScenario.js";
import { lwwSkew } from "./LwwSkewScenario.js";
import { partitionSplitBrain } from "./PartitionSplitBrainScenario.js";
import { quorumDetection } from "./QuorumDetectionScenario.js";
import { requestResponse } from "./RequestResponseScenario.js";
import { retryStorm } from "./RetryStormScenario.js";
import type { Scenario } from "./Scenario.js";
import { systemModels } from "./SystemModelsScenario.js";
import { timeouts } from "./TimeoutsScenario.js";
import { trueTimeCommitWait } from "./TrueTimeCommitWaitScenario.js";

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
