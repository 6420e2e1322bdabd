import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import type { TraceEvent } from "../sim/Trace.js";
import { selectTraceEvents, spaceTimeDiagram, traceNodes } from "./spaceTimeDiagram.js";

/** Two nodes: a ping delivered, a pong lost, a paused during a partition, b crashed. */
const trace: TraceEvent[] = [
  { tMicros: 0, kind: "start", node: "a" },
  { tMicros: 0, kind: "start", node: "b" },
  { tMicros: 0, kind: "send", node: "a", peer: "b", id: 0, body: "ping" },
  { tMicros: 1500, kind: "deliver", node: "b", peer: "a", id: 0 },
  { tMicros: 2000, kind: "send", node: "b", peer: "a", id: 1, body: "pong" },
  { tMicros: 2000, kind: "drop", node: "b", peer: "a", id: 1, detail: "loss" },
  { tMicros: 3000, kind: "pause", node: "a", detail: "5ms" },
  { tMicros: 4000, kind: "fault", node: "world", detail: "cut a->b" },
  { tMicros: 8000, kind: "resume", node: "a", detail: "0 parked" },
  { tMicros: 9000, kind: "timer", node: "a", id: 7 },
  { tMicros: 10000, kind: "crash", node: "b", detail: "lost 0 unsynced writes" },
  { tMicros: 12000, kind: "log", node: "a", detail: "b looks dead" },
];

describe("spaceTimeDiagram", () => {
  it("shows a send, its delivery with the delay, a drop with its reason, a pause, a crash", () => {
    expect(spaceTimeDiagram(trace)).toEqual([
      "    ms  a                  b",
      "──────  ─────────────────  ──────────────────────────────",
      " 0.000  start              │",
      " 0.000  │                  start",
      ' 0.000  → b #0: "ping"     │',
      " 1.500  │                  ← a #0 (1.5 ms)",
      ' 2.000  │                  → a #1: "pong"',
      " 2.000  │                  ✗ #1 (loss)",
      " 3.000  pause 5ms          │",
      " 4.000  ══ fault: cut a->b ══",
      " 8.000  resume (0 parked)  │",
      " 9.000  timer #7           │",
      "10.000  │                  CRASH (lost 0 unsynced writes)",
      "12.000  log: b looks dead",
    ]);
  });

  it("shows a paused node's lifeline dotted and a crashed node's blank while others act", () => {
    const lines = spaceTimeDiagram([
      ...trace.slice(0, 7),
      { tMicros: 3500, kind: "timer", node: "b", id: 2 },
      { tMicros: 8000, kind: "resume", node: "a" },
      { tMicros: 8000, kind: "crash", node: "b" },
      { tMicros: 8500, kind: "timer", node: "a", id: 3 },
    ]);
    expect(lines.slice(-5)).toEqual([
      "3.000  pause 5ms       │",
      "3.500  ┊               timer #2",
      "8.000  resume          │",
      "8.000  │               CRASH",
      "8.500  timer #3",
    ]);
  });

  it("shows that the filters keep the delay of a delivery whose send is outside the window", () => {
    expect(
      spaceTimeDiagram(trace, { nodes: ["b"], fromMs: 1, toMs: 2, kinds: ["deliver"] }),
    ).toEqual(["   ms  b", "─────  ───────────────", "1.500  ← a #0 (1.5 ms)"]);
    // World events are banners, kept whatever the nodes; the kind and time filters still apply.
    expect(selectTraceEvents(trace, { nodes: ["a"], kinds: ["fault", "pause"] })).toEqual([
      trace[6],
      trace[7],
    ]);
    expect(spaceTimeDiagram(trace, { fromMs: 20 })).toEqual([
      "no events in this selection; widen --from-ms/--to-ms, --nodes or --kinds",
    ]);
  });

  it("shows that maxLines bounds the rows; the last line counts the rest and how to narrow", () => {
    const lines = spaceTimeDiagram(trace, { maxLines: 3 });
    expect(lines).toHaveLength(2 + 3 + 1);
    expect(lines.at(-1)).toBe(
      "… 9 more events from 1.500 ms not shown; " +
        "narrow with --from-ms/--to-ms, --nodes or --kinds, or raise --max-lines",
    );
    expect(spaceTimeDiagram(trace, { maxLines: 12 })).toHaveLength(2 + 12);
  });

  it("shows that a duplicate is marked at the send and the second delivery as again", () => {
    const lines = spaceTimeDiagram([
      { tMicros: 0, kind: "send", node: "a", peer: "b", id: 4 },
      { tMicros: 0, kind: "duplicate", node: "a", peer: "b", id: 4 },
      { tMicros: 2000, kind: "deliver", node: "b", peer: "a", id: 4 },
      { tMicros: 3250, kind: "deliver", node: "b", peer: "a", id: 4 },
    ]);
    expect(lines.slice(2)).toEqual([
      "0.000  → b #4           │",
      "0.000  ⇉ #4 duplicated  │",
      "2.000  │                ← a #4 (2 ms)",
      "3.250  │                ← a #4 (3.25 ms) again",
    ]);
  });

  it("shows that long text is cut with … to fit the width; columns follow options.nodes", () => {
    const lines = spaceTimeDiagram(
      [{ tMicros: 0, kind: "send", node: "a", peer: "b", id: 0, body: "x".repeat(200) }],
      { width: 40, nodes: ["b", "a"] },
    );
    expect(lines[0]).toBe("   ms  b  a");
    expect(lines[2]).toBe(`0.000  │  → b #0: "${"x".repeat(20)}…`);
    expect(lines.every((line) => [...line].length <= 40)).toBe(true);
    expect(traceNodes(trace)).toEqual(["a", "b"]);
  });

  it("rejects options at the edge where valid turns invalid, naming the option", () => {
    expect(spaceTimeDiagram(trace, { maxLines: 1 })).toHaveLength(4);
    expect(() => spaceTimeDiagram(trace, { maxLines: 0 })).toThrow(
      /`maxLines` must be an integer >= 1, got 0/,
    );
    expect(() => spaceTimeDiagram(trace, { fromMs: 5, toMs: 4 })).toThrow(ConfigError);
    expect(() => spaceTimeDiagram(trace, { width: 39 })).toThrow(/`width`/);
    expect(() => spaceTimeDiagram(trace, { kinds: ["sned" as "send"] })).toThrow(/`kinds`.*"sned"/);
    expect(() => spaceTimeDiagram(trace, { nodes: ["a", "a"] })).toThrow(/distinct node names/);
  });

  it("shows that the same trace always draws the same lines", () => {
    expect(spaceTimeDiagram(trace)).toEqual(spaceTimeDiagram(structuredClone(trace)));
  });
});
