export * from "./Byzantine.js";
export * from "./FaultAction.js";
export * from "./FaultScheduleJson.js";
export * from "./RandomFaultSchedule.js";
export * from "./shrinkFaultSchedule.js";
