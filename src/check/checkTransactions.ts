// Transaction anomalies of read-write registers (Adya's G0 and G1, found the way Elle finds them).
// A transaction is a list of micro-operations `["r", key, value]` and `["w", key, value]`, and every
// value is written at most once per key, so a read names the transaction that wrote what it saw.
// From the history we infer dependencies between transactions:
//
// - write-read (wr): T read a value that U wrote, so U → T.
// - write-write (ww): T read a value of a key and then wrote that key, so the version it read came
//   before its own: the writer of the read version → T. (Like Maelstrom's checker, this is the only
//   version order it infers: writes that follow reads within one transaction.)
//
// and report, naming each anomaly and its transactions:
//
// - G0 (write cycle): a cycle of ww edges.
// - G1a (aborted read): a committed transaction read a value written by one that definitely failed.
// - G1b (intermediate read): it read a value that its writer overwrote later in the same transaction.
// - G1c (circular information flow): a cycle of ww and wr edges with at least one wr edge.
// - internal: a transaction read a key after writing it and did not see its own write.
// - garbage-read: a read of a value no transaction wrote.
//
// Read uncommitted forbids G0; read committed forbids G0, G1a, G1b and G1c. Both forbid internal
// and garbage reads. `info` transactions may have committed: their writes count when read.

import type { History, Operation } from "../workload/Operation.js";
import { canonicalValue, showValue, type Value } from "../workload/Value.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export type TxnAnomalyKind = "G0" | "G1a" | "G1b" | "G1c" | "internal" | "garbage-read";

export type TxnConsistencyModel = "read-uncommitted" | "read-committed";

export interface TxnAnomaly extends Violation {
  readonly kind: TxnAnomalyKind;
  /** The operations involved: for a cycle, in cycle order (the first again closes it). */
  readonly operations: readonly number[];
}

/** Which anomalies each consistency model forbids. */
export const FORBIDDEN: Readonly<Record<TxnConsistencyModel, readonly TxnAnomalyKind[]>> = {
  "read-uncommitted": ["G0", "internal", "garbage-read"],
  "read-committed": ["G0", "G1a", "G1b", "G1c", "internal", "garbage-read"],
};

type MicroOp = readonly [string, Value, Value];
type Edge = "ww" | "wr";

interface Write {
  readonly op: Operation;
  /** False when the same transaction wrote the key again afterwards. */
  readonly final: boolean;
}

/** At most this many anomalies of one kind are described; the rest are counted. */
const MAX_PER_KIND = 10;

/** Every anomaly found in the `txn` operations of a history. */
export function findTxnAnomalies(history: History, f = "txn"): TxnAnomaly[] {
  const txns = history.filter((op) => op.f === f);
  const writes = indexWrites(txns);
  const anomalies: TxnAnomaly[] = [];
  // All dependencies (an edge that is both wr and ww is marked wr: it carries information), and
  // the ww ones on their own for G0.
  const edges = new Map<number, Map<number, Edge>>();
  const wwEdges = new Map<number, Map<number, Edge>>();
  const addEdge = (from: Operation, to: Operation, kind: Edge) => {
    if (from.id === to.id) return;
    const out = outOf(edges, from.id);
    if (out.get(to.id) !== "wr") out.set(to.id, kind);
    if (kind === "ww") outOf(wwEdges, from.id).set(to.id, "ww");
  };
  for (const t of txns) {
    if (t.status !== "ok") continue;
    readsOf(t, writes, anomalies, addEdge);
  }
  const byId = new Map(txns.map((op) => [op.id, op]));
  anomalies.push(...cycles(edges, wwEdges, byId));
  return anomalies;
}

function outOf(edges: Map<number, Map<number, Edge>>, from: number): Map<number, Edge> {
  let out = edges.get(from);
  if (out === undefined) edges.set(from, (out = new Map()));
  return out;
}

/** The anomalies a model forbids, as a checker report. */
export function checkTxnConsistency(
  anomalies: readonly TxnAnomaly[],
  model: TxnConsistencyModel,
  transactions: number,
): CheckReport<TxnAnomaly> {
  const forbidden = anomalies.filter((a) => FORBIDDEN[model].includes(a.kind));
  const counts = new Map<string, number>();
  for (const a of forbidden) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  const summary =
    forbidden.length === 0
      ? `${transactions} transactions, no anomaly ${model} forbids (${FORBIDDEN[model].join(", ")})`
      : `${model} violated: ${[...counts].map(([k, n]) => `${n} × ${k}`).join(", ")}`;
  const shown = [...counts.keys()].flatMap((kind) =>
    forbidden.filter((a) => a.kind === kind).slice(0, MAX_PER_KIND),
  );
  return report(model, shown, summary);
}

function microOps(op: Operation): MicroOp[] {
  const value = op.status === "ok" ? op.output : op.input;
  if (!Array.isArray(value)) return [];
  return (value as Value[]).filter(
    (m): m is MicroOp => Array.isArray(m) && m.length === 3 && typeof m[0] === "string",
  ) as MicroOp[];
}

function writeKey(key: Value, value: Value): string {
  return `${canonicalValue(key)}=${canonicalValue(value)}`;
}

/** Who wrote each (key, value), and whether it was that transaction's last write of the key. */
function indexWrites(txns: readonly Operation[]): Map<string, Write> {
  const writes = new Map<string, Write>();
  for (const op of txns) {
    const ops = microOps(op);
    ops.forEach(([f, key, value], i) => {
      if (f !== "w") return;
      const later = ops
        .slice(i + 1)
        .some(([g, k]) => g === "w" && canonicalValue(k) === canonicalValue(key));
      const id = writeKey(key, value);
      if (!writes.has(id)) writes.set(id, { op, final: !later });
    });
  }
  return writes;
}

