export * from "./Byzantine.js";
export * from "./FaultAction.js";
