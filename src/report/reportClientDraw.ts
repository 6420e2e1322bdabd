/// <reference lib="dom" />
// The report page's drawing of the space-time diagram and the client timeline, for the time in
// view. Inlined into the page by source text like reportClient.ts: these functions use nothing but
// each other, the functions there, their arguments and the browser.

/* eslint-disable @typescript-eslint/no-explicit-any */
import type { WorldData } from "./ReportData.js";

// Functions of reportClient.ts: in the page every client function is a global.
declare function murphyFirstAt(sorted: Float64Array, t: number): number;
declare function murphyMs(micros: number): string;
declare function murphySvg(tag: string, attrs?: Record<string, string | number>): SVGElement;

type View = any;

/** Where things go: a gutter for names, a lane per node, time across. */
export function murphyLayout(view: View): {
  left: number;
  top: number;
  laneH: number;
  height: number;
  x: (t: number) => number;
  y: (node: number) => number;
} {
  const left = 150;
  const top = 28;
  const laneH = 44;
  const scale = (view.width - left - 10) / Math.max(1, view.t1 - view.t0);
  return {
    left,
    top,
    laneH,
    height: top + laneH * Math.max(1, view.world.nodes.length) + 8,
    x: (t: number) => left + (t - view.t0) * scale,
    y: (node: number) => top + laneH * (Math.max(0, node) + 0.5),
  };
}

/** Redraws the diagram and the client timeline for the current view. */
export function murphyRender(view: View): void {
  const svg = document.getElementById("lanes");
  if (svg === null) return;
  const L = murphyLayout(view);
  const w: WorldData = view.world;
  svg.replaceChildren(murphyDefs());
  svg.setAttribute("width", String(view.width));
  svg.setAttribute("height", String(L.height));
  svg.classList.toggle("focused", view.focus !== null);
  murphyAxis(svg, view, L.top - 8, L.height);
  murphyBands(svg, view, L);
  w.nodes.forEach((name, i) => {
    const g = murphySvg("g", { class: "lane", "data-lane": i });
    g.append(murphySvg("line", { x1: L.left, x2: view.width - 10, y1: L.y(i), y2: L.y(i) }));
    const label = murphySvg("text", { x: 6, y: L.y(i) + 4, class: "lane-name" });
    label.textContent = name;
    g.append(label);
    svg.append(g);
  });
  murphyMarks(svg, view, L);
  murphyOpBars(svg, view, L);
  const shown = murphyArrows(svg, view, L);
  murphyViolations(svg, view, L);
  const status = document.getElementById("status");
  if (status) {
    status.textContent =
      ` ${murphyMs(view.t0)} – ${murphyMs(view.t1)} · ` +
      (shown.aggregated
        ? `${shown.count} messages in view, aggregated (zoom in to see each)`
        : `${shown.count} of ${w.arrows.kind.length} message arrows in view`);
  }
  murphyTimeline(view);
}

export function murphyDefs(): SVGElement {
  const defs = murphySvg("defs");
  for (const [id, cls] of [
    ["ah", "head"],
    ["ah-dup", "head dup"],
    ["ah-hi", "head hi"],
  ]) {
    const m = murphySvg("marker", {
      id: id!,
      viewBox: "0 0 10 10",
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: "auto-start-reverse",
    });
    m.append(murphySvg("path", { d: "M0,0L10,5L0,10z", class: cls! }));
    defs.append(m);
  }
  return defs;
}

/** Time ticks at a 1-2-5 step, labelled in ms or s. */
export function murphyAxis(svg: Element, view: View, y: number, height: number): void {
  const L = murphyLayout(view);
  const span = view.t1 - view.t0;
  const raw = span / 8;
  const decade = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((s) => s * decade).find((s) => s >= raw) ?? 10 * decade;
  const g = murphySvg("g", { class: "axis" });
  for (let t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) {
    const x = L.x(t);
    g.append(murphySvg("line", { x1: x, x2: x, y1: y, y2: height }));
    const label = murphySvg("text", { x: x + 2, y: y - 2 });
    label.textContent = murphyMs(t);
    g.append(label);
  }
  svg.append(g);
}

