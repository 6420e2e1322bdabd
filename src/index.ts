// murphy's public API, on one screen: write nodes and run a world (simulation), break it on
// purpose (faults), use the remedies in simulation and production (primitives, runtime), and check
// what clients saw (workload, check). Everything else is internal and may change.

// Core: seeds and randomness, time interfaces, typed errors.
export { Rng, Seed, ManualClock, probability, MurphyError, ConfigError, TimeoutError, AbortedError } from "./core/index.js";
export type { Clock, MonotonicClock, WallClock, TrueTimeInterval, Timers, TimerId, Random, Probability } from "./core/index.js";

// The simulated world.
export { Simulation } from "./world/index.js";
export type { NodeSpec, SimulationConfig, TimingConfig } from "./world/index.js";
export { NodeFailureError, checkDeterminism } from "./sim/index.js";
export type { Message, NodeContext, NodeFactory, NodeHandlers, NodeId, RunResult, Storage, TraceEvent } from "./sim/index.js";
export type { LatencySpec } from "./net/Latency.js";
export type { NetworkConfig, LinkOverride } from "./net/Network.js";

// Faults as data.
export {
  randomFaultSchedule, shrinkFaultSchedule, faultScheduleFromJson, faultScheduleToJson, describeFault, byzantineBehavior,
} from "./faults/index.js";
export type { FaultAction, FaultKind, ByzantineBehavior, ShrinkResult } from "./faults/index.js";

// The remedies.
export {
  constantBackoff, exponentialBackoff, fullJitterBackoff, equalJitterBackoff, decorrelatedJitterBackoff,
  retry, classifyError, TokenBucketRetryBudget, RatioRetryBudget,
  FixedTimeout, AdaptiveTimeout, withTimeout,
  HeartbeatFailureDetector, PhiAccrualFailureDetector, QuorumFailureDetector,
  createRequestId, DedupTable, RequestIdReuseError,
  LamportClock, compareLamport, VectorClock, HybridLogicalClock, compareHlc, ClockOffsetError, TrueTime,
  Lease, LeaseTable, LeaseExpiredError, LeaseHeldError, FencingTokenIssuer, FencedStore, StaleFencingTokenError,
} from "./primitives/index.js";
export type { Backoff, RetryOptions, HlcTimestamp } from "./primitives/index.js";

// Production defaults for the remedies: the real clock, timers and randomness.
export { realRuntime, RealClock, RealTimers, CryptoRandom } from "./runtime/index.js";

// Reference systems on the node API.
export { pbftConfig, pbftReplica, pbftClient, Keyring } from "./systems/pbft/index.js";
export type { PbftConfig, PbftOptions, PbftObserver, PbftClientOptions } from "./systems/pbft/index.js";
export { raftServer, raftConfig, RaftClient, RAFT_BUGS } from "./systems/raft/index.js";
export type { RaftConfigOptions, RaftBug, RaftClientOptions, RaftOutcome, LockGrant, RaftObserver } from "./systems/raft/index.js";

// Your own world to test: every command (run, sweeps, shards, replay, shrink) and the test API.
export { defineWorld } from "./scenarios/defineWorld.js";
export type { WorldSpec, WorldSetup, WorldFaultSetup, WorldResult, WorldCheck, CheckOutcome, WorldVariantSpec, WorldSimulationConfig } from "./scenarios/defineWorld.js";
export type { World, Verdict, SeedOutcome, RunSeedOptions } from "./scenarios/Scenario.js";
export { testWorld, WorldTestError, loadWorld, shrinkWorld } from "./sweep/index.js";
export type { TestWorldOptions, TestWorldResult, ShrinkWorldOptions, ShrinkWorldResult } from "./sweep/index.js";

// Histories and checkers.
export { HistoryRecorder, readHistoryJsonl, writeHistoryJsonl, readJepsenLog, readJepsenEdn } from "./workload/index.js";
export type { History, Operation, OperationStatus } from "./workload/index.js";
export {
  checkLinearizability, formatLinearizability, defineModel, registerModel, kvModel, setModel, queueModel, counterModel,
  checkFencing, checkUniqueness, checkDurability, checkCounter, checkSet, checkLiveness, checkByzantineAgreement,
} from "./check/index.js";
export type { Model, LinearizabilityResult, CheckReport, CheckVerdict } from "./check/index.js";
