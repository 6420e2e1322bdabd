export * from "./Latency.js";
export * from "./SwitchQueue.js";
