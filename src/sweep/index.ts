// The sweep layer's public part: the test-runner API, loading world files, shrinking a failing seed.
export { testWorld, WorldTestError } from "./testWorld.js";
export type { TestWorldOptions, TestWorldResult } from "./testWorld.js";
export { loadWorld } from "./loadWorld.js";
export { shrinkWorld } from "./shrinkWorld.js";
export { findFirstViolation } from "./findFirstViolation.js";
export type { FirstViolation } from "./findFirstViolation.js";
export type { ShrinkWorldOptions, ShrinkWorldResult } from "./shrinkWorld.js";
