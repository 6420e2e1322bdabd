export * from "./EdnReader.js";
export * from "./HistoryParseError.js";
export * from "./HistoryRecorder.js";
export * from "./JepsenHistory.js";
export * from "./MurphyJsonl.js";
export * from "./Operation.js";
export * from "./Value.js";
