// One self-contained HTML file per run: the page's style, uPlot (inlined from the package, with
// its licence line), the report's data as a JSON script block, and the page's script, which draws
// everything from that data. No server and no network: the file opens from disk. Nothing in the
// markup comes from the run: the run's strings live only in the data block, where every `<` (and
// `>`, `&`, U+2028/9) is escaped so that no string can close the block, and the script puts them
// into the document as text. The same data gives the same bytes.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import type { ReportData } from "./ReportData.js";
import * as client from "./reportClient.js";
import * as draw from "./reportClientDraw.js";
import * as plots from "./reportClientPlots.js";
import { REPORT_CSS } from "./reportCss.js";

/** Data larger than this (as JSON) is stored gzipped and base64-encoded in the block. */
export const COMPRESS_ABOVE_BYTES = 1_000_000;

let uplotCache: { js: string; css: string } | undefined;

/** uPlot's browser build and stylesheet, read from the installed package. */
function uplotAssets(): { js: string; css: string } {
  if (uplotCache === undefined) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), "utf8");
    uplotCache = { js: read("uPlot.iife.min.js"), css: read("uPlot.min.css") };
  }
  return uplotCache;
}

/** JSON that is safe inside a script element: nothing in it can end the element. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Text that is safe as HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** The page's script: every client function by its source text, then the call that starts it. */
function clientScript(): string {
  const functions = [client, draw, plots].flatMap((module) =>
    Object.entries(module)
      .filter(([, f]) => typeof f === "function")
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, f]) => String(f)),
  );
  // Loaders built on esbuild that keep function names (tsx) wrap functions in `__name(...)`.
  const shim = "var __name = function (target) { return target; };";
  const script = `"use strict";\n${shim}\n${functions.join("\n\n")}\n\nvoid murphyReportMain();\n`;
  if (/<\/script/i.test(script))
    throw new Error("report script must not contain a closing script tag");
  return script;
}

/** The data block's contents: JSON, or gzipped JSON in base64 when it is large. */
function dataBlock(data: ReportData, compressAboveBytes: number): string {
  const json = scriptSafeJson(data);
  if (json.length <= compressAboveBytes) return json;
  const gzip = gzipSync(Buffer.from(JSON.stringify(data), "utf8"), { level: 9 });
  return JSON.stringify({ gzip: gzip.toString("base64") });
}

export interface HtmlReportOptions {
  /** Store the data gzipped above this many bytes of JSON (default COMPRESS_ABOVE_BYTES). */
  compressAboveBytes?: number;
}

export function renderHtmlReport(data: ReportData, options: HtmlReportOptions = {}): string {
  const uplot = uplotAssets();
  const block = dataBlock(data, options.compressAboveBytes ?? COMPRESS_ABOVE_BYTES);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="murphy">
<title>murphy report</title>
<style>${uplot.css}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<header id="head"></header>
<div id="error" role="alert"></div>
<section><h2>Verdict</h2><div id="verdicts"></div></section>
<section><h2>Space-time diagram</h2>
<p class="dim">One lane per node, time to the right. Arrows run from send to delivery; a crossed stub is a message dropped, orange a duplicate, dashed one still in flight. Shaded: faults (pauses, crashes, partitions, network conditions). Bars above a lane: that node's client operations (green ok, red fail, amber info). Wheel to zoom, drag to pan, hover for a message's content, click an operation to follow the messages it caused.</p>
<div id="tabs"></div><div id="diagram"></div><div id="details"></div></section>
<section><h2>Plots</h2><div id="plots"></div></section>
<section><h2>Figures</h2><div id="figures"></div></section>
<div id="tip" role="tooltip"></div>
<script type="application/json" id="murphy-data">${block}</script>
<script>${uplot.js}</script>
<script>${clientScript()}</script>
</body>
</html>
`;
}
