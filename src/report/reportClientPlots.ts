/// <reference lib="dom" />
// The report page's plots, drawn with the inlined uPlot from series computed when the report was
// written: latency distribution and percentiles over time, throughput, a scenario's own series
// (retries), and each node's clock offset from true time with its TrueTime interval. Inlined into
// the page by source text like reportClient.ts.

/* eslint-disable @typescript-eslint/no-explicit-any */
import type { WorldData } from "./ReportData.js";

// A function of reportClient.ts: in the page every client function is a global.
declare function murphyEl(
  tag: string,
  attrs?: Record<string, string>,
  ...children: (Node | string)[]
): HTMLElement;

declare const uPlot: any;

export function murphyColor(i: number): string {
  const palette = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
  ];
  return palette[i % palette.length]!;
}

/** One titled plot: x values, named y series, and options (log y, a band between two series). */
export function murphyPlot(
  box: Element,
  title: string,
  note: string,
  x: number[],
  series: { label: string; values: (number | null)[]; dash?: boolean }[],
  options: {
    xLabel: string;
    yLabel: string;
    logX?: boolean;
    logY?: boolean;
    stepped?: boolean;
    bands?: any[];
  },
): void {
  const div = murphyEl("div", { class: "plot" }, murphyEl("h3", {}, title));
  if (note !== "") div.append(murphyEl("p", { class: "dim" }, note));
  box.append(div);
  const room = (box as HTMLElement).clientWidth;
  const width = Math.max(360, Math.min(680, room >= 1200 ? room / 2 - 40 : room - 20));
  const opts = {
    width,
    height: 220,
    scales: {
      x: { time: false, ...(options.logX ? { distr: 3 } : {}) },
      y: options.logY ? { distr: 3 } : {},
    },
    axes: [{ label: options.xLabel }, { label: options.yLabel, size: 60 }],
    series: [
      { label: options.xLabel },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: murphyColor(i),
        width: 1.5,
        points: {
          show:
            !options.stepped &&
            (x.length <= 60 || s.values.filter((v) => v !== null).length < x.length / 2),
        },
        ...(s.dash ? { dash: [4, 4] } : {}),
        ...(options.stepped
          ? { paths: uPlot.paths.stepped({ align: 1 }), fill: "rgba(31,119,180,0.25)" }
          : {}),
      })),
    ],
    ...(options.bands ? { bands: options.bands } : {}),
  };
  new uPlot(opts, [x, ...series.map((s) => s.values)], div);
}

export function murphyPlots(w: WorldData): void {
  const box = document.getElementById("plots")!;
  box.replaceChildren();
  const lat = w.latency;
  if (lat.binCounts.length > 0 && lat.percentilesMs !== null) {
    const p = lat.percentilesMs;
    murphyPlot(
      box,
      "Message latency distribution (send to delivery)",
      `p50 ${p.p50} ms · p90 ${p.p90} ms · p99 ${p.p99} ms · p99.9 ${p.p999} ms · max ${p.max} ms`,
      lat.binEdgesMs.slice(0, -1),
      [{ label: "messages", values: lat.binCounts }],
      { xLabel: "latency (ms, log)", yLabel: "messages", logX: true, stepped: true },
    );
    const x = lat.p50.map((_, i) => (i * lat.windowMs) / 1000);
    const positive = [lat.p50, lat.max].flat().every((v) => v === null || v > 0);
    murphyPlot(
      box,
      `Latency percentiles over time (per ${lat.windowMs} ms of send time)`,
      "",
      x,
      [
        { label: "p50", values: lat.p50 },
        { label: "p99", values: lat.p99 },
        { label: "p99.9", values: lat.p999 },
        { label: "max", values: lat.max, dash: true },
      ],
      { xLabel: "time (s)", yLabel: "ms", logY: positive },
    );
  }
  if (lat.operationsMs !== null) {
    const o = lat.operationsMs;
    box.append(
      murphyEl(
        "p",
        {},
        `Operation latency (invoke to ok, ${o.count} operations): p50 ${o.p50} ms · p99 ${o.p99} ms · max ${o.max} ms`,
      ),
    );
  }
  murphyLoadPlots(box, w);
  murphyClockPlot(box, w);
}

export function murphyLoadPlots(box: Element, w: WorldData): void {
  const load = w.load;
  if (w.arrows.kind.length === 0 && w.ops.length === 0 && w.series.length === 0) return;
  const perS = (v: number[]) => v.map((n) => (n * 1000) / load.windowMs);
  const x = load.sent.map((_, i) => (i * load.windowMs) / 1000);
  const series = [
    { label: "sent/s", values: perS(load.sent) },
    { label: "delivered/s", values: perS(load.delivered) },
    { label: "dropped/s", values: perS(load.dropped) },
  ];
  if (load.ok.length > 0) {
    series.push(
      { label: "ops ok/s", values: perS(load.ok) },
      { label: "ops fail/s", values: perS(load.fail) },
      { label: "ops info/s", values: perS(load.info) },
    );
  }
  murphyPlot(box, `Throughput (per ${load.windowMs} ms)`, "", x, series, {
    xLabel: "time (s)",
    yLabel: "per second",
  });
  const groups = new Map<number, typeof w.series>();
  for (const s of w.series) groups.set(s.windowMs, [...(groups.get(s.windowMs) ?? []), s]);
  for (const [windowMs, list] of groups) {
    const length = Math.max(...list.map((s) => s.values.length));
    murphyPlot(
      box,
      `${list.map((s) => s.name).join(", ")} (per ${windowMs} ms)`,
      list.map((s) => `${s.name}: ${s.description}`).join(" · "),
      Array.from({ length }, (_, i) => (i * windowMs) / 1000),
      list.map((s) => ({
        label: s.name,
        values: Array.from({ length }, (_, i) => s.values[i] ?? null),
      })),
      { xLabel: "time (s)", yLabel: `per ${windowMs} ms` },
    );
  }
}

/** Each node's wall clock minus true time; the TrueTime interval as a band where nodes read it. */
export function murphyClockPlot(box: Element, w: WorldData): void {
  const c = w.clocks;
  if (c === null) return;
  const x = c.tMicros.map((t) => t / 1e6);
  const series: { label: string; values: number[]; dash?: boolean }[] = w.nodes.map((name, i) => ({
    label: name,
    values: c.offsetMs[i]!,
  }));
  const bands: any[] = [];
  for (const tt of c.trueTime) {
    const hi = series.push({
      label: `${w.nodes[tt.node]} TT latest`,
      values: tt.latestMs,
      dash: true,
    });
    const lo = series.push({
      label: `${w.nodes[tt.node]} TT earliest`,
      values: tt.earliestMs,
      dash: true,
    });
    bands.push({ series: [hi, lo], fill: "rgba(148,103,189,0.15)" });
  }
  murphyPlot(
    box,
    "Clocks: wall clock minus true time",
    c.trueTime.length > 0
      ? "dashed: the TrueTime interval (earliest, latest) of the nodes that used it"
      : "",
    x,
    series,
    { xLabel: "true time (s)", yLabel: "offset (ms)", bands },
  );
}
