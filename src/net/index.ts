export * from "./Latency.js";
export * from "./SwitchQueue.js";
export * from "./Network.js";
export * from "./BoundedDelayNetwork.js";
