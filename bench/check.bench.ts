// Linearizability checking speed on generated histories of growing size and concurrency: a single
// register (one part, the hard case) and a key-value map partitioned by key (the common case).
// Each row prints operations checked per second and the peak heap seen during the check, beside a
// baseline measured in the same run: reading the same history from JSONL and sorting it. The
// issue's target is a 100,000-operation kv history over 1,000 keys with 50 clients in under 5 s.
// A single register with 30 or more concurrent clients writing 5 values is beyond this search
// (checking is NP-complete, and the memo cannot merge orders of that many overlapping writes);
// those rows show the budget answering `unknown` in bounded time and memory instead.

import { Rng } from "../src/core/Rng.js";
import { checkLinearizability } from "../src/check/checkLinearizability.js";
import { generateHistory } from "../src/check/generateHistory.js";
import { kvModel } from "../src/check/models/kvModel.js";
import { registerModel } from "../src/check/models/registerModel.js";
import type { SequentialModel } from "../src/check/Model.js";
import { readHistoryJsonl, writeHistoryJsonl } from "../src/workload/MurphyJsonl.js";

interface Case {
  model: SequentialModel<unknown>;
  operations: number;
  clients: number;
  keys?: number;
}

const TARGET_MS = 5_000;
const MB = 1024 * 1024;

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
  const result = checkLinearizability(parsed, c.model, { clock, timeoutMs: 10_000 });
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

export async function run(): Promise<void> {
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
