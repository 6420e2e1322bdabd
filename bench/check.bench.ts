// Linearizability checking speed on generated histories. First issue 16's shapes: a register
// with 10 clients, and a key-value map with 50 clients over 10 keys (~1,700 operations, appends of
// unique values as in Jepsen's and Porcupine's kv tests), legal and with one key made illegal;
// each prints the verdict, the time and the search steps (the deterministic measure of the
// search's work, comparable across machines), beside a baseline measured in the same run: reading
// the same history from JSONL and sorting it. For the illegal history it also prints how many
// steps the legal one needs in all: the illegal key must be reported after far fewer. Then the
// earlier rows of growing size and concurrency: a single register (one part, the hard case) and a
// key-value map partitioned by key (the common case), with operations per second and the peak
// heap. The issue's target there is a 100,000-operation kv history over 1,000 keys with 50 clients
// in under 5 s. A single register with 30 or more concurrent clients writing 5 values is beyond
// this search (checking is NP-complete, and the memo cannot merge orders of that many overlapping
// writes); those rows show the step budget answering `unknown` instead.

import { Rng } from "../src/core/Rng.js";
import { checkLinearizability } from "../src/check/checkLinearizability.js";
import { generateHistory } from "../src/check/generateHistory.js";
import { kvModel } from "../src/check/models/kvModel.js";
import { registerModel } from "../src/check/models/registerModel.js";
import type { SequentialModel } from "../src/check/Model.js";
import type { LinearizabilityResult } from "../src/check/LinearizabilityResult.js";
import { readHistoryJsonl, writeHistoryJsonl } from "../src/workload/MurphyJsonl.js";
import type { History, Operation } from "../src/workload/Operation.js";
import type { Value } from "../src/workload/Value.js";
import { loadavg } from "node:os";

interface Case {
  model: SequentialModel<unknown>;
  operations: number;
  clients: number;
  keys?: number;
}

const TARGET_MS = 5_000;
const MB = 1024 * 1024;
/** The step budget of the rows of growing size: enough for every row that can answer. */
const MAX_STEPS = 5_000_000;

