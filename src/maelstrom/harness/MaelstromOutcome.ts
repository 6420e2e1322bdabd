// What a Maelstrom test found, in either world: a verdict per property (the workload's, plus
// `availability` when `--availability` asks for one), the figures Maelstrom's results.edn has
// (operation counts, availability, latency percentiles, messages per operation by kind of traffic,
// the workload's own such as broadcast's stable latencies), the nemesis episodes, and what nodes
// did wrong (never answered init, printed garbage, exited). Exit codes as `murphy run`: 0 every
// property held, 1 one was violated, 2 one is unknown (or no node could be tested).

import { percentile } from "../../core/percentile.js";
import type { Verdict } from "../../scenarios/Scenario.js";
import type { History } from "../../workload/Operation.js";
import type { PropertyResult } from "../workloads/Workload.js";
import type { HarnessProblem, MaelstromHarness } from "./Harness.js";
import type { MaelstromTestOptions } from "./MaelstromOptions.js";
import type { NemesisEpisode } from "./nemesis.js";
import type { NetStats, Traffic } from "./NetStats.js";

export interface MaelstromOutcome {
  readonly workload: string;
  readonly seed: string;
  /** `simulated` (a TypeScript node in murphy's simulator) or `real` (spawned binaries). */
  readonly world: "simulated" | "real";
  readonly valid: Verdict;
  readonly properties: Record<string, PropertyResult>;
  readonly figures: Record<string, number>;
  readonly net: Record<Traffic | "total", number>;
  readonly nemesis: readonly NemesisEpisode[];
  readonly problems: readonly HarnessProblem[];
  readonly history: History;
  readonly exitCode: 0 | 1 | 2;
  /** Simulated runs: the trace hash, equal for equal seeds. */
  readonly traceHash?: string;
}

export interface SummaryInput {
  readonly harness: MaelstromHarness;
  readonly stats: NetStats;
  readonly nemesis: readonly NemesisEpisode[];
  readonly world: "simulated" | "real";
  readonly extraProblems?: readonly HarnessProblem[];
  readonly traceHash?: string;
}

export function summarize(input: SummaryInput): MaelstromOutcome {
  const { harness, stats } = input;
  const options = harness.options;
  const history = harness.history.history();
  const checked = harness.run.check(history);
  const properties: Record<string, PropertyResult> = { ...checked.properties };
  const figures = { ...operationFigures(history), ...checked.figures };
  const invocations = history.length;
  for (const traffic of ["servers", "clients", "services"] as const) {
    figures[`msgs-per-op-${traffic}`] = invocations === 0 ? 0 : stats.sent[traffic] / invocations;
  }
  figures["msgs-per-op"] = invocations === 0 ? 0 : stats.total / invocations;
  if (options.availability !== undefined) properties.availability = availability(options, figures);
  const problems = [...harness.problems, ...(input.extraProblems ?? [])].sort(
    (a, b) => a.atMs - b.atMs,
  );
  const untested = harness.nodes.filter((n) => !harness.isReady(n));
  if (untested.length === harness.nodes.length) {
    for (const name of Object.keys(properties)) {
      properties[name] = { verdict: "unknown", summary: "no node answered init", details: [] };
    }
  }
  const verdicts = Object.values(properties).map((p) => p.verdict);
  const valid: Verdict = verdicts.includes("violated")
    ? "violated"
    : verdicts.includes("unknown")
      ? "unknown"
      : "held";
  return {
    workload: options.workload,
    seed: options.seed.toString(),
    world: input.world,
    valid,
    properties,
    figures,
    net: { ...stats.sent, total: stats.total },
    nemesis: input.nemesis,
    problems,
    history,
    exitCode: valid === "held" ? 0 : valid === "violated" ? 1 : 2,
    ...(input.traceHash === undefined ? {} : { traceHash: input.traceHash }),
  };
}

