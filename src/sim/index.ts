export * from "./EventQueue.js";
export * from "./KernelPromise.js";
export * from "./NodeApi.js";
export * from "./RunResult.js";
export * from "./Simulation.js";
export * from "./SimulationConfig.js";
export * from "./Trace.js";
export * from "./checkDeterminism.js";
