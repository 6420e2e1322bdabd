export * from "./readTraceJsonl.js";
export * from "./spaceTimeDiagram.js";
