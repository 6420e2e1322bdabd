// Shows what a report is made of: one arrow per delivery, drop and message in flight, each send
// tied to the delivery that caused it; faults as bands; a linearizability violation placed at the
// return of the operation no legal order allows; recording that leaves the trace hash alone; the
// same seed giving the same bytes; and run strings kept as data that cannot end a script block.
import { describe, expect, it } from "vitest";
import { Seed } from "../core/Rng.js";
import { clockDrift } from "../scenarios/clock-drift/ClockDriftScenario.js";
import type { TraceEvent } from "../sim/Trace.js";
import { volatileRegister } from "../../test/worlds/volatileRegister.js";
import { worldData } from "./buildReportData.js";
import { scriptSafeJson } from "./htmlReport.js";
import { ARROW_KIND } from "./ReportData.js";
import { recordRun } from "./RunRecorder.js";
import { runReportHtml } from "./writeRunReport.js";
import { hostileWorld, HOSTILE_NAME, reportInput } from "../../test/reportFixtures.js";

const e = (
  tMicros: number,
  kind: TraceEvent["kind"],
  node: string,
  more: Partial<TraceEvent> = {},
) => ({ tMicros, kind, node, ...more }) as TraceEvent;

/** a asks b; the request is duplicated; b answers each copy; a's next message is lost. */
const EVENTS: TraceEvent[] = [
  e(0, "start", "a"),
  e(0, "start", "b"),
  e(0, "send", "a", { peer: "b", id: 1, body: { q: 1 } }),
  e(0, "duplicate", "a", { peer: "b", id: 1 }),
  e(5, "deliver", "b", { peer: "a", id: 1 }),
  e(5, "send", "b", { peer: "a", id: 2, body: { r: 1 } }),
  e(7, "deliver", "b", { peer: "a", id: 1 }),
  e(7, "send", "b", { peer: "a", id: 3, body: { r: 1 } }),
  e(10, "send", "a", { peer: "b", id: 4, body: "lost" }),
  e(10, "drop", "a", { peer: "b", id: 4, detail: "loss" }),
  e(12, "deliver", "a", { peer: "b", id: 2 }),
  e(20, "timer", "a", { id: 9 }),
  e(20, "send", "a", { peer: "b", id: 5 }),
  e(30, "log", "a", { detail: "done" }),
];

describe("worldData", () => {
  it("draws one arrow per delivery, drop and message still in flight, in send order", () => {
    const w = worldData({ label: "w", nodes: ["a", "b"], events: EVENTS });
    expect(w.arrows.id).toEqual([1, 1, 2, 3, 4, 5]);
    expect(w.arrows.kind).toEqual([
      ARROW_KIND.deliver,
      ARROW_KIND.duplicate,
      ARROW_KIND.deliver,
      ARROW_KIND.inFlight,
      ARROW_KIND.drop,
      ARROW_KIND.inFlight,
    ]);
    expect(w.arrows.span).toEqual([5, 7, 7, 23, 0, 10]);
    expect(w.dropReasons[w.arrows.drop[4]!]).toBe("loss");
    expect(w.bodies[w.arrows.body[0]!]).toBe('{"q":1}');
    expect(w.arrows.body[5]).toBe(-1);
  });

  it("ties each send to the delivery its node was handling at that instant, and nothing else", () => {
    const w = worldData({ label: "w", nodes: ["a", "b"], events: EVENTS });
    // id 2 answers the first copy (arrow 0); id 3 the duplicate (arrow 1); a's own sends: none.
    expect(w.arrows.causeBack).toEqual([0, 0, 2, 2, 0, 0]);
  });

  it("turns pauses, crashes and partitions into bands that end when the fault does", () => {
    const w = worldData({
      label: "w",
      nodes: ["a", "b"],
      events: [
        e(0, "start", "a"),
        e(10, "pause", "a", { detail: "5ms" }),
        e(15, "resume", "a", { detail: "0 parked" }),
        e(20, "fault", "world", { detail: "partition {a} | {b}" }),
        e(25, "crash", "b", { detail: "lost 0 unsynced writes" }),
        e(40, "fault", "world", { detail: "heal" }),
        e(50, "clock", "b", { detail: "step 100ms" }),
        e(60, "log", "a", { detail: "end" }),
      ],
    });
    expect(w.bands.map((b) => [b.kind, b.node, b.startMicros, b.endMicros])).toEqual([
      ["pause", 0, 10, 15],
      ["partition", -1, 20, 40],
      ["crash", 1, 25, 60],
    ]);
    expect(w.marks.map((m) => m.text)).toEqual(["clock step 100ms", "end"]);
  });
});

