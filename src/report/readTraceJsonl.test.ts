import { describe, expect, it } from "vitest";
import { Trace } from "../sim/Trace.js";
import { readTraceJsonl, readTraceWorlds, TraceParseError } from "./readTraceJsonl.js";

describe("readTraceJsonl", () => {
  it("shows that the lines a Trace sink writes read back as the same events", () => {
    const lines: string[] = [];
    const trace = new Trace(["a", "b"], { sink: (line) => lines.push(line) });
    trace.record("start", 0, 0);
    trace.record("send", 0, 0, 1, 0, undefined, { op: "inc" });
    trace.record("deliver", 1500, 1, 0, 0);
    trace.record("drop", 2000, 1, 0, 1, "loss");
    trace.record("fault", 2500, -1, -1, -1, "cut a->b");
    expect(readTraceJsonl(lines.join("\n") + "\n")).toEqual([
      { tMicros: 0, kind: "start", node: "a" },
      { tMicros: 0, kind: "send", node: "a", peer: "b", id: 0, body: { op: "inc" } },
      { tMicros: 1500, kind: "deliver", node: "b", peer: "a", id: 0 },
      { tMicros: 2000, kind: "drop", node: "b", peer: "a", id: 1, detail: "loss" },
      { tMicros: 2500, kind: "fault", node: "world", detail: "cut a->b" },
    ]);
  });

  it("shows that world header lines split a file into worlds whose time starts again at 0", () => {
    const text = [
      '{"world":"case/success","seed":"0x1","variant":"unsafe"}',
      '{"tMicros":0,"kind":"start","node":"server"}',
      '{"tMicros":5,"kind":"start","node":"client"}',
      "",
      '{"world":"retry","seed":"0x1","variant":"unsafe"}',
      '{"tMicros":0,"kind":"start","node":"server"}',
    ].join("\n");
    const worlds = readTraceWorlds(text);
    expect(worlds.map((w) => [w.label, w.seed, w.variant, w.events.length])).toEqual([
      ["case/success", "0x1", "unsafe", 2],
      ["retry", "0x1", "unsafe", 1],
    ]);
    expect(readTraceJsonl(text)).toHaveLength(3);
    expect(readTraceWorlds("")).toEqual([]);
  });

  it("shows that a malformed line is named by its number with what was expected there", () => {
    const good = '{"tMicros":0,"kind":"start","node":"a"}';
    const error = (text: string) => {
      try {
        readTraceJsonl(text);
      } catch (e) {
        return e as TraceParseError;
      }
      throw new Error("expected a TraceParseError");
    };
    const notJson = error(`${good}\n\n{"tMicros":1,"kind":"send"`);
    expect(notJson).toBeInstanceOf(TraceParseError);
    expect(notJson.line).toBe(3);
    expect(notJson.message).toBe(
      'line 3: expected a JSON object (one trace event per line; expected \',\' or \'}\' at column 27), got {"tMicros":1,"kind":"send"',
    );
    expect(error(`${good}\n{"tMicros":1,"kind":"sned","node":"a"}`).message).toMatch(
      /^line 2: expected "kind": one of start, send, deliver, .*, got "sned"$/,
    );
    expect(error('{"tMicros":-1,"kind":"start","node":"a"}').message).toMatch(
      /^line 1: expected "tMicros": a whole number of microseconds >= 0/,
    );
    expect(error('{"tMicros":0,"kind":"start"}').message).toMatch(/line 1: expected "node"/);
    expect(error('{"tMicros":0,"kind":"send","node":"a","id":"7"}').message).toMatch(/"id"/);
    expect(error("[1,2]").message).toMatch(/line 1: expected a JSON object/);
    expect(error('{"world":7}').message).toMatch(/line 1: expected "world"/);
  });

  it("shows that time running backwards within a world is an error: a header is missing", () => {
    const text = '{"tMicros":9,"kind":"start","node":"a"}\n{"tMicros":8,"kind":"start","node":"b"}';
    expect(() => readTraceJsonl(text)).toThrow(/line 2: expected "tMicros" >= 9.*"world"/);
    // The edge: an equal time is valid (events at one instant keep their order).
    expect(readTraceJsonl(text.replace('"tMicros":8', '"tMicros":9'))).toHaveLength(2);
  });
});
