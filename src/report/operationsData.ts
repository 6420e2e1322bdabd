// A world's client operations for the report, and where its checks found a violation. A
// linearizability counterexample is kept whole — the operations that cannot be linearised and the
// longest partial linearisations with the operation each got stuck on — so the page can draw it
// over the client timeline as Porcupine's visualiser does. The violation is placed where it
// happened: at the moment the blocked operation returned a value no legal order allows.

import type { LinearizabilityResult } from "../check/LinearizabilityResult.js";
import type { CheckReport } from "../check/CheckReport.js";
import type { History } from "../workload/Operation.js";
import { showValue } from "../workload/Value.js";
import type {
  LinearizabilityData,
  OperationData,
  PartialData,
  ViolationData,
} from "./ReportData.js";

export function operationsData(
  history: History | undefined,
  lane: (name: string | undefined) => number,
): OperationData[] {
  return (history ?? []).map((op) => {
    const data: OperationData = {
      id: op.id,
      process: String(op.process),
      node: lane(String(op.process)),
      f: op.f,
      input: op.input === null ? "" : showValue(op.input),
      output: op.status === "ok" && op.output !== null ? showValue(op.output) : "",
      status: op.status,
      invokeMicros: op.invokeMicros,
    };
    if (op.completeMicros !== undefined) data.completeMicros = op.completeMicros;
    if (op.error !== undefined) data.error = op.error;
    return data;
  });
}

type IllegalLinearizability = Extract<LinearizabilityResult, { verdict: "illegal" }>;

function isLinearizability(answer: unknown): answer is LinearizabilityResult {
  return typeof answer === "object" && answer !== null && "model" in answer && "stats" in answer;
}

function isCheckReport(answer: unknown): answer is CheckReport {
  return (
    typeof answer === "object" && answer !== null && "summary" in answer && "violations" in answer
  );
}

/** The first illegal linearizability answer among the checks, as the page draws it. */
export function linearizabilityData(
  checks: Readonly<Record<string, unknown>> | undefined,
): LinearizabilityData | null {
  for (const [property, answer] of Object.entries(checks ?? {})) {
    if (!isLinearizability(answer) || answer.verdict !== "illegal") continue;
    return {
      property,
      model: answer.model,
      partition: answer.partition,
      unlinearizable: answer.unlinearizable.map((op) => op.id),
      longest: answer.longest.map(partialData),
    };
  }
  return null;
}

function partialData(p: IllegalLinearizability["longest"][number]): PartialData {
  const data: PartialData = {
    partition: p.partition,
    operations: p.operations.map((op) => op.id),
    texts: p.operations.map((op) => op.text),
    stateAfter: p.stateAfter,
    blocked: p.blocked.id,
    blockedText: p.blocked.text,
    candidates: p.candidates.map((c) => ({ operation: c.operation.id, reason: c.reason })),
  };
  if (p.expected !== undefined) data.expected = showValue(p.expected);
  return data;
}

/**
 * Where each violated check's violation happened, when it can be placed in time: a linearizability
 * violation at the return of the operation no legal order allows. A check whose report names no
 * operation is listed without a place (the verdict panel still shows its words).
 */
export function violationsData(
  checks: Readonly<Record<string, unknown>> | undefined,
  ops: readonly OperationData[],
): ViolationData[] {
  const out: ViolationData[] = [];
  const byId = new Map(ops.map((op) => [op.id, op]));
  for (const [property, answer] of Object.entries(checks ?? {})) {
    if (isLinearizability(answer) && answer.verdict === "illegal") {
      const partial = answer.longest[0];
      const blocked = partial?.blocked ?? answer.unlinearizable[0];
      const op = blocked === undefined ? undefined : byId.get(blocked.id);
      if (op === undefined || blocked === undefined) continue;
      const expected =
        partial?.expected === undefined
          ? ""
          : `; in the state the operations before it leave, the model returns ${showValue(partial.expected)}`;
      out.push({
        property,
        tMicros: op.completeMicros ?? op.invokeMicros,
        node: op.node,
        operation: op.id,
        text: `${property} violated: ${op.process} ${blocked.text} has no legal place${expected}`,
      });
    } else if (isCheckReport(answer) && answer.verdict === "illegal") {
      out.push({
        property,
        tMicros: -1,
        node: -1,
        text: `${property} violated: ${answer.summary}`,
      });
    }
  }
  return out;
}
