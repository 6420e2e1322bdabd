export * from "./readTraceJsonl.js";
export * from "./spaceTimeDiagram.js";
export * from "./ReportData.js";
export * from "./RunRecorder.js";
export * from "./buildReportData.js";
export * from "./htmlReport.js";
export * from "./writeRunReport.js";
export * from "./tourIndexHtml.js";