export function murphyBands(svg: Element, view: View, L: any): void {
  const w: WorldData = view.world;
  w.bands.forEach((b, i) => {
    if (b.endMicros < view.t0 || b.startMicros > view.t1) return;
    const x0 = Math.max(L.left, L.x(b.startMicros));
    const x1 = Math.min(view.width - 10, Math.max(L.x(b.endMicros), x0 + 2));
    const y = b.node < 0 ? L.top : L.y(b.node) - L.laneH / 2 + 2;
    const h = b.node < 0 ? L.laneH * w.nodes.length : L.laneH - 4;
    svg.append(
      murphySvg("rect", {
        x: x0,
        y,
        width: x1 - x0,
        height: h,
        class: `band ${b.kind}`,
        "data-band": i,
      }),
    );
  });
}

export function murphyMarks(svg: Element, view: View, L: any): void {
  const w: WorldData = view.world;
  let drawn = 0;
  w.marks.forEach((m, i) => {
    if (m.tMicros < view.t0 || m.tMicros > view.t1 || drawn > 600) return;
    drawn++;
    const x = L.x(m.tMicros);
    const y = m.node < 0 ? L.top + 4 : L.y(m.node) + 10;
    svg.append(
      murphySvg("path", {
        d: `M${x},${y - 5}L${x + 4},${y}L${x},${y + 5}L${x - 4},${y}z`,
        class: `mark ${m.kind}`,
        "data-mark": i,
      }),
    );
  });
}

/** Client operations on their node's lane, as intervals coloured by outcome. */
export function murphyOpBars(svg: Element, view: View, L: any): void {
  const w: WorldData = view.world;
  for (const op of w.ops) {
    if (op.node < 0) continue;
    const end = op.completeMicros ?? w.endMicros;
    if (end < view.t0 || op.invokeMicros > view.t1) continue;
    const x0 = Math.max(L.left, L.x(op.invokeMicros));
    const x1 = Math.min(view.width - 10, L.x(end));
    const open = op.completeMicros === undefined ? " open" : "";
    const cls = `op ${op.status}${open}${view.focusOp === op.id ? " chosen" : ""}`;
    svg.append(
      murphySvg("rect", {
        x: x0,
        y: L.y(op.node) - 17,
        width: Math.max(2, x1 - x0),
        height: 9,
        rx: 2,
        class: cls,
        "data-op": op.id,
      }),
    );
  }
}

/** The arrows in view, one by one, or aggregated per pair of lanes and slice of time. */
export function murphyArrows(
  svg: Element,
  view: View,
  L: any,
): { count: number; aggregated: boolean } {
  const w: WorldData = view.world;
  const a = w.arrows;
  const visible: number[] = [];
  const first = murphyFirstAt(view.send, view.t0 - view.maxSpan);
  for (let i = first; i < a.kind.length && view.send[i] <= view.t1; i++) {
    if (view.end[i] >= view.t0) visible.push(i);
  }
  const g = murphySvg("g", { class: "arrows" });
  svg.append(g);
  if (visible.length > 1500) {
    murphyAggregate(g, view, L, visible);
    return { count: visible.length, aggregated: true };
  }
  for (const i of visible) {
    const x1 = L.x(view.send[i]);
    const y1 = L.y(a.from[i]!);
    const to = a.to[i]! >= 0 ? a.to[i]! : a.from[i]!;
    let x2 = L.x(view.end[i]);
    let y2 = L.y(to);
    const kind = a.kind[i]!;
    if (kind === 1 && a.span[i] === 0) {
      // Lost on the way: a stub toward the receiver, crossed out.
      x2 = x1 + 16;
      y2 = y1 + (y2 - y1) * 0.35;
    }
    const cross =
      kind === 1
        ? `M${x2 - 4},${y2 - 4}L${x2 + 4},${y2 + 4}M${x2 - 4},${y2 + 4}L${x2 + 4},${y2 - 4}`
        : "";
    const hi = view.focus !== null && view.focus.has(i);
    const cls = ["deliver", "drop", "dup", "inflight"][kind];
    const path = murphySvg("path", {
      d: `M${x1},${y1}L${x2},${y2}${cross}`,
      class: `msg ${cls}${hi ? " hi" : ""}`,
      "data-i": i,
    });
    if (kind === 0 || kind === 2) {
      path.setAttribute("marker-end", `url(#${hi ? "ah-hi" : kind === 2 ? "ah-dup" : "ah"})`);
    }
    g.append(path);
  }
  return { count: visible.length, aggregated: false };
}

