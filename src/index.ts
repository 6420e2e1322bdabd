// murphy's public API. Kept deliberately small: what a user needs to write nodes, run a world,
// use the remedies and check histories.
export * from "./core/index.js";
export * from "./primitives/index.js";
export { CryptoRandom, RealClock, RealTimers, realRuntime } from "./runtime/index.js";
