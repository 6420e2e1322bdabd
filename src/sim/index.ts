export * from "./EventQueue.js";
export * from "./Kernel.js";
export * from "./KernelPromise.js";
export * from "./NodeApi.js";
export * from "./RunResult.js";
export * from "./Trace.js";
export * from "./WorldModels.js";
export * from "./checkDeterminism.js";
