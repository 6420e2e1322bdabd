// Uniqueness: no ID was handed out twice. Input: every ID a client received (from `ok`
// operations only: an ID the client never saw cannot collide in its hands).

import type { ProcessId } from "../workload/Operation.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export interface IssuedId {
  readonly id: string | number;
  readonly client?: ProcessId;
  readonly atMicros?: number;
}

export interface DuplicateId extends Violation {
  readonly kind: "duplicate-id";
  readonly id: string | number;
  /** Every issue of this ID, in input order. */
  readonly issues: readonly IssuedId[];
}

export function checkUniqueness(issued: readonly IssuedId[]): CheckReport<DuplicateId> {
  const byId = new Map<string, IssuedId[]>();
  for (const item of issued) {
    const key = `${typeof item.id}:${item.id}`;
    const list = byId.get(key);
    if (list === undefined) byId.set(key, [item]);
    else list.push(item);
  }
  const violations: DuplicateId[] = [];
  for (const issues of byId.values()) {
    if (issues.length < 2) continue;
    const first = issues[0] as IssuedId;
    const to = issues
      .map((i) => (i.client === undefined ? "a client" : `client ${i.client}`))
      .join(", ");
    violations.push({
      kind: "duplicate-id",
      id: first.id,
      issues,
      message: `ID ${JSON.stringify(first.id)} was handed out ${issues.length} times (to ${to})`,
    });
  }
  const summary =
    violations.length === 0
      ? `${issued.length} IDs issued, all distinct`
      : `${violations.length} IDs were handed out more than once among ${issued.length} issued`;
  return report("uniqueness", violations, summary);
}
