// Renders a linearizability result as text for a terminal: the verdict in one line, and for an
// illegal history the longest order that worked, the state it reached, and each operation that
// could not come next, with why.

import type {
  LinearizabilityResult,
  OperationReport,
  PartialLinearization,
} from "./LinearizabilityResult.js";

export function formatLinearizability(result: LinearizabilityResult): string {
  const { stats } = result;
  const took = stats.elapsedMs === undefined ? "" : ` in ${stats.elapsedMs.toFixed(0)} ms`;
  const size =
    `${stats.operations} operations, ${stats.partitions} part${stats.partitions === 1 ? "" : "s"}, ` +
    `${stats.steps} steps, ${stats.visitedStates} states${took}`;
  if (result.verdict === "ok") {
    return `ok: linearizable as a ${result.model} (${size})\n`;
  }
  if (result.verdict === "unknown") {
    const why = {
      timeout: "the time budget ran out",
      memory: "the memory budget ran out",
      steps: "the step budget ran out",
    }[result.reason];
    const parts = result.undecided.slice(0, 5).join(", ");
    const more = result.undecided.length > 5 ? ` and ${result.undecided.length - 5} more` : "";
    return (
      `unknown: ${why} before a verdict (${size}); undecided: ${parts}${more}\n` +
      "  raise --timeout-ms or --max-memory-mb, or check fewer operations\n"
    );
  }
  const lines = [
    `illegal: not linearizable as a ${result.model}; in part ${result.partition} (${size})`,
  ];
  for (const longest of result.longest) lines.push(...formatPartial(longest));
  return lines.join("\n") + "\n";
}

function formatPartial(p: PartialLinearization): string[] {
  const lines = [
    `  longest legal order found (${p.operations.length} operation${p.operations.length === 1 ? "" : "s"}):`,
  ];
  const shown = p.operations.length > 20 ? p.operations.slice(-20) : p.operations;
  if (shown.length < p.operations.length) {
    lines.push(`    ... ${p.operations.length - shown.length} earlier operations`);
  }
  const first = p.operations.length - shown.length;
  shown.forEach((op, k) => lines.push(`    ${first + k + 1}. ${formatOperation(op)}`));
  lines.push(`  state after it: ${p.stateAfter}`);
  lines.push(`  ${formatOperation(p.blocked)} completed, but cannot be linearised:`);
  for (const c of p.candidates) lines.push(`    - ${formatOperation(c.operation)}: ${c.reason}`);
  return lines;
}

/** `p2 read() → 1  [line 6, 4..5 µs]` */
export function formatOperation(op: OperationReport): string {
  const end = op.completeMicros === undefined ? "open" : String(op.completeMicros);
  const where = op.line === undefined ? `op ${op.id}` : `line ${op.line}`;
  const status = op.status === "ok" ? "" : ` (${op.status})`;
  return `p${op.process} ${op.text}${status}  [${where}, ${op.invokeMicros}..${end}]`;
}
