// murphy's public API. Kept deliberately small: what a user needs to write nodes, run a world,
// use the remedies and check histories.
export * from "./core/index.js";
export * from "./primitives/index.js";
export {
  Simulation,
  NodeFailureError,
  Trace,
  checkDeterminism,
  type Message,
  type NodeContext,
  type NodeFactory,
  type NodeHandlers,
  type NodeId,
  type NodeSpec,
  type RunResult,
  type SimulationConfig,
  type Storage,
  type TraceEvent,
} from "./sim/index.js";
export * from "./faults/index.js";
export type { LatencySpec } from "./net/Latency.js";
export type { NetworkConfig, LinkOverride } from "./net/Network.js";
export { CryptoRandom, RealClock, RealTimers, realRuntime } from "./runtime/index.js";
export * from "./workload/index.js";
export * from "./check/index.js";
