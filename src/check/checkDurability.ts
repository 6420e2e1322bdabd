// Durability: every acknowledged write is visible to a final read, taken after the faults have
// healed and the system has settled. For stores that keep every write: logs, lists, sets,
// append-only keys, or one key per write. (Where later writes overwrite earlier ones, a final read
// cannot tell a lost write from an overwritten one; check such stores for linearizability.)
//
// A write whose outcome is unknown (`info`) may or may not be visible; one that definitely failed
// must not be; and no value may appear that nobody wrote. A key with acknowledged writes and no
// final read leaves the verdict unknown.

import type { OperationStatus } from "../workload/Operation.js";
import { canonicalValue, showValue, type Value } from "../workload/Value.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export interface DurabilityInput {
  /** Every write attempted and what its client learned. `key` defaults to "". */
  readonly writes: readonly {
    readonly key?: string;
    readonly value: Value;
    readonly outcome: OperationStatus;
  }[];
  /** What the final reads found: every value present under each key. */
  readonly finalReads: readonly { readonly key?: string; readonly values: readonly Value[] }[];
}

export interface DurabilityViolation extends Violation {
  readonly kind: "lost-write" | "failed-write-visible" | "phantom-value";
  readonly key: string;
  readonly value: Value;
}

export interface DurabilityReport extends CheckReport<DurabilityViolation> {
  readonly acknowledged: number;
  /** `info` writes the final read shows did take effect. */
  readonly recovered: number;
}

export function checkDurability(input: DurabilityInput): DurabilityReport {
  const finals = new Map<string, Set<string>>();
  for (const read of input.finalReads) {
    const key = read.key ?? "";
    const present = finals.get(key) ?? new Set<string>();
    for (const value of read.values) present.add(canonicalValue(value));
    finals.set(key, present);
  }
  // Per key and value: the best outcome any attempt had (ok beats info beats fail).
  const rank = { fail: 0, info: 1, ok: 2 } as const;
  const attempts = new Map<string, Map<string, { value: Value; outcome: OperationStatus }>>();
  for (const write of input.writes) {
    const key = write.key ?? "";
    const byValue = attempts.get(key) ?? new Map();
    attempts.set(key, byValue);
    const id = canonicalValue(write.value);
    const seen = byValue.get(id);
    if (seen === undefined || rank[write.outcome] > rank[seen.outcome as OperationStatus]) {
      byValue.set(id, { value: write.value, outcome: write.outcome });
    }
  }
  const violations: DurabilityViolation[] = [];
  let acknowledged = 0;
  let recovered = 0;
  let unread = 0;
  for (const [key, byValue] of attempts) {
    const present = finals.get(key);
    for (const [id, { value, outcome }] of byValue) {
      if (outcome === "ok") acknowledged++;
      if (present === undefined) {
        if (outcome === "ok") unread++;
        continue;
      }
      const where = key === "" ? "" : ` under key ${JSON.stringify(key)}`;
      if (outcome === "ok" && !present.has(id)) {
        violations.push({
          kind: "lost-write",
          key,
          value,
          message: `acknowledged write of ${showValue(value)}${where} is missing from the final read`,
        });
      } else if (outcome === "info" && present.has(id)) recovered++;
      else if (outcome === "fail" && present.has(id)) {
        violations.push({
          kind: "failed-write-visible",
          key,
          value,
          message: `write of ${showValue(value)}${where} failed definitely, yet the final read shows it`,
        });
      }
    }
  }
  for (const [key, present] of finals) {
    const written = attempts.get(key);
    for (const id of present) {
      if (written?.has(id)) continue;
      const value = JSON.parse(id) as Value;
      const where = key === "" ? "" : ` under key ${JSON.stringify(key)}`;
      violations.push({
        kind: "phantom-value",
        key,
        value,
        message: `the final read shows ${showValue(value)}${where}, which nobody wrote`,
      });
    }
  }
  const lost = violations.filter((v) => v.kind === "lost-write").length;
  const summary =
    `${acknowledged} acknowledged writes, ${lost} lost; ${recovered} unknown-outcome writes took effect` +
    (unread > 0 ? `; ${unread} acknowledged writes have no final read of their key` : "");
  return { ...report("durability", violations, summary, unread > 0), acknowledged, recovered };
}
