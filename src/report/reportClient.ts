/// <reference lib="dom" />
// The report page's script. Each exported function is put into the page by its source text
// (htmlReport.ts inlines them), so they use nothing but each other, their arguments, the browser
// and the inlined uPlot: no imports, no module constants. Text from a run only ever reaches the
// document as text (textContent, createTextNode), never as markup.
//
// The space-time diagram draws only what is in view: arrows are found by binary search on their
// send times, and when more than a screenful would be drawn they are aggregated per pair of lanes
// and slice of time. The plots are computed when the report is written; the page only draws them.

/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ReportData, WorldData } from "./ReportData.js";

// Functions of the other client files: in the page every client function is a global.
declare function murphyRender(view: View): void;
declare function murphyPlots(world: WorldData): void;

interface View {
  data: ReportData;
  world: WorldData;
  send: Float64Array;
  end: Float64Array;
  maxSpan: number;
  children: Int32Array[];
  t0: number;
  t1: number;
  width: number;
  focus: Set<number> | null;
  focusOp: number;
  partial: number;
}

/** Entry point: reads the data block, draws everything, and says so on the root element. */
export async function murphyReportMain(): Promise<void> {
  try {
    const block = document.getElementById("murphy-data");
    let data = JSON.parse(block?.textContent ?? "null");
    if (data !== null && typeof data.gzip === "string") data = await murphyInflate(data.gzip);
    (window as any).murphyReport = { data };
    murphyHeader(data);
    murphyWorldTabs(data);
    document.documentElement.dataset.ready = "true";
  } catch (error) {
    const box = document.getElementById("error");
    if (box) box.textContent = `This report could not be drawn: ${String(error)}`;
    console.error(error);
  }
}

