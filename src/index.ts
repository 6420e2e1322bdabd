// murphy's public API, on one screen: write nodes and run a world (simulation), break it on
// purpose (faults), use the remedies in simulation and production (primitives, runtime), check
// what clients saw (workload, check) and draw what happened (report). Everything else is internal
// and may change.

// Core: seeds and randomness, time interfaces, typed errors.
export { Rng, Seed, ManualClock, probability, MurphyError, ConfigError, TimeoutError, AbortedError } from "./core/index.js";
export type { Clock, MonotonicClock, WallClock, TrueTimeInterval, Timers, TimerId, Random, Probability } from "./core/index.js";

// The simulated world.
export { Simulation } from "./world/index.js";
export type { NodeSpec, SimulationConfig, TimingConfig, LogEntry } from "./world/index.js";
export { NodeFailureError, EventLimitError, checkDeterminism } from "./sim/index.js";
export type { Message, NodeContext, NodeFactory, NodeHandlers, NodeId, RequestOptions, RunResult, StopReason, Storage, TraceEvent } from "./sim/index.js";
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
  EtcdLease, EtcdLock, LockWaitTimeoutError,
} from "./primitives/index.js";
export type { EtcdLeaseApi, EtcdLockApi, EtcdLeaseOptions, EtcdLockOptions, EtcdLeaseLoss } from "./primitives/index.js";
export type { Backoff, RetryOptions, ErrorClass, GiveUpReason, AttemptContext, RetryScheduledEvent, GiveUpEvent } from "./primitives/index.js";
export type { TimeoutPolicy, WithTimeoutOptions, HlcTimestamp } from "./primitives/index.js";

// Production defaults for the remedies: the real clock, timers and randomness.
export { realRuntime, RealClock, RealTimers, CryptoRandom } from "./runtime/index.js";
// etcd for real: a client for the adapters above, and a throwaway cluster for tests and demos.
export { EtcdHttpClient, EtcdRequestError, EtcdCluster, withEtcdCluster, EtcdNotInstalledError, EtcdStartError } from "./runtime/index.js";
export type { EtcdClusterOptions, EtcdMember } from "./runtime/index.js";

// The real world: the same nodes on TCP, real clocks and disks; a real test under injected faults.
export { startRealNode, RealNode, InjectableClock, FileStorage, runRealTest } from "./runtime/index.js";
export type { RealNodeOptions, Address, TransportOptions, ClockState, RealTestOptions, RealTestResult } from "./runtime/index.js";

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
export { HistoryRecorder, readHistoryJsonl, writeHistoryJsonl, readJepsenLog, readJepsenEdn, HistoryParseError, describeOperation } from "./workload/index.js";
export type { History, Operation, OperationStatus, OperationHandle, Value } from "./workload/index.js";
export {
  checkLinearizability, formatLinearizability, defineModel, registerModel, kvModel, setModel, queueModel, counterModel,
  checkFencing, checkUniqueness, checkDurability, checkCounter, checkSet, checkLiveness, checkByzantineAgreement,
  findTxnAnomalies, checkTxnConsistency,
} from "./check/index.js";
export type { Model, Call, LinearizabilityResult, LinearizabilityOptions, UnknownReason, CheckReport, CheckVerdict, TxnAnomaly, TxnConsistencyModel } from "./check/index.js";

// Nodes in any language through the Maelstrom protocol, and murphy's nodes as Maelstrom processes.
export { maelstromNode, runStdioNode, runSimulatedTest, runRealTest as runMaelstromRealTest, maelstromTestOptions, formatOutcome, MaelstromRpcError } from "./maelstrom/index.js";
export type { MaelstromTestInput, MaelstromTestOptions, MaelstromOutcome, NodeCommand, RealTestOptions as MaelstromRealTestOptions, SimulatedTestOptions } from "./maelstrom/index.js";

// Pictures of a run: a trace read back from JSON lines, drawn as a text space-time diagram.
export { spaceTimeDiagram, readTraceJsonl, TraceParseError } from "./report/index.js";
export type { SpaceTimeOptions } from "./report/index.js";