export function murphyAggregate(g: Element, view: View, L: any, visible: number[]): void {
  const a = view.world.arrows;
  // About 2,400 strokes at most: fewer slices of time the more pairs of lanes talk.
  const pairs = new Set<number>();
  for (const i of visible) pairs.add(a.from[i] * 4096 + a.to[i]);
  const slices = Math.max(24, Math.min(200, Math.floor(2400 / pairs.size)));
  const slicePx = (view.width - L.left - 10) / slices;
  const groups = new Map<
    string,
    { n: number; x1: number; x2: number; from: number; to: number; drops: number }
  >();
  for (const i of visible) {
    const x1 = L.x(view.send[i]);
    const key = `${a.from[i]}>${a.to[i]}@${Math.floor((x1 - L.left) / slicePx)}`;
    let grp = groups.get(key);
    if (grp === undefined) {
      grp = { n: 0, x1: 0, x2: 0, from: a.from[i], to: a.to[i], drops: 0 };
      groups.set(key, grp);
    }
    grp.n++;
    grp.x1 += x1;
    grp.x2 += L.x(view.end[i]);
    if (a.kind[i] === 1) grp.drops++;
  }
  for (const grp of groups.values()) {
    const to = grp.to >= 0 ? grp.to : grp.from;
    const path = murphySvg("path", {
      d: `M${grp.x1 / grp.n},${L.y(grp.from)}L${grp.x2 / grp.n},${L.y(to)}`,
      class: `agg${grp.drops > grp.n / 2 ? " drop" : ""}`,
      "stroke-width": Math.min(9, 1 + Math.log2(grp.n)),
      "data-agg": grp.n,
      "data-from": grp.from,
      "data-to": to,
    });
    g.append(path);
  }
}

export function murphyViolations(svg: Element, view: View, L: any): void {
  const w: WorldData = view.world;
  w.violations.forEach((v, i) => {
    if (v.tMicros < 0 || v.tMicros < view.t0 || v.tMicros > view.t1) return;
    const x = L.x(v.tMicros);
    const g = murphySvg("g", { class: "violation", "data-violation": i, id: `violation-${i}` });
    g.append(murphySvg("line", { x1: x, x2: x, y1: L.top, y2: L.height - 4 }));
    const y = v.node >= 0 ? L.y(v.node) : L.top + 10;
    g.append(murphySvg("circle", { cx: x, cy: y, r: 9 }));
    const cross = murphySvg("text", { x, y: y + 5, "text-anchor": "middle" });
    cross.textContent = "✖";
    g.append(cross);
    svg.append(g);
  });
}

/**
 * The client timeline, as Porcupine draws it: a row per client, its operations as intervals, and
 * for a linearizability violation the chosen longest partial linearisation as a path through the
 * operations in the order they took effect, ending at the operation that had nowhere legal to go.
 */
