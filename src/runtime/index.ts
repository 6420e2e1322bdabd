export * from "./CryptoRandom.js";
export * from "./RealClock.js";
export * from "./RealTimers.js";
export * from "./realRuntime.js";
export * from "./etcd/index.js";
