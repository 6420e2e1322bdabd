// Byzantine agreement, judged on the correct nodes only (a faulty node may say anything):
// - agreement: no two correct nodes decide differently;
// - validity: `unanimous` (the classic): if every correct node proposed the same value, that is
//   the only value a correct node may decide; `proposed`: every correct decision is a value some
//   correct node proposed;
// - termination, when asked for: every correct node decided.

import { canonicalValue, showValue, type Value } from "../workload/Value.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export interface AgreementNode {
  readonly id: string;
  /** False for the Byzantine (or crashed) nodes, whose decisions are not judged. */
  readonly correct: boolean;
  readonly proposed?: Value;
  /** What the node decided; leave out when it did not decide. */
  readonly decided?: Value;
}

export interface AgreementInput {
  readonly nodes: readonly AgreementNode[];
  /** Default `unanimous`. */
  readonly validity?: "unanimous" | "proposed";
  /** Require every correct node to have decided. Default false. */
  readonly requireDecision?: boolean;
}

export interface AgreementViolation extends Violation {
  readonly kind: "disagreement" | "invalid-decision" | "undecided";
  readonly nodes: readonly string[];
}

export function checkByzantineAgreement(input: AgreementInput): CheckReport<AgreementViolation> {
  const correct = input.nodes.filter((n) => n.correct);
  const decided = correct.filter((n) => n.decided !== undefined);
  const violations: AgreementViolation[] = [];
  const byDecision = new Map<string, string[]>();
  for (const node of decided) {
    const key = canonicalValue(node.decided as Value);
    byDecision.set(key, [...(byDecision.get(key) ?? []), node.id]);
  }
  if (byDecision.size > 1) {
    const groups = [...byDecision].map(
      ([v, ids]) => `${ids.join(", ")} decided ${showValue(JSON.parse(v) as Value)}`,
    );
    violations.push({
      kind: "disagreement",
      nodes: decided.map((n) => n.id),
      message: `correct nodes disagree: ${groups.join("; ")}`,
    });
  }
  const proposals = new Set(
    correct.filter((n) => n.proposed !== undefined).map((n) => canonicalValue(n.proposed as Value)),
  );
  const unanimous = proposals.size === 1 && correct.every((n) => n.proposed !== undefined);
  for (const node of decided) {
    const value = canonicalValue(node.decided as Value);
    const invalid =
      (input.validity ?? "unanimous") === "unanimous"
        ? unanimous && !proposals.has(value)
        : !proposals.has(value);
    if (invalid) {
      const why = unanimous
        ? "every correct node proposed another value"
        : "no correct node proposed it";
      violations.push({
        kind: "invalid-decision",
        nodes: [node.id],
        message: `${node.id} decided ${showValue(node.decided)}, but ${why}`,
      });
    }
  }
  if (input.requireDecision) {
    const undecided = correct.filter((n) => n.decided === undefined).map((n) => n.id);
    if (undecided.length > 0) {
      violations.push({
        kind: "undecided",
        nodes: undecided,
        message: `correct nodes ${undecided.join(", ")} never decided`,
      });
    }
  }
  const summary = `${correct.length} correct of ${input.nodes.length} nodes, ${decided.length} decided; ${violations.length === 0 ? "agreement and validity hold" : violations.map((v) => v.kind).join(", ")}`;
  return report("byzantine-agreement", violations, summary);
}