export function murphyTimeline(view: View): void {
  const box = document.getElementById("timeline-box");
  const w: WorldData = view.world;
  if (box === null || w.ops.length === 0) return;
  const L = murphyLayout(view);
  const processes: string[] = [];
  for (const op of w.ops) if (!processes.includes(op.process)) processes.push(op.process);
  const rowH = 26;
  const svg = murphySvg("svg", {
    id: "timeline",
    class: "diagram",
    width: view.width,
    height: 30 + rowH * processes.length,
  });
  murphyAxis(svg, view, 20, 30 + rowH * processes.length);
  const rowY = (p: string) => 30 + rowH * processes.indexOf(p);
  processes.forEach((p) => {
    const label = murphySvg("text", { x: 6, y: rowY(p) + 16, class: "lane-name" });
    label.textContent = p;
    svg.append(label);
  });
  const lin = w.linearizability;
  const partial = lin?.longest[view.partial];
  const unlin = new Set(lin?.unlinearizable ?? []);
  const inPartial = new Set(partial?.operations ?? []);
  for (const op of w.ops) {
    const end = op.completeMicros ?? w.endMicros;
    if (end < view.t0 || op.invokeMicros > view.t1) continue;
    const x0 = Math.max(L.left, L.x(op.invokeMicros));
    const x1 = Math.min(view.width - 10, Math.max(L.x(end), x0 + 2));
    const cls = [
      "op",
      op.status,
      op.completeMicros === undefined ? "open" : "",
      unlin.has(op.id) ? "unlin" : "",
      inPartial.has(op.id) ? "lin" : "",
      partial?.blocked === op.id ? "blocked" : "",
    ].join(" ");
    const y = rowY(op.process);
    svg.append(
      murphySvg("rect", {
        x: x0,
        y: y + 3,
        width: x1 - x0,
        height: rowH - 6,
        rx: 3,
        class: cls,
        "data-op": op.id,
      }),
    );
    if (x1 - x0 > 50) {
      const text = murphySvg("text", { x: x0 + 3, y: y + 17, class: "op-text", "data-op": op.id });
      const out = op.output === "" ? "" : ` ${op.output}`;
      const label = `${op.f}(${op.input}) → ${op.status}${out}`;
      const fits = Math.floor((x1 - x0 - 6) / 6);
      text.textContent = label.length > fits ? `${label.slice(0, Math.max(1, fits - 1))}…` : label;
      svg.append(text);
    }
  }
  if (partial !== undefined) murphyPartialPath(svg, view, L, partial, rowY);
  box.replaceChildren(svg);
  const tip = document.getElementById("tip")!;
  svg.addEventListener("mouseover", (e: Event) => {
    const el = (e.target as Element).closest("[data-op]");
    tip.textContent =
      el === null ? "" : murphyDescribeOp(view, Number((el as SVGElement).dataset.op));
    tip.style.display = el === null ? "none" : "block";
  });
  svg.addEventListener("mousemove", (e: MouseEvent) => {
    tip.style.left = `${e.pageX + 12}px`;
    tip.style.top = `${e.pageY + 12}px`;
  });
  svg.addEventListener("mouseleave", () => (tip.style.display = "none"));
}

export function murphyDescribeOp(view: View, id: number): string {
  const lin = view.world.linearizability;
  const partial = lin?.longest[view.partial];
  const op = view.world.ops.find((o: any) => o.id === id);
  if (op === undefined) return "";
  let text = `operation ${op.id} by ${op.process}: ${op.f}(${op.input}) → ${op.status} ${op.output}`;
  if (partial !== undefined) {
    const k = partial.operations.indexOf(id);
    if (k >= 0)
      text += `\nlinearised ${k + 1} of ${partial.operations.length}: ${partial.texts[k]}`;
    if (partial.blocked === id) {
      text += `\nblocked: no legal place after ${partial.operations.length} operations (state ${partial.stateAfter})`;
      if (partial.expected !== undefined) text += `; the model allows ${partial.expected}`;
    }
  }
  return text;
}

export function murphyPartialPath(svg: Element, view: View, L: any, partial: any, rowY: any): void {
  const w: WorldData = view.world;
  const byId = new Map(w.ops.map((o) => [o.id, o]));
  const points: string[] = [];
  let x = -Infinity;
  partial.operations.forEach((id: number, k: number) => {
    const op = byId.get(id);
    if (op === undefined) return;
    const end = L.x(op.completeMicros ?? w.endMicros);
    x = Math.min(end, Math.max(x + 4, L.x(op.invokeMicros) + 2));
    const y = rowY(op.process) + 13;
    points.push(`${x},${y}`);
    const dot = murphySvg("circle", { cx: x, cy: y, r: 7, class: "lin-point", "data-op": id });
    const label = murphySvg("text", { x, y: y + 3, "text-anchor": "middle", class: "lin-label" });
    label.textContent = String(k + 1);
    svg.append(dot, label);
  });
  const blocked = byId.get(partial.blocked);
  if (blocked !== undefined) {
    const bx = L.x(blocked.completeMicros ?? w.endMicros);
    points.push(`${bx},${rowY(blocked.process) + 13}`);
  }
  svg.insertBefore(
    murphySvg("polyline", { points: points.join(" "), class: "lin-path" }),
    svg.firstChild,
  );
}