describe("recording a run for its report", () => {
  it("leaves every trace hash as it is without a recorder", async () => {
    for (const [world, variant] of [
      [volatileRegister, "volatile"],
      [clockDrift, clockDrift.variants[0]!.name],
    ] as const) {
      const plain = await world.run({ seed: Seed.parse("4"), variant });
      const { outcome } = await recordRun(world, variant, Seed.parse("4"));
      expect(outcome.traceHash).toBe(plain.traceHash);
    }
  });

  it("keeps the history and the checks, and samples the clocks of a world whose clocks drift", async () => {
    const { worlds } = await recordRun(volatileRegister, "volatile", Seed.parse("4"));
    expect(worlds.map((w) => w.label)).toEqual(["world/volatile"]);
    expect(worlds[0]!.nodes).toEqual(["server", "client"]);
    expect(worlds[0]!.history!.length).toBeGreaterThan(0);
    expect(Object.keys(worlds[0]!.checks!)).toEqual(["linearizable", "client-made-progress"]);
    const drift = await recordRun(clockDrift, clockDrift.variants[0]!.name, Seed.parse("1"));
    const sampled = drift.worlds.filter((w) => w.clocks !== undefined);
    expect(sampled.length).toBeGreaterThan(0);
    expect(sampled.some((w) => w.clocks!.offsetMicros.some((s) => s.some((x) => x !== 0)))).toBe(
      true,
    );
  });

  it("places a linearizability violation at the return of the operation with no legal place", async () => {
    const { outcome, worlds } = await recordRun(volatileRegister, "volatile", Seed.parse("4"));
    expect(outcome.properties.linearizable).toBe("violated");
    const w = worldData(worlds[0]!);
    const [violation] = w.violations;
    const blocked = w.ops.find((op) => op.id === violation!.operation)!;
    expect(violation!.tMicros).toBe(blocked.completeMicros);
    expect(violation!.node).toBe(w.nodes.indexOf("client"));
    expect(w.linearizability!.longest[0]!.blocked).toBe(blocked.id);
    expect(w.linearizability!.unlinearizable).toContain(blocked.id);
  });

  it("writes the same bytes for the same seed", async () => {
    const first = runReportHtml(await reportInput(volatileRegister, "volatile", "4"));
    const again = runReportHtml(await reportInput(volatileRegister, "volatile", "4"));
    expect(again).toBe(first);
    expect(runReportHtml(await reportInput(volatileRegister, "volatile", "5"))).not.toBe(first);
  });
});

describe("run strings in the page", () => {
  it("cannot end the data block: every <, >, & and line separator is escaped", () => {
    const json = scriptSafeJson({ name: "</script><script>alert(1)</script>", s: "a\u2028b&" });
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({
      name: "</script><script>alert(1)</script>",
      s: "a\u2028b&",
    });
  });

  it("appear nowhere in the markup outside the data block", async () => {
    const html = runReportHtml(await reportInput(hostileWorld, "default", "1"));
    expect(html).not.toContain(HOSTILE_NAME);
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).toContain("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e");
  });

  it("stores large data gzipped, and the same data gives the same bytes", async () => {
    const input = await reportInput(volatileRegister, "volatile", "4");
    const html = runReportHtml(input, { compressAboveBytes: 0 });
    expect(html).toMatch(/id="murphy-data">\{"gzip":"[A-Za-z0-9+/=]+"\}<\/script>/);
    expect(runReportHtml(input, { compressAboveBytes: 0 })).toBe(html);
  });
});
