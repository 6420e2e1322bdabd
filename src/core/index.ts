export * from "./assert.js";
export * from "./Clock.js";
export * from "./errors.js";
export * from "./ManualClock.js";
export * from "./Rng.js";
export * from "./units.js";
export * from "./validate.js";
