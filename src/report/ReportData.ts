// The data an HTML report carries, as plain JSON: what the page draws and nothing it has to
// compute at length. Times are integer virtual microseconds. Messages are columns of numbers (one
// entry per arrow) rather than objects, so that a run of 100,000 messages stays a few MB and parses
// in a blink; texts a run produced (node names, bodies, log lines) are kept as data and the page
// only ever puts them into the document as text.

import type { Verdict } from "../scenarios/Scenario.js";

export const REPORT_FORMAT = 1;

/** How an arrow ends. */
export const ARROW_KIND = { deliver: 0, drop: 1, duplicate: 2, inFlight: 3 } as const;

/** One arrow per delivery, per drop and per message still in flight when the world stopped. */
export interface ArrowColumns {
  from: number[];
  to: number[];
  /** Send time, as the difference from the previous arrow's (arrows are in send order). */
  sendDelta: number[];
  /** Arrival (or drop, or end of run) time minus send time. */
  span: number[];
  /** ARROW_KIND. */
  kind: number[];
  /** The message id in the trace. */
  id: number[];
  /** Index into `bodies`, or -1 when the send carried none. */
  body: number[];
  /** Index into `dropReasons` for a drop, else -1. */
  drop: number[];
  /**
   * What caused the send, as the distance back to the arrow whose delivery the sending node was
   * handling when it sent (0 when none: a timer, a start, a client's own call).
   */
  causeBack: number[];
}

/** A fault drawn as a shaded band over one node's lane, or over all of them (`node` -1). */
export interface Band {
  node: number;
  startMicros: number;
  endMicros: number;
  kind: string;
  text: string;
}

/** A point on a lane: a clock step, a drift change, a log line, a node start. */
export interface Mark {
  node: number;
  tMicros: number;
  kind: string;
  text: string;
}

export interface OperationData {
  id: number;
  process: string;
  /** The lane of the node that made the call (the process names a node), else -1. */
  node: number;
  f: string;
  input: string;
  output: string;
  status: "ok" | "fail" | "info";
  invokeMicros: number;
  /** Absent for an `info` operation open to the end. */
  completeMicros?: number;
  error?: string;
}

/** A longest partial linearisation, by operation ids (Porcupine's picture). */
export interface PartialData {
  partition: string;
  operations: number[];
  texts: string[];
  stateAfter: string;
  blocked: number;
  blockedText: string;
  expected?: string;
  candidates: { operation: number; reason: string }[];
}

export interface LinearizabilityData {
  property: string;
  model: string;
  partition: string;
  unlinearizable: number[];
  longest: PartialData[];
}

export interface ViolationData {
  property: string;
  tMicros: number;
  node: number;
  text: string;
  operation?: number;
}

export interface SeriesData {
  name: string;
  description: string;
  windowMs: number;
  values: number[];
}

export interface LatencyData {
  /** Histogram of one-way message latency (send to delivery), log-spaced bins, in ms. */
  binEdgesMs: number[];
  binCounts: number[];
  percentilesMs: { p50: number; p90: number; p99: number; p999: number; max: number } | null;
  /** Percentiles per window of send time. */
  windowMs: number;
  p50: (number | null)[];
  p99: (number | null)[];
  p999: (number | null)[];
  max: (number | null)[];
  /** Operation latency (invoke to ok) percentiles, when the world has a history. */
  operationsMs: { p50: number; p99: number; max: number; count: number } | null;
}

export interface LoadData {
  windowMs: number;
  sent: number[];
  delivered: number[];
  dropped: number[];
  /** Operations completed per window by outcome (empty without a history). */
  ok: number[];
  fail: number[];
  info: number[];
}

export interface ClockData {
  tMicros: number[];
  offsetMs: number[][];
  trueTime: { node: number; earliestMs: number[]; latestMs: number[] }[];
}

export interface WorldData {
  label: string;
  nodes: string[];
  endMicros: number;
  events: number;
  counts: Record<string, number>;
  arrows: ArrowColumns;
  bodies: string[];
  dropReasons: string[];
  bands: Band[];
  marks: Mark[];
  /** Marks left out to keep the file bounded. */
  marksOmitted: number;
  ops: OperationData[];
  linearizability: LinearizabilityData | null;
  violations: ViolationData[];
  latency: LatencyData;
  load: LoadData;
  clocks: ClockData | null;
  series: SeriesData[];
}

export interface ReportData {
  format: typeof REPORT_FORMAT;
  title: string;
  world: string;
  worldTitle: string;
  claim: string;
  variant: string;
  variantDescription: string;
  seed: string;
  /** The command that reproduces the run. */
  command: string;
  traceHash: string;
  verdicts: { property: string; verdict: Verdict; details: string[] }[];
  figures: { name: string; value: number | null; unit: string }[];
  worlds: WorldData[];
}