/** Decompresses a base64 gzip block (large reports) into the data. */
export async function murphyInflate(base64: string): Promise<any> {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

/** An HTML element with attributes and children; strings become text nodes. */
export function murphyEl(
  tag: string,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

/** An SVG element with attributes (numbers or our own words, never run text). */
export function murphySvg(tag: string, attrs: Record<string, string | number> = {}): SVGElement {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export function murphyMs(micros: number): string {
  const ms = micros / 1000;
  return Math.abs(ms) >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(3)} ms`;
}

/** Title, claim, reproduce command, verdicts with the checkers' words, and figures. */
export function murphyHeader(data: ReportData): void {
  document.title = `murphy: ${data.title}`;
  const head = document.getElementById("head")!;
  head.append(
    murphyEl("h1", {}, data.worldTitle),
    murphyEl("p", { class: "sub" }, data.title),
    murphyEl("p", { class: "claim" }, data.claim),
    murphyEl("p", {}, "variant ", murphyEl("b", {}, data.variant), " — " + data.variantDescription),
    murphyEl("p", {}, "reproduce: ", murphyEl("code", { id: "command" }, data.command)),
    murphyEl("p", { class: "dim" }, `trace hash ${data.traceHash}`),
  );
  const verdicts = document.getElementById("verdicts")!;
  for (const v of data.verdicts) {
    const box = murphyEl(
      "div",
      { class: `verdict ${v.verdict}`, "data-verdict": v.verdict },
      murphyEl("b", {}, v.property),
      ` ${v.verdict}`,
    );
    if (v.details.length > 0) box.append(murphyEl("pre", {}, v.details.join("\n")));
    verdicts.append(box);
  }
  const table = murphyEl("table", { class: "figures" });
  for (const f of data.figures) {
    const value = f.value === null ? "—" : String(Math.round(f.value * 1000) / 1000);
    table.append(
      murphyEl("tr", {}, murphyEl("td", {}, f.name), murphyEl("td", {}, `${value} ${f.unit}`)),
    );
  }
  document.getElementById("figures")!.append(table);
}

/** One tab per world of the seed (a scenario may run several); the first is shown. */
export function murphyWorldTabs(data: ReportData): void {
  const tabs = document.getElementById("tabs")!;
  const show = (i: number) => {
    for (const [j, b] of Array.from(tabs.children).entries()) {
      b.classList.toggle("on", j === i);
    }
    murphyShowWorld(data, data.worlds[i]!);
  };
  data.worlds.forEach((w, i) => {
    const v = w.violations.length > 0 ? " ✖" : "";
    const button = murphyEl("button", { type: "button" }, w.label + v);
    button.addEventListener("click", () => show(i));
    tabs.append(button);
  });
  if (data.worlds.length > 0) show(murphyLikeliestWorld(data));
  else document.getElementById("diagram")!.textContent = "This run recorded no trace.";
}

/** The world to show first: one with a violation, else the one with the most drops and faults. */
export function murphyLikeliestWorld(data: ReportData): number {
  const located = data.worlds.findIndex((w) => w.violations.length > 0);
  if (located >= 0) return located;
  let best = 0;
  let score = -1;
  data.worlds.forEach((w, i) => {
    const s =
      (w.counts.drop ?? 0) +
      10 * w.bands.length +
      (w.latency.percentilesMs?.max ?? 0) +
      w.events / 100;
    if (s > score) [best, score] = [i, s];
  });
  return best;
}

/** Decodes a world's arrows and draws its diagram, client timeline and plots. */
export function murphyShowWorld(data: ReportData, world: WorldData): void {
  const a = world.arrows;
  const n = a.kind.length;
  const send = new Float64Array(n);
  const end = new Float64Array(n);
  let t = 0;
  let maxSpan = 0;
  const childCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    t += a.sendDelta[i]!;
    send[i] = t;
    end[i] = t + a.span[i]!;
    if (a.span[i]! > maxSpan) maxSpan = a.span[i]!;
    if (a.causeBack[i]! > 0) childCount[i - a.causeBack[i]!]!++;
  }
  const children = Array.from(childCount, (c) => new Int32Array(c));
  const filled = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const back = a.causeBack[i]!;
    if (back > 0) children[i - back]![filled[i - back]!++] = i;
  }
  const view: View = {
    data,
    world,
    send,
    end,
    maxSpan,
    children,
    t0: 0,
    t1: world.endMicros,
    width: 0,
    focus: null,
    focusOp: -1,
    partial: 0,
  };
  (window as any).murphyReport.view = view;
  murphyDiagramFrame(view);
  murphyRender(view);
  murphyPlots(world);
}

/** The diagram's fixed parts: controls, the SVG with its lanes, and the interactions. */
export function murphyDiagramFrame(view: View): void {
  const box = document.getElementById("diagram")!;
  box.replaceChildren();
  const w = view.world;
  const controls = murphyEl("div", { class: "controls" });
  const button = (label: string, act: () => void) => {
    const b = murphyEl("button", { type: "button" }, label);
    b.addEventListener("click", act);
    controls.append(b);
  };
  button("fit", () => murphyZoom(view, 0, w.endMicros));
  button("zoom in", () => murphyZoomBy(view, 0.5, 0.5));
  button("zoom out", () => murphyZoomBy(view, 2, 0.5));
  const violation = w.violations.find((v) => v.tMicros >= 0);
  if (violation) {
    const span = Math.max(w.endMicros / 50, 1000);
    button("go to violation", () =>
      murphyZoom(view, violation.tMicros - span, violation.tMicros + span),
    );
  }
  const status = murphyEl("span", { id: "status", class: "dim" });
  controls.append(status);
  const svg = murphySvg("svg", { id: "lanes", class: "diagram" });
  const wrap = murphyEl("div", { class: "diagram-wrap" });
  wrap.append(svg);
  box.append(controls, wrap);
  if (w.ops.length > 0) box.append(murphyPartialChooser(view));
  box.append(murphyEl("div", { id: "timeline-box" }));
  view.width = Math.max(400, wrap.clientWidth || 1000);
  murphyInteract(view, svg);
}

/** The client timeline's heading, and a choice among the longest partial linearisations. */
export function murphyPartialChooser(view: View): HTMLElement {
  const lin = view.world.linearizability;
  const head = murphyEl("h3", {}, "Client operations");
  if (lin === null) return head;
  const select = murphyEl("select", { id: "partial" }) as HTMLSelectElement;
  lin.longest.forEach((p, i) => {
    const text = `longest partial linearisation ${i + 1}: ${p.operations.length} operations, then stuck at ${p.blockedText}`;
    select.append(murphyEl("option", { value: String(i) }, text));
  });
  select.addEventListener("change", () => {
    view.partial = Number(select.value);
    murphyRender(view);
  });
  const unlin = lin.unlinearizable.length;
  return murphyEl(
    "div",
    { class: "lin-head" },
    head,
    murphyEl(
      "p",
      {},
      `${lin.property}: not linearizable (${lin.model}); ${unlin} operations cannot be placed. `,
      select,
    ),
  );
}

/** Wheel zooms around the pointer, dragging pans, hovering shows, clicking pins and follows. */
export function murphyInteract(view: View, svg: SVGElement): void {
  const tip = document.getElementById("tip")!;
  svg.addEventListener("wheel", (e: WheelEvent) => {
    e.preventDefault();
    const at = (e.offsetX - 150) / (view.width - 160);
    murphyZoomBy(view, e.deltaY > 0 ? 1.25 : 0.8, Math.min(1, Math.max(0, at)));
  });
  let drag: { x: number; t0: number; t1: number } | null = null;
  svg.addEventListener("mousedown", (e: MouseEvent) => {
    drag = { x: e.clientX, t0: view.t0, t1: view.t1 };
  });
  window.addEventListener("mouseup", () => (drag = null));
  window.addEventListener("mousemove", (e: MouseEvent) => {
    if (drag === null || Math.abs(e.clientX - drag.x) < 3) return;
    const dt = ((e.clientX - drag.x) / (view.width - 160)) * (drag.t1 - drag.t0);
    murphyZoom(view, drag.t0 - dt, drag.t1 - dt);
  });
  svg.addEventListener("mouseover", (e: Event) => {
    const text = murphyDescribe(view, e.target as Element);
    tip.textContent = text;
    tip.style.display = text === "" ? "none" : "block";
  });
  svg.addEventListener("mousemove", (e: MouseEvent) => {
    tip.style.left = `${e.pageX + 12}px`;
    tip.style.top = `${e.pageY + 12}px`;
  });
  svg.addEventListener("mouseleave", () => (tip.style.display = "none"));
  svg.addEventListener("click", (e: Event) => murphySelect(view, e.target as Element));
}

export function murphyZoomBy(view: View, factor: number, at: number): void {
  const span = view.t1 - view.t0;
  const pivot = view.t0 + span * at;
  murphyZoom(view, pivot - (pivot - view.t0) * factor, pivot + (view.t1 - pivot) * factor);
}

export function murphyZoom(view: View, t0: number, t1: number): void {
  const end = view.world.endMicros;
  const span = Math.min(end, Math.max(10, t1 - t0));
  let start = Math.max(0, Math.min(t0, end - span));
  if (!Number.isFinite(start)) start = 0;
  view.t0 = start;
  view.t1 = start + span;
  murphyRender(view);
}

/** What hovering an element shows: a message, an aggregate, an operation, a fault, a mark. */
export function murphyDescribe(view: View, target: Element): string {
  const el = target.closest(
    "[data-i],[data-op],[data-band],[data-mark],[data-agg],[data-violation]",
  );
  if (el === null) return "";
  const w = view.world;
  const d = (el as HTMLElement | SVGElement).dataset;
  if (d.i !== undefined) return murphyArrowText(view, Number(d.i));
  if (d.agg !== undefined) return `${d.agg} messages ${d.pair ?? ""} — zoom in to see each`;
  if (d.op !== undefined) return murphyOpText(w, Number(d.op));
  if (d.band !== undefined) {
    const b = w.bands[Number(d.band)]!;
    return `${b.text} (${murphyMs(b.startMicros)} – ${murphyMs(b.endMicros)})`;
  }
  if (d.mark !== undefined) {
    const m = w.marks[Number(d.mark)]!;
    return `${murphyMs(m.tMicros)} ${m.node >= 0 ? w.nodes[m.node] : "world"}: ${m.text}`;
  }
  if (d.violation !== undefined) return w.violations[Number(d.violation)]!.text;
  return "";
}

export function murphyArrowText(view: View, i: number): string {
  const w = view.world;
  const a = w.arrows;
  const kinds = ["delivered", "dropped", "duplicate delivered", "in flight at the end"];
  const lane = (n: number) => (n >= 0 ? w.nodes[n]! : "?");
  const body = a.body[i]! >= 0 ? w.bodies[a.body[i]!]! : "(no body)";
  const drop = a.drop[i]! >= 0 ? ` (${w.dropReasons[a.drop[i]!]})` : "";
  return (
    `message #${a.id[i]} ${lane(a.from[i]!)} → ${lane(a.to[i]!)}: ${kinds[a.kind[i]!]}${drop}\n` +
    `sent ${murphyMs(view.send[i]!)}, ${a.kind[i] === 1 ? "dropped" : "arrived"} ${murphyMs(view.end[i]!)} ` +
    `(${murphyMs(a.span[i]!)})\n${body}`
  );
}

export function murphyOpText(w: WorldData, id: number): string {
  const op = w.ops.find((o) => o.id === id);
  if (op === undefined) return "";
  const out = op.output === "" ? "" : ` ${op.output}`;
  const err = op.error === undefined ? "" : ` (${op.error})`;
  const done = op.completeMicros === undefined ? "open" : murphyMs(op.completeMicros);
  return `operation ${op.id} by ${op.process}: ${op.f}(${op.input}) → ${op.status}${out}${err}\n${murphyMs(op.invokeMicros)} – ${done}`;
}

/** Click: pin a message's details, or follow an operation to the messages it caused. */
export function murphySelect(view: View, target: Element): void {
  const panel = document.getElementById("details")!;
  const el = target.closest("[data-i],[data-op]");
  if (el === null) {
    view.focus = null;
    view.focusOp = -1;
    panel.textContent = "";
    murphyRender(view);
    return;
  }
  const d = (el as SVGElement).dataset;
  if (d.i !== undefined) {
    panel.replaceChildren(murphyEl("pre", {}, murphyArrowText(view, Number(d.i))));
    return;
  }
  const id = Number(d.op);
  view.focusOp = id;
  view.focus = murphyCaused(view, id);
  const lines = [...view.focus].slice(0, 30).map((i) => murphyArrowText(view, i).split("\n")[0]);
  const more = view.focus.size > 30 ? `\n… and ${view.focus.size - 30} more` : "";
  panel.replaceChildren(
    murphyEl("pre", {}, murphyOpText(view.world, id)),
    murphyEl("p", {}, `${view.focus.size} messages caused by this operation (highlighted):`),
    murphyEl("pre", { id: "caused" }, lines.join("\n") + more),
  );
  murphyRender(view);
}

/** The arrows an operation caused: its node's sends while it ran, and what their deliveries caused. */
export function murphyCaused(view: View, opId: number): Set<number> {
  const op = view.world.ops.find((o) => o.id === opId);
  const out = new Set<number>();
  if (op === undefined || op.node < 0) return out;
  const a = view.world.arrows;
  const until = op.completeMicros ?? view.world.endMicros;
  const stack: number[] = [];
  for (let i = murphyFirstAt(view.send, op.invokeMicros); i < a.kind.length; i++) {
    if (view.send[i]! > until) break;
    if (a.from[i] === op.node) stack.push(i);
  }
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (out.has(i)) continue;
    out.add(i);
    for (const c of view.children[i]!) stack.push(c);
    // Every copy of a message is the same send: keep its siblings.
    for (
      let j = i + 1;
      j < a.kind.length && a.id[j] === a.id[i] && view.send[j] === view.send[i];
      j++
    ) {
      if (!out.has(j)) stack.push(j);
    }
  }
  return out;
}

/** The first index whose value is >= t, in an ascending array. */
export function murphyFirstAt(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
