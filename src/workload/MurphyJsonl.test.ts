import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HistoryParseError } from "./HistoryParseError.js";
import { HistoryRecorder } from "./HistoryRecorder.js";
import { readHistoryJsonl, writeHistoryJsonl } from "./MurphyJsonl.js";

describe("murphy JSONL", () => {
  it("shows that any recorded history survives a write and a read unchanged (property)", () => {
    const step = fc.record({
      kind: fc.constantFrom("invoke", "ok", "fail", "info"),
      process: fc.integer({ min: 0, max: 3 }),
      value: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
      dt: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let now = 0;
        const recorder = new HistoryRecorder({ nowMicros: () => now });
        const open: ReturnType<HistoryRecorder["invoke"]>[] = [];
        for (const s of steps) {
          now += s.dt;
          if (s.kind === "invoke" || open.length === 0) {
            open.push(recorder.invoke(s.process, "write", s.value));
            continue;
          }
          const handle = open.splice(s.process % open.length, 1)[0]!;
          if (s.kind === "ok") handle.ok(s.value);
          else if (s.kind === "fail") handle.fail("refused");
          else handle.info();
        }
        const history = recorder.history();
        expect(readHistoryJsonl(writeHistoryJsonl(history))).toEqual(
          history.map((op) => ({ ...op, line: expect.any(Number) })),
        );
      }),
    );
  });

  it("shows that completions may name their call by process alone", () => {
    const text = [
      '{"type":"invoke","process":"a","f":"write","value":1,"atMicros":0}',
      '{"type":"invoke","process":"b","f":"read","atMicros":1}',
      '{"type":"ok","process":"b","value":1,"atMicros":2}',
      "",
      '{"type":"fail","process":"a","error":"not leader","atMicros":3}',
    ].join("\n");
    const [write, read] = readHistoryJsonl(text);
    expect(read).toMatchObject({ f: "read", input: null, status: "ok", output: 1, line: 2 });
    expect(write).toMatchObject({ status: "fail", error: "not leader", completeMicros: 3 });
  });

  it("shows that a completion without an invocation names its line and what was expected", () => {
    const text =
      '{"type":"invoke","process":1,"f":"read","atMicros":0}\n{"type":"ok","process":2,"atMicros":1}';
    expect(() => readHistoryJsonl(text)).toThrow(HistoryParseError);
    expect(() => readHistoryJsonl(text)).toThrow(/^line 2: expected an earlier invocation/);
  });

  it("shows that malformed lines are rejected with the line number", () => {
    const cases: [string, RegExp][] = [
      ["not json", /line 1: expected one JSON object per line/],
      ['{"type":"invoke","f":"read","atMicros":0}', /line 1: expected "process"/],
      ['{"type":"invoke","process":1,"f":"read"}', /line 1: expected "atMicros"/],
      ['{"type":"invoke","process":1,"atMicros":0}', /line 1: expected "f"/],
      ['{"type":"done","process":1,"atMicros":0}', /expected "type": one of/],
      [
        '{"type":"invoke","process":1,"f":"r","atMicros":5}\n{"type":"ok","process":1,"atMicros":4}',
        /line 2: expected "atMicros" >= 5/,
      ],
      [
        '{"type":"invoke","process":1,"f":"r","atMicros":0}\n{"type":"invoke","process":1,"f":"r","atMicros":1}',
        /line 2: expected a completion for process 1's open call \(line 1\)/,
      ],
    ];
    for (const [text, message] of cases) expect(() => readHistoryJsonl(text)).toThrow(message);
  });
});
