export * from "./readTraceJsonl.js";
export * from "./spaceTimeDiagram.js";
export * from "./terminalSafe.js";