function describe(op: Operation): string {
  return `op ${op.id} (p${op.process} ${showValue(op.status === "ok" ? op.output! : op.input)})`;
}

/** The reads of one committed transaction: its G1a/G1b/internal/garbage anomalies and its edges. */
function readsOf(
  t: Operation,
  writes: Map<string, Write>,
  anomalies: TxnAnomaly[],
  addEdge: (from: Operation, to: Operation, kind: Edge) => void,
): void {
  const own = new Map<string, Value>();
  const firstRead = new Map<string, Value>();
  for (const [f, key, value] of microOps(t)) {
    const k = canonicalValue(key);
    if (f === "w") {
      // Writes after an external read of the key: that version came first (ww).
      const read = firstRead.get(k);
      if (read !== undefined && read !== null && !own.has(k)) {
        const writer = writes.get(writeKey(key, read));
        if (writer !== undefined && writer.op.status !== "fail") addEdge(writer.op, t, "ww");
      }
      own.set(k, value);
      continue;
    }
    if (f !== "r") continue;
    if (own.has(k)) {
      if (canonicalValue(own.get(k)!) !== canonicalValue(value)) {
        anomalies.push({
          kind: "internal",
          operations: [t.id],
          message: `internal: ${describe(t)} wrote ${showValue(key)}=${showValue(own.get(k)!)} and then read ${showValue(value)}`,
        });
      }
      continue;
    }
    if (!firstRead.has(k)) firstRead.set(k, value);
    if (value === null) continue;
    const writer = writes.get(writeKey(key, value));
    if (writer === undefined) {
      anomalies.push({
        kind: "garbage-read",
        operations: [t.id],
        message: `garbage-read: ${describe(t)} read ${showValue(key)}=${showValue(value)}, which no transaction wrote`,
      });
    } else if (writer.op.id !== t.id) {
      if (writer.op.status === "fail") {
        anomalies.push({
          kind: "G1a",
          operations: [writer.op.id, t.id],
          message: `G1a (aborted read): ${describe(t)} read ${showValue(key)}=${showValue(value)}, written by ${describe(writer.op)}, which failed`,
        });
      } else if (!writer.final) {
        anomalies.push({
          kind: "G1b",
          operations: [writer.op.id, t.id],
          message: `G1b (intermediate read): ${describe(t)} read ${showValue(key)}=${showValue(value)}, which ${describe(writer.op)} overwrote in the same transaction`,
        });
      } else addEdge(writer.op, t, "wr");
    }
  }
}

/** G0 cycles (ww only) and G1c cycles (ww and wr, at least one wr), one per strongly connected part. */
function cycles(
  edges: Map<number, Map<number, Edge>>,
  wwOnly: Map<number, Map<number, Edge>>,
  byId: Map<number, Operation>,
): TxnAnomaly[] {
  const found: TxnAnomaly[] = [];
  for (const component of components(wwOnly)) {
    const cycle = cycleThrough(wwOnly, component, undefined);
    if (cycle !== undefined) found.push(cycleAnomaly("G0", cycle, wwOnly, byId));
  }
  for (const component of components(edges)) {
    const cycle = cycleThrough(edges, component, "wr");
    if (cycle !== undefined) found.push(cycleAnomaly("G1c", cycle, edges, byId));
  }
  return found;
}

function cycleAnomaly(
  kind: "G0" | "G1c",
  cycle: number[],
  edges: Map<number, Map<number, Edge>>,
  byId: Map<number, Operation>,
): TxnAnomaly {
  const steps = cycle
    .slice(0, -1)
    .map((id, i) => `${describe(byId.get(id)!)} -${edges.get(id)!.get(cycle[i + 1]!)}→`);
  const name = kind === "G0" ? "G0 (write cycle)" : "G1c (circular information flow)";
  return { kind, operations: cycle, message: `${name}: ${steps.join(" ")} op ${cycle[0]}` };
}

/** Strongly connected components with more than one transaction (Tarjan, iterative). */
function components(edges: Map<number, Map<number, Edge>>): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: { node: number; next: Iterator<number> }[] = [];
    const visit = (node: number) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: (edges.get(node)?.keys() ?? [].values()) as Iterator<number> });
    };
    visit(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const step = top.next.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.node);
        if (component.length > 1) out.push(component.sort((a, b) => a - b));
      }
    }
  }
  return out;
}

/**
 * A shortest cycle inside `component`, through an edge of kind `through` if given: for each such
 * edge u → v, a breadth-first path from v back to u. Returns the cycle's ids, first repeated last.
 */
function cycleThrough(
  edges: Map<number, Map<number, Edge>>,
  component: readonly number[],
  through: Edge | undefined,
): number[] | undefined {
  const members = new Set(component);
  let best: number[] | undefined;
  for (const u of component) {
    for (const [v, kind] of edges.get(u) ?? []) {
      if (!members.has(v) || (through !== undefined && kind !== through)) continue;
      const path = shortestPath(edges, members, v, u);
      if (path !== undefined && (best === undefined || path.length + 1 < best.length))
        best = [u, ...path];
    }
    if (best !== undefined && through === undefined) break;
  }
  return best;
}

function shortestPath(
  edges: Map<number, Map<number, Edge>>,
  members: ReadonlySet<number>,
  from: number,
  to: number,
): number[] | undefined {
  const previous = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (node === to) {
      const path = [to];
      for (let at = to; at !== from;) path.unshift((at = previous.get(at)!));
      return path;
    }
    for (const next of edges.get(node)?.keys() ?? []) {
      if (members.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}
