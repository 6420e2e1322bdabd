// The check that broadcast and g-set share (Jepsen's set-full): elements are added, reads return
// sets, and after the faults heal every node gets a final read. An element whose add was
// acknowledged must be in every node's last final read (else it was *lost*); nothing may appear
// that no one added. Along the way: *stale reads* (a read that misses an element acknowledged
// before the read began, which eventual consistency allows) and each element's *stable latency*:
// from the acknowledgement of its add to the completion of the last read that missed it (0 if no
// read after the acknowledgement missed it), the figure Maelstrom reports as `:stable-latencies`.

import { percentile } from "../../core/percentile.js";
import type { History, Operation } from "../../workload/Operation.js";
import { canonicalValue, showValue, type Value } from "../../workload/Value.js";
import type { PropertyResult } from "./Workload.js";

export interface SetAnalysis {
  readonly property: PropertyResult;
  readonly figures: Record<string, number>;
}

interface Added {
  readonly value: Value;
  status: Operation["status"];
  ackMicros: number | undefined;
}

/**
 * `addF` names the adding call (its input is the element); reads are `read` (output: the
 * elements) and `final-read` (input: the node, output: the elements).
 */
export function analyseSet(
  history: History,
  addF: string,
  nodes: readonly string[],
  what: string,
): SetAnalysis {
  const added = new Map<string, Added>();
  const rank = { fail: 0, info: 1, ok: 2 } as const;
  for (const op of history) {
    if (op.f !== addF) continue;
    const id = canonicalValue(op.input);
    const seen = added.get(id);
    if (seen === undefined)
      added.set(id, { value: op.input, status: op.status, ackMicros: ackOf(op) });
    else if (rank[op.status] > rank[seen.status]) {
      seen.status = op.status;
      seen.ackMicros = ackOf(op);
    }
  }
  const reads = history.filter(
    (op) => (op.f === "read" || op.f === "final-read") && op.status === "ok",
  );
  const contents = new Map<Operation, Set<string>>(
    reads.map((op) => [
      op,
      new Set(Array.isArray(op.output) ? (op.output as Value[]).map(canonicalValue) : []),
    ]),
  );
  const finals = new Map<string, Set<string>>();
  for (const op of reads)
    if (op.f === "final-read") finals.set(String(op.input), contents.get(op)!);

  const details: string[] = [];
  const lostIds = new Set<string>();
  let acknowledged = 0;
  for (const [id, add] of added) {
    if (add.status !== "ok") continue;
    acknowledged++;
    const missing = nodes.filter((n) => finals.has(n) && !finals.get(n)!.has(id));
    if (missing.length > 0) {
      lostIds.add(id);
      if (details.length < 10)
        details.push(
          `${what} ${showValue(add.value)} was acknowledged but is missing from the final read of ${missing.join(", ")}`,
        );
    }
  }
  const unexpected = new Set<string>();
  const failedVisible = new Set<string>();
  for (const set of contents.values()) {
    for (const id of set) {
      const add = added.get(id);
      if (add === undefined) unexpected.add(id);
      else if (add.status === "fail") failedVisible.add(id);
    }
  }
  for (const id of [...unexpected].slice(0, 5))
    details.push(`a read returned ${id}, which no client ever added`);
  for (const id of [...failedVisible].slice(0, 5))
    details.push(`a read returned ${id}, whose add definitely failed`);
  const withoutFinal = nodes.filter((n) => !finals.has(n));
  const lost = lostIds.size;
  const violated = lost + unexpected.size + failedVisible.size > 0;
  const verdict = violated ? "violated" : withoutFinal.length > 0 ? "unknown" : "held";
  if (withoutFinal.length > 0)
    details.push(`no final read succeeded on ${withoutFinal.join(", ")}`);
  const summary = violated
    ? `${lost} of ${acknowledged} acknowledged ${what}s lost, ${unexpected.size} unexpected, ${failedVisible.size} failed yet visible`
    : `all ${acknowledged} acknowledged ${what}s in every final read${withoutFinal.length > 0 ? " that succeeded" : ""}`;
  return {
    property: { verdict, summary, details },
    figures: {
      ...latencyFigures(added, lostIds, reads, contents),
      "stale-reads": staleReads(added, reads, contents),
    },
  };
}

function ackOf(op: Operation): number | undefined {
  return op.status === "ok" ? op.completeMicros : undefined;
}

/** Reads that missed an element acknowledged before they began. */
function staleReads(
  added: Map<string, Added>,
  reads: readonly Operation[],
  contents: Map<Operation, Set<string>>,
): number {
  let stale = 0;
  for (const read of reads) {
    if (read.f !== "read") continue;
    const set = contents.get(read)!;
    for (const [id, add] of added) {
      if (add.ackMicros !== undefined && add.ackMicros < read.invokeMicros && !set.has(id)) {
        stale++;
        break;
      }
    }
  }
  return stale;
}

function latencyFigures(
  added: Map<string, Added>,
  lost: ReadonlySet<string>,
  reads: readonly Operation[],
  contents: Map<Operation, Set<string>>,
): Record<string, number> {
  const latencies: number[] = [];
  for (const [id, add] of added) {
    if (add.ackMicros === undefined || lost.has(id)) continue;
    let lastAbsent = add.ackMicros;
    for (const read of reads) {
      const done = read.completeMicros!;
      if (done > lastAbsent && !contents.get(read)!.has(id)) lastAbsent = done;
    }
    latencies.push((lastAbsent - add.ackMicros) / 1000);
  }
  if (latencies.length === 0) return {};
  return {
    "stable-latency-p0": percentile(latencies, Number.MIN_VALUE),
    "stable-latency-p50": percentile(latencies, 0.5),
    "stable-latency-p95": percentile(latencies, 0.95),
    "stable-latency-p99": percentile(latencies, 0.99),
    "stable-latency-max": percentile(latencies, 1),
  };
}
