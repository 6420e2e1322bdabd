// Fencing tokens as the lock service hands them out: a grant that was asked for after another grant
// completed must carry a larger token (that is what lets storage tell the newer holder from the
// older), and no token may name two holders. Input: the history's acquire operations; a grant is
// an `ok` acquire whose output carries a token. Real-time order is the only order a client can rely
// on, so concurrent grants are not compared.

import { report, type CheckReport, type Violation } from "../../check/CheckReport.js";
import type { History, Operation } from "../../workload/Operation.js";

export interface GrantOrderViolation extends Violation {
  readonly kind: "token-not-increasing" | "token-shared";
  readonly operationId: number;
}

interface Grant {
  op: Operation;
  token: number;
}

export function checkGrantOrder(history: History): CheckReport<GrantOrderViolation> {
  const grants: Grant[] = [];
  for (const op of history) {
    if (op.f !== "acquire" || op.status !== "ok") continue;
    const token = (op.output as { token?: unknown } | null)?.token;
    if (typeof token === "number") grants.push({ op, token });
  }
  const violations: GrantOrderViolation[] = [];
  const holders = new Map<number, Grant>();
  for (const g of grants) {
    const first = holders.get(g.token);
    if (first === undefined) holders.set(g.token, g);
    else if (first.op.process !== g.op.process) {
      violations.push({
        kind: "token-shared",
        operationId: g.op.id,
        message: `token ${g.token} was granted to both ${first.op.process} (op ${first.op.id}) and ${g.op.process} (op ${g.op.id})`,
      });
    }
  }
  // Sweep in invocation order, folding in every grant that completed before: the largest token
  // granted before this one was even asked for must be smaller than its own.
  const byCompletion = [...grants].sort((a, b) => a.op.completeMicros! - b.op.completeMicros!);
  const byInvocation = [...grants].sort((a, b) => a.op.invokeMicros - b.op.invokeMicros);
  let done = 0;
  let largest: Grant | undefined;
  for (const g of byInvocation) {
    while (
      done < byCompletion.length &&
      byCompletion[done]!.op.completeMicros! < g.op.invokeMicros
    ) {
      const c = byCompletion[done++]!;
      if (largest === undefined || c.token > largest.token) largest = c;
    }
    if (largest !== undefined && g.token <= largest.token) {
      violations.push({
        kind: "token-not-increasing",
        operationId: g.op.id,
        message: `${g.op.process} was granted token ${g.token} at ${g.op.completeMicros} µs, asked for at ${g.op.invokeMicros} µs — after ${largest.op.process} had been granted token ${largest.token} (at ${largest.op.completeMicros} µs)`,
      });
    }
  }
  const summary =
    violations.length === 0
      ? `${grants.length} grants, tokens increased with every grant in real-time order`
      : `${violations.length} of ${grants.length} grants broke token order; first: ${violations[0]!.message}`;
  return report("grant-order", violations.slice(0, 20), summary);
}