/** Client operations (not the final ones): counts, availability and latency percentiles in ms. */
function operationFigures(history: History): Record<string, number> {
  const ops = history.filter((op) => !op.f.startsWith("final-"));
  const ok = ops.filter((op) => op.status === "ok");
  const latencies = ok.map((op) => (op.completeMicros! - op.invokeMicros) / 1000);
  const figures: Record<string, number> = {
    operations: ops.length,
    ok: ok.length,
    fail: ops.filter((op) => op.status === "fail").length,
    info: ops.filter((op) => op.status === "info").length,
    availability: ops.length === 0 ? 0 : ok.length / ops.length,
  };
  if (latencies.length > 0) {
    figures["latency-p50"] = percentile(latencies, 0.5);
    figures["latency-p95"] = percentile(latencies, 0.95);
    figures["latency-p99"] = percentile(latencies, 0.99);
    figures["latency-max"] = percentile(latencies, 1);
  }
  return figures;
}

function availability(
  options: MaelstromTestOptions,
  figures: Record<string, number>,
): PropertyResult {
  const wanted = options.availability!;
  const seen = figures.availability!;
  const held = figures.operations! > 0 && seen >= wanted;
  return {
    verdict: held ? "held" : "violated",
    summary: `${(seen * 100).toFixed(1)}% of operations succeeded; required ${(wanted * 100).toFixed(1)}%`,
    details: [],
  };
}

/** The outcome for people: Maelstrom's sections (workload, net, stats, availability, valid?). */
export function formatOutcome(outcome: MaelstromOutcome): string[] {
  const f = outcome.figures;
  const lines: string[] = [];
  const ms = (v: number | undefined) => (v === undefined ? "-" : `${Math.round(v)} ms`);
  lines.push(`${outcome.workload}, seed ${outcome.seed} (${outcome.world})`);
  lines.push("");
  lines.push("properties:");
  for (const [name, p] of Object.entries(outcome.properties)) {
    lines.push(`  ${name}: ${p.verdict} — ${p.summary}`);
    for (const d of p.details.slice(0, 12)) lines.push(`    ${d}`);
  }
  lines.push("");
  lines.push(
    `operations: ${f.operations} (ok ${f.ok}, fail ${f.fail}, info ${f.info}); availability ${((f.availability ?? 0) * 100).toFixed(1)}%`,
  );
  lines.push(
    `latency: p50 ${ms(f["latency-p50"])}, p95 ${ms(f["latency-p95"])}, p99 ${ms(f["latency-p99"])}, max ${ms(f["latency-max"])}`,
  );
  const perOp = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(2));
  lines.push(
    `messages: ${outcome.net.total} (servers ${outcome.net.servers}, clients ${outcome.net.clients}, services ${outcome.net.services}); ` +
      `per operation ${perOp(f["msgs-per-op"])}, between servers ${perOp(f["msgs-per-op-servers"])}`,
  );
  if (f["stable-latency-p50"] !== undefined) {
    lines.push(
      `stable latency: p0 ${ms(f["stable-latency-p0"])}, p50 ${ms(f["stable-latency-p50"])}, p95 ${ms(f["stable-latency-p95"])}, ` +
        `p99 ${ms(f["stable-latency-p99"])}, max ${ms(f["stable-latency-max"])}; stale reads ${f["stale-reads"] ?? 0}`,
    );
  }
  if (outcome.nemesis.length > 0) {
    lines.push(`nemesis: ${outcome.nemesis.length} episodes (ms from the start of the workload)`);
    for (const e of outcome.nemesis.slice(0, 8))
      lines.push(`  ${e.startMs}–${e.endMs} ms ${e.description}`);
    if (outcome.nemesis.length > 8) lines.push(`  … ${outcome.nemesis.length - 8} more`);
  }
  if (outcome.problems.length > 0) {
    lines.push(`node problems: ${outcome.problems.length}`);
    for (const p of outcome.problems.slice(0, 12))
      lines.push(`  ${p.atMs} ms ${p.node}: ${p.problem}`);
    if (outcome.problems.length > 12) lines.push(`  … ${outcome.problems.length - 12} more`);
  }
  if (outcome.traceHash !== undefined) lines.push(`trace hash ${outcome.traceHash}`);
  lines.push("");
  lines.push(
    outcome.valid === "held"
      ? "valid? true (every property held)"
      : outcome.valid === "violated"
        ? `valid? false (violated: ${names(outcome, "violated")})`
        : `valid? unknown (undecided: ${names(outcome, "unknown")})`,
  );
  return lines;
}

function names(outcome: MaelstromOutcome, verdict: Verdict): string {
  return Object.entries(outcome.properties)
    .filter(([, p]) => p.verdict === verdict)
    .map(([name]) => name)
    .join(", ");
}
