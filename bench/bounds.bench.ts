// The checker's budgets, measured where a user meets them: `murphy check` in its own process on
// 2,000-operation concurrent queue and set histories, whose states grow with the history. Each row
// gives the verdict, the search's time against --timeout-ms, and the process's maximum RSS against
// --max-memory-mb, the former name of --max-state-mb (the target: under about 1.5x the
// budget, answering `unknown` in time).
// The baseline is the same process checking a small history: what Node and murphy cost alone.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/core/Rng.js";
import { generateHistory } from "../src/check/generateHistory.js";
import { builtInModel } from "../src/check/models/builtInModels.js";
import { writeHistoryJsonl } from "../src/workload/MurphyJsonl.js";

const murphyModule = join(import.meta.dirname, "..", "src", "cli", "murphy.js");

interface Row {
  model: string;
  clients: number;
  memoryMb: number;
  timeoutMs: number;
}

/** Runs `murphy check` in a child process; returns its output and its maximum RSS in MB. */
function check(file: string, row: Row) {
  const args = [
    "check",
    file,
    "--model",
    row.model,
    "--max-memory-mb",
    String(row.memoryMb),
    "--timeout-ms",
    String(row.timeoutMs),
  ];
  const script =
    `const { murphy } = await import(${JSON.stringify(murphyModule)});` +
    `const code = await murphy(["node", "murphy", ...${JSON.stringify(args)}]);` +
    `process.stderr.write("maxrss " + process.resourceUsage().maxRSS + " code " + code + "\\n");`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const rss = /maxrss (\d+)/.exec(result.stderr);
  const searchMs = /in (\d+) ms/.exec(result.stdout);
  return {
    verdict: result.stdout.split(":")[0] || result.stderr.trim(),
    reason:
      /^unknown: the (step|state) budget|^unknown: the (wall-time) guard|^unknown: the (heap)/
        .exec(result.stdout)
        ?.slice(1)
        .find((group) => group !== undefined) ?? "",
    searchMs: searchMs === null ? NaN : Number(searchMs[1]),
    rssMb: rss === null ? NaN : Number(rss[1]) / 1024,
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "murphy-bench-bounds-"));
  try {
    const file = (model: string, operations: number, clients: number) => {
      const history = generateHistory({
        model: builtInModel(model),
        rng: Rng.fromSeed(7).derive(`${model}/${clients}`),
        operations,
        clients,
        latencyMicrosMax: 1_000,
        infoProbability: 0.02,
      });
      const path = join(dir, `${model}-${operations}-${clients}.jsonl`);
      writeFileSync(path, writeHistoryJsonl(history));
      return path;
    };
    const base = check(file("queue", 20, 2), {
      model: "queue",
      clients: 2,
      memoryMb: 256,
      timeoutMs: 60_000,
    });
    console.log(`baseline: a 20-op queue history, max RSS ${base.rssMb.toFixed(0)} MB`);
    console.log(
      "model  ops   clients  --max-memory-mb  --timeout-ms  verdict  budget   search ms  max RSS MB  RSS/budget",
    );
    const rows: Row[] = [];
    for (const model of ["queue", "set"]) {
      for (const clients of [10, 30, 100])
        rows.push({ model, clients, memoryMb: 256, timeoutMs: 60_000 });
    }
    rows.push({ model: "queue", clients: 100, memoryMb: 4_096, timeoutMs: 1_000 });
    rows.push({ model: "queue", clients: 100, memoryMb: 4_096, timeoutMs: 3_000 });
    for (const row of rows) {
      const m = check(file(row.model, 2_000, row.clients), row);
      console.log(
        [
          row.model.padEnd(5),
          "2000",
          String(row.clients).padStart(8),
          String(row.memoryMb).padStart(16),
          String(row.timeoutMs).padStart(13),
          m.verdict.padEnd(8),
          m.reason.padEnd(7),
          String(m.searchMs).padStart(10),
          m.rssMb.toFixed(0).padStart(11),
          (m.rssMb / row.memoryMb).toFixed(2).padStart(11),
        ].join(" "),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