function measure(c: Case) {
  const history = generateHistory({
    model: c.model,
    rng: Rng.fromSeed(42).derive(`${c.model.name}/${c.operations}/${c.clients}`),
    operations: c.operations,
    clients: c.clients,
    keys: c.keys ?? 1,
    latencyMicrosMax: 1_000,
    infoProbability: 0.01,
    failProbability: 0.01,
  });
  const text = writeHistoryJsonl(history);
  const parseStart = performance.now();
  const parsed = readHistoryJsonl(text);
  [...parsed].sort((a, b) => a.invokeMicros - b.invokeMicros);
  const baselineMs = performance.now() - parseStart;

  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  // The checker reads the clock after every slice; sample the heap there, at most every 10 ms,
  // since reading memory usage costs far more than a slice of a small part.
  let sampledAt = -Infinity;
  const clock = {
    monotonicMs: () => {
      const now = performance.now();
      if (now - sampledAt >= 10) {
        sampledAt = now;
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
      return now;
    },
  };
  const start = performance.now();
  const result = checkLinearizability(parsed, c.model, { clock, maxSteps: MAX_STEPS });
  const checkMs = performance.now() - start;
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  return {
    result,
    checkMs,
    baselineMs,
    heapPeakMb: heapPeak / MB,
    heapDeltaMb: (heapPeak - heapStart) / MB,
  };
}

function row(c: Case, m: ReturnType<typeof measure>): string {
  const cells = [
    c.model.name.padEnd(8),
    String(c.operations).padStart(7),
    String(c.clients).padStart(7),
    String(c.keys ?? 1).padStart(5),
    (m.result.verdict === "unknown" ? `unknown (${m.result.reason})` : m.result.verdict).padEnd(18),
    m.checkMs.toFixed(0).padStart(8),
    Math.round(c.operations / (m.checkMs / 1000))
      .toLocaleString("en")
      .padStart(11),
    m.baselineMs.toFixed(0).padStart(11),
    (m.checkMs / m.baselineMs).toFixed(1).padStart(6),
    m.heapPeakMb.toFixed(0).padStart(9),
    m.heapDeltaMb.toFixed(0).padStart(9),
  ];
  return cells.join("  ");
}

/** Calls like Jepsen's kv test: half reads, appends of values never used before, a few puts. */
function jepsenKvCalls(keys: number): (rng: Rng) => { f: string; input: Value } {
  let written = 0;
  return (rng): { f: string; input: Value } => {
    const key = String(rng.int(keys));
    const roll = rng.float();
    if (roll < 0.5) return { f: "get", input: { key } };
    return { f: roll < 0.95 ? "append" : "put", input: { key, value: `x ${written++} y` } };
  };
}

/**
 * The same history with one key made illegal: a read a third of the way through that key's
 * operations sees a value no append made.
 */
function withIllegalKey(history: History, key: string): History {
  const reads = history.filter(
    (op) =>
      op.status === "ok" &&
      op.f === "get" &&
      (op.input as { key: string }).key === key &&
      op.output,
  );
  const victim = reads[Math.floor(reads.length / 3)] as Operation;
  return history.map((op) =>
    op.id === victim.id ? { ...op, output: `${String(op.output)}x never y` } : op,
  );
}

interface Shape {
  name: string;
  model: SequentialModel<unknown>;
  history: History;
}

function issueShapes(): Shape[] {
  const kv = kvModel as SequentialModel<unknown>;
  const register = registerModel as SequentialModel<unknown>;
  const common = { latencyMicrosMax: 1_000, infoProbability: 0.01, failProbability: 0.01 };
  const registerHistory = generateHistory({
    ...common,
    model: register,
    rng: Rng.fromSeed(16).derive("register/10"),
    operations: 1_000,
    clients: 10,
  });
  const kvHistory = generateHistory({
    ...common,
    model: kv,
    rng: Rng.fromSeed(16).derive("kv/50x10"),
    operations: 1_700,
    clients: 50,
    keys: 10,
    nextCall: jepsenKvCalls(10),
  });
  return [
    { name: "register, 10 clients", model: register, history: registerHistory },
    { name: "kv, 50 clients x 10 keys", model: kv, history: kvHistory },
    { name: "kv, same, key 3 illegal", model: kv, history: withIllegalKey(kvHistory, "3") },
  ];
}

function measureShape(shape: Shape): {
  result: LinearizabilityResult;
  checkMs: number;
  baselineMs: number;
} {
  const text = writeHistoryJsonl(shape.history);
  const parseStart = performance.now();
  const parsed = readHistoryJsonl(text);
  [...parsed].sort((a, b) => a.invokeMicros - b.invokeMicros);
  const baselineMs = performance.now() - parseStart;
  const start = performance.now();
  const result = checkLinearizability(parsed, shape.model);
  return { result, checkMs: performance.now() - start, baselineMs };
}

function verdictOf(result: LinearizabilityResult): string {
  if (result.verdict === "unknown") return `unknown (${result.reason})`;
  if (result.verdict === "illegal") return `illegal (${result.partition})`;
  return "ok";
}

function runIssueShapes(): void {
  console.log(
    "history                     ops  verdict              check ms       steps     states  baseline ms  ratio",
  );
  let legalSteps = 0;
  for (const shape of issueShapes()) {
    const m = measureShape(shape);
    const { stats } = m.result;
    if (shape.name.startsWith("kv, 50")) legalSteps = stats.steps;
    const cells = [
      shape.name.padEnd(24),
      String(shape.history.length).padStart(6),
      verdictOf(m.result).padEnd(19),
      m.checkMs.toFixed(1).padStart(9),
      stats.steps.toLocaleString("en").padStart(11),
      stats.visitedStates.toLocaleString("en").padStart(10),
      m.baselineMs.toFixed(1).padStart(12),
      (m.checkMs / m.baselineMs).toFixed(1).padStart(6),
    ];
    console.log(cells.join("  "));
    if (m.result.verdict === "illegal" && legalSteps > 0) {
      console.log(
        `  the illegal key is reported after ${stats.steps.toLocaleString("en")} steps; the legal ` +
          `history needs ${legalSteps.toLocaleString("en")} (${((100 * stats.steps) / legalSteps).toFixed(0)}%)`,
      );
    }
  }
  console.log(
    "target: ≤ 1.0× Porcupine's time on these shapes; the side-by-side comparison with Porcupine " +
      "is made outside the project (steps are the machine-independent figure to compare over " +
      `time; load average while measuring: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(", ")})\n`,
  );
}

export async function run(): Promise<void> {
  runIssueShapes();
  const cases: Case[] = [];
  for (const operations of [1_000, 10_000, 100_000]) {
    for (const clients of [5, 50]) {
      cases.push({ model: registerModel as SequentialModel<unknown>, operations, clients });
      cases.push({ model: kvModel as SequentialModel<unknown>, operations, clients, keys: 1_000 });
    }
  }
  console.log(
    "model         ops  clients   keys  verdict             check ms      ops/s  baseline ms  ratio  heap MB  +heap MB",
  );
  for (const c of cases) console.log(row(c, measure(c)));

  const target: Case = {
    model: kvModel as SequentialModel<unknown>,
    operations: 100_000,
    clients: 50,
    keys: 1_000,
  };
  const m = measure(target);
  const meets = m.result.verdict === "ok" && m.checkMs < TARGET_MS;
  console.log(
    `\ntarget: 100,000-op kv history, 1,000 keys, 50 clients: ${m.result.verdict} in ` +
      `${(m.checkMs / 1000).toFixed(2)} s (target < ${TARGET_MS / 1000} s: ${meets ? "met" : "NOT met"}); ` +
      `${(m.checkMs / m.baselineMs).toFixed(1)}x the time to read and sort it; peak heap ${m.heapPeakMb.toFixed(0)} MB`,
  );
}
