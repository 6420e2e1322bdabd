// Renders a linearizability result as text for a terminal: the verdict in one line, and for an
// illegal history the longest order that worked, the state it reached, what the model expected of
// the operation that could not come next against what its client saw, and each operation that
// could not come next, with why. Times are shown in ms with their unit; a history read from a
// Jepsen file has no times, only an order, and is shown so.

import { showValue } from "../workload/Value.js";
import type {
  LinearizabilityResult,
  OperationReport,
  PartialLinearization,
} from "./LinearizabilityResult.js";

export interface FormatLinearizabilityOptions {
  /**
   * What the history's times are: `"micros"` (the default), integer microseconds as murphy
   * records them, shown in ms; or `"order"`, positions in a file (Jepsen logs and EDN, read by
   * `readJepsenLog`/`readJepsenEdn`), shown as event numbers.
   */
  readonly times?: "micros" | "order" | undefined;
}

export function formatLinearizability(
  result: LinearizabilityResult,
  options: FormatLinearizabilityOptions = {},
): string {
  const { stats } = result;
  const took = stats.elapsedMs === undefined ? "" : ` in ${stats.elapsedMs.toFixed(0)} ms`;
  const size =
    `${stats.operations} operations, ${stats.partitions} part${stats.partitions === 1 ? "" : "s"}, ` +
    `${stats.steps} steps, ${stats.visitedStates} states${took}`;
  if (result.verdict === "ok") {
    return `ok: linearizable as a ${result.model} (${size})\n`;
  }
  if (result.verdict === "unknown") {
    const [why, fix] = {
      steps: ["the step budget ran out", "raise --max-steps (maxSteps)"],
      memory: ["the state budget ran out", "raise --max-state-mb (maxStateBytes)"],
      timeout: ["the wall-time guard ran out", "raise --timeout-ms (timeoutMs)"],
      heap: [
        "the heap was nearly full (a stop that depends on the machine)",
        "give node a larger heap (--max-old-space-size) or lower --max-state-mb",
      ],
    }[result.reason];
    const parts = result.undecided.slice(0, 5).join(", ");
    const more = result.undecided.length > 5 ? ` and ${result.undecided.length - 5} more` : "";
    return (
      `unknown: ${why} before a verdict (${size}); undecided: ${parts}${more}\n` +
      `  ${fix}, or check fewer operations\n`
    );
  }
  const lines = [
    `illegal: not linearizable as a ${result.model}; in part ${result.partition} (${size})`,
  ];
  const times = options.times ?? "micros";
  for (const longest of result.longest) lines.push(...formatPartial(longest, times));
  return lines.join("\n") + "\n";
}

type Times = NonNullable<FormatLinearizabilityOptions["times"]>;

function formatPartial(p: PartialLinearization, times: Times): string[] {
  const formatOp = (op: OperationReport) => formatOperation(op, times);
  const lines = [
    `  longest legal order found (${p.operations.length} operation${p.operations.length === 1 ? "" : "s"}):`,
  ];
  const shown = p.operations.length > 20 ? p.operations.slice(-20) : p.operations;
  if (shown.length < p.operations.length) {
    lines.push(`    ... ${p.operations.length - shown.length} earlier operations`);
  }
  const first = p.operations.length - shown.length;
  shown.forEach((op, k) => lines.push(`    ${first + k + 1}. ${formatOp(op)}`));
  lines.push(`  state after it: ${p.stateAfter}`);
  lines.push(`  ${formatOp(p.blocked)} completed, but cannot be linearised:`);
  if (p.expected !== undefined) {
    lines.push(`    expected: ${showValue(p.expected)}  (what the model returns in that state)`);
    lines.push(`    seen:     ${showValue(p.blocked.output)}  (what the client got)`);
  }
  for (const c of p.candidates) lines.push(`    - ${formatOp(c.operation)}: ${c.reason}`);
  return lines;
}

/**
 * `p2 read() → 1  [line 6, 0.040..0.050 ms]`: the process, the call, and where it came from with
 * its interval (ms; or event numbers for a history whose times are an order, `[line 6, events
 * 4..5]`). An `info` operation is open to the end.
 */
export function formatOperation(op: OperationReport, times: Times = "micros"): string {
  const where = op.line === undefined ? `op ${op.id}` : `line ${op.line}`;
  const status = op.status === "ok" ? "" : ` (${op.status})`;
  return `p${op.process} ${op.text}${status}  [${where}, ${formatInterval(op, times)}]`;
}

function formatInterval(op: OperationReport, times: Times): string {
  const end = op.completeMicros;
  if (times === "order") return `events ${op.invokeMicros}..${end ?? "open"}`;
  const ms = (micros: number) => (micros / 1000).toFixed(3);
  return end === undefined
    ? `${ms(op.invokeMicros)} ms..open`
    : `${ms(op.invokeMicros)}..${ms(end)} ms`;
}
