// Prints the closing "N passed, N failed" line from vitest's JSON report. A run whose report is
// missing (the build, typecheck or lint failed first) or that executed no test counts as failed.
import { existsSync, readFileSync } from "node:fs";
/* global process, console */

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText ?? "1");
if (!reportPath || !existsSync(reportPath)) {
  console.log(`no test report: the build, typecheck or lint step failed (exit ${status})`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const passed = report.numPassedTests ?? 0;
// A file that failed without a failing test (an import error, a crash in a hook) counts as one
// failure; vitest's numFailedTestSuites also counts describe blocks, so it would double count.
const brokenFiles = (report.testResults ?? []).filter(
  (file) =>
    file.status === "failed" &&
    !(file.assertionResults ?? []).some((test) => test.status === "failed"),
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if (passed + failed === 0) {
  console.log("the suite executed no test");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
