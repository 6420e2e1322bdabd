// The report page's style: readable on screen and in a screenshot, colours that carry meaning
// (green ok, red fail or violation, amber unknown outcome), and faults as translucent bands.

export const REPORT_CSS = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 12px 0 4px; }
code, pre { font: 12px/1.35 ui-monospace, Menlo, Consolas, monospace; }
pre { background: #f6f6f6; padding: 6px 8px; overflow-x: auto; white-space: pre-wrap; margin: 4px 0; }
.sub, .dim { color: #666; } .claim { max-width: 70em; }
#error:not(:empty) { background: #fdd; padding: 8px; }
.verdict { padding: 6px 10px; margin: 4px 0; border-left: 4px solid #999; background: #fafafa; }
.verdict.held { border-color: #2ca02c; } .verdict.violated { border-color: #d62728; background: #fff4f4; }
.verdict.unknown { border-color: #e0a000; }
.figures td { padding: 1px 12px 1px 0; font-size: 12px; }
#tabs button { margin: 0 4px 4px 0; padding: 3px 8px; border: 1px solid #bbb; background: #f4f4f4; cursor: pointer; }
#tabs button.on { background: #222; color: #fff; }
.controls button { margin-right: 4px; }
.diagram-wrap { width: 100%; overflow: hidden; border: 1px solid #ddd; }
svg.diagram { display: block; user-select: none; font-size: 11px; }
.lane line { stroke: #999; stroke-width: 1; }
.lane-name { font-weight: 600; fill: #222; }
.axis line { stroke: #eee; } .axis text { fill: #888; font-size: 10px; }
.band { fill-opacity: 0.18; } .band.pause { fill: #e0a000; } .band.crash { fill: #d62728; fill-opacity: 0.22; }
.band.partition { fill: #7f7fff; fill-opacity: 0.12; } .band.network { fill: #888; fill-opacity: 0.08; }
.band.byzantine { fill: #9467bd; }
.mark { fill: #9467bd; } .mark.log { fill: #aaa; }
.msg { stroke: #1f77b4; stroke-width: 1; fill: none; }
.msg.drop { stroke: #d62728; } .msg.dup { stroke: #ff7f0e; } .msg.inflight { stroke-dasharray: 4 3; stroke: #777; }
.head { fill: #1f77b4; } .head.dup { fill: #ff7f0e; } .head.hi { fill: #111; }
.agg { stroke: #1f77b4; stroke-opacity: 0.35; } .agg.drop { stroke: #d62728; }
svg.focused .msg { stroke-opacity: 0.15; } svg.focused .msg.hi { stroke: #111; stroke-opacity: 1; stroke-width: 2; }
.op { stroke: #0003; } .op.ok { fill: #7fc97f; } .op.fail { fill: #f08080; } .op.info { fill: #f5c542; }
.op.open { fill-opacity: 0.3; stroke-dasharray: 3 2; }
.op.chosen { stroke: #111; stroke-width: 2; }
.op.unlin { stroke: #d62728; stroke-width: 1.5; } .op.lin { stroke: #1f3f9f; stroke-width: 1.5; }
.op.blocked { stroke: #d62728; stroke-width: 3; stroke-dasharray: 5 2; }
.op-text { font-size: 10px; pointer-events: none; fill: #222; }
.lin-path { fill: none; stroke: #1f3f9f; stroke-width: 1.5; }
.lin-point { fill: #1f3f9f; } .lin-label { fill: #fff; font-size: 9px; pointer-events: none; }
.violation line { stroke: #d62728; stroke-width: 1.5; stroke-dasharray: 6 3; }
.violation circle { fill: #d62728; } .violation text { fill: #fff; font-size: 12px; font-weight: 700; }
#tip { position: absolute; display: none; max-width: 520px; background: #222; color: #fff; padding: 6px 8px;
  font: 12px/1.35 ui-monospace, Menlo, monospace; white-space: pre-wrap; pointer-events: none; border-radius: 3px; z-index: 10; }
#plots { display: flex; flex-wrap: wrap; gap: 12px; } .plot { flex: 1 1 560px; min-width: 380px; }
.lin-head p { margin: 2px 0 6px; }
`;
