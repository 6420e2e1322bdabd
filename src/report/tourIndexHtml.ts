// The tour's index page: its table (one row per scenario and property, the violating seeds of the
// unsafe and safe variants, the key figures) and a link to the report of each first violating
// seed. Static HTML with every cell escaped; it needs no script.

import { escapeHtml } from "./htmlReport.js";

export interface TourIndexLink {
  scenario: string;
  variant: string;
  seed: string;
  property: string;
  /** The report's path relative to the index page. */
  href: string;
}

export interface TourIndexInput {
  title: string;
  /** Lines under the title: the verdict and its problems. */
  summary: readonly string[];
  header: readonly string[];
  rows: readonly (readonly string[])[];
  links: readonly TourIndexLink[];
}

export function tourIndexHtml(input: TourIndexInput): string {
  const cell = (tag: string, text: string) => `<${tag}>${escapeHtml(text)}</${tag}>`;
  const rows = input.rows.map((row) => `<tr>${row.map((c) => cell("td", c)).join("")}</tr>`);
  const links = input.links.map(
    (l) =>
      `<li><a href="${escapeHtml(encodeURI(l.href))}">${escapeHtml(`${l.scenario} · ${l.variant} · seed ${l.seed}`)}</a> ${escapeHtml(`— ${l.property} violated`)}</li>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="murphy">
<title>${escapeHtml(input.title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
table { border-collapse: collapse; } td, th { padding: 2px 12px 2px 0; text-align: left; vertical-align: top; }
th { border-bottom: 1px solid #ccc; } tr:nth-child(even) td { background: #f7f7f7; }
</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
${input.summary.map((line) => cell("p", line)).join("\n")}
<table>
<thead><tr>${input.header.map((h) => cell("th", h)).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
<h2>Reports of the first violating seeds</h2>
${input.links.length === 0 ? "<p>No seed violated a property.</p>" : `<ul>\n${links.join("\n")}\n</ul>`}
</body>
</html>
`;
}
