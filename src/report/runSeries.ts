// The numbers behind the report's plots, computed once here rather than in the page: the
// distribution of one-way message latency and its percentiles per window of time (where the
// congestion scenario's tail shows), messages and operations per window (throughput), and each
// node's clock offset from true time, thinned to what a plot can show while keeping every step.

import type { TraceEvent } from "../sim/Trace.js";
import type { RecordedWorld } from "./RunRecorder.js";
import {
  ARROW_KIND,
  type ArrowColumns,
  type ClockData,
  type LatencyData,
  type LoadData,
  type OperationData,
  type SeriesData,
} from "./ReportData.js";

/** About this many windows over a world's time. */
const WINDOWS = 120;
const HISTOGRAM_BINS = 48;
/** At most about this many clock samples per world. */
const CLOCK_POINTS = 1_500;

/** A window length in ms from the 1-2-5 series, so that a world splits into about WINDOWS. */
export function windowMsFor(endMicros: number): number {
  const raw = Math.max(endMicros / 1000 / WINDOWS, 0.001);
  const decade = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) if (raw <= step * decade) return step * decade;
  return 10 * decade;
}

/** The q-quantile of sorted values (nearest rank), or null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function latencyData(
  arrows: ArrowColumns,
  ops: readonly OperationData[],
  windowMs: number,
): LatencyData {
  const windows: number[][] = [];
  const all: number[] = [];
  let sendMicros = 0;
  for (let i = 0; i < arrows.kind.length; i++) {
    sendMicros += arrows.sendDelta[i]!;
    const kind = arrows.kind[i]!;
    if (kind !== ARROW_KIND.deliver && kind !== ARROW_KIND.duplicate) continue;
    const ms = arrows.span[i]! / 1000;
    all.push(ms);
    const w = Math.floor(sendMicros / 1000 / windowMs);
    (windows[w] ??= []).push(ms);
  }
  all.sort((a, b) => a - b);
  const sortedWindows = Array.from(windows, (w) => (w ?? []).sort((a, b) => a - b));
  const per = (q: number) => sortedWindows.map((w) => nullable(quantile(w, q)));
  const { edges, counts } = histogram(all);
  const opMs = ops
    .filter((op) => op.status === "ok" && op.completeMicros !== undefined)
    .map((op) => (op.completeMicros! - op.invokeMicros) / 1000)
    .sort((a, b) => a - b);
  return {
    binEdgesMs: edges,
    binCounts: counts,
    percentilesMs:
      all.length === 0
        ? null
        : {
            p50: round3(quantile(all, 0.5)!),
            p90: round3(quantile(all, 0.9)!),
            p99: round3(quantile(all, 0.99)!),
            p999: round3(quantile(all, 0.999)!),
            max: round3(all[all.length - 1]!),
          },
    windowMs,
    p50: per(0.5),
    p99: per(0.99),
    p999: per(0.999),
    max: per(1),
    operationsMs:
      opMs.length === 0
        ? null
        : {
            p50: round3(quantile(opMs, 0.5)!),
            p99: round3(quantile(opMs, 0.99)!),
            max: round3(opMs[opMs.length - 1]!),
            count: opMs.length,
          },
  };
}

function nullable(x: number | null): number | null {
  return x === null ? null : round3(x);
}

/** Log-spaced bins from the smallest latency to the largest (linear when they are equal). */
function histogram(sorted: readonly number[]): { edges: number[]; counts: number[] } {
  if (sorted.length === 0) return { edges: [], counts: [] };
  const lo = Math.max(sorted[0]!, 0.001);
  const hi = Math.max(sorted[sorted.length - 1]!, lo * 1.001);
  const ratio = (hi / lo) ** (1 / HISTOGRAM_BINS);
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => round3(lo * ratio ** i));
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const x of sorted) {
    const bin = x <= lo ? 0 : Math.floor(Math.log(x / lo) / Math.log(ratio));
    counts[Math.min(HISTOGRAM_BINS - 1, Math.max(0, bin))]!++;
  }
  return { edges, counts };
}

export function loadData(
  events: readonly TraceEvent[],
  ops: readonly OperationData[],
  windowMs: number,
  endMicros: number,
): LoadData {
  const n = Math.max(1, Math.ceil(endMicros / 1000 / windowMs));
  const zeros = () => new Array<number>(n).fill(0);
  const load: LoadData = {
    windowMs,
    sent: zeros(),
    delivered: zeros(),
    dropped: zeros(),
    ok: ops.length === 0 ? [] : zeros(),
    fail: ops.length === 0 ? [] : zeros(),
    info: ops.length === 0 ? [] : zeros(),
  };
  const at = (micros: number) => Math.min(n - 1, Math.floor(micros / 1000 / windowMs));
  for (const e of events) {
    if (e.kind === "send") load.sent[at(e.tMicros)]!++;
    else if (e.kind === "deliver") load.delivered[at(e.tMicros)]!++;
    else if (e.kind === "drop") load.dropped[at(e.tMicros)]!++;
  }
  for (const op of ops) {
    load[op.status][at(op.completeMicros ?? endMicros)]!++;
  }
  return load;
}

/**
 * The clock samples thinned to about CLOCK_POINTS: per bucket the first and last sample and the
 * one with the largest jump, so a step stays a step. Null when every clock was exact throughout.
 */
export function clockData(clocks: RecordedWorld["clocks"]): ClockData | null {
  if (clocks === undefined || clocks.tMicros.length === 0) return null;
  const exact = clocks.offsetMicros.every((series) => series.every((x) => x === 0));
  if (exact && (clocks.trueTime ?? []).length === 0) return null;
  const keep = thinned(clocks.tMicros.length, (i) =>
    Math.max(...clocks.offsetMicros.map((s) => Math.abs(s[i]! - s[i - 1]!))),
  );
  const ms = (series: readonly number[]) => keep.map((i) => series[i]! / 1000);
  return {
    tMicros: keep.map((i) => clocks.tMicros[i]!),
    offsetMs: clocks.offsetMicros.map(ms),
    trueTime: (clocks.trueTime ?? []).map((tt) => ({
      node: tt.node,
      earliestMs: ms(tt.earliestMicros),
      latestMs: ms(tt.latestMicros),
    })),
  };
}

function thinned(length: number, jump: (i: number) => number): number[] {
  if (length <= CLOCK_POINTS) return Array.from({ length }, (_, i) => i);
  const per = Math.ceil(length / (CLOCK_POINTS / 3));
  const keep = new Set<number>();
  for (let start = 0; start < length; start += per) {
    const end = Math.min(length, start + per);
    let widest = start;
    let best = -1;
    for (let i = Math.max(1, start); i < end; i++) {
      const j = jump(i);
      if (j > best) [best, widest] = [j, i];
    }
    for (const i of [start, widest - 1, widest, end - 1]) if (i >= start && i < end) keep.add(i);
  }
  return [...keep].sort((a, b) => a - b);
}

export function seriesData(series: RecordedWorld["series"]): SeriesData[] {
  return Object.entries(series ?? {}).map(([name, s]) => ({
    name,
    description: s.description ?? name,
    windowMs: s.windowMs,
    values: [...s.values],
  }));
}
