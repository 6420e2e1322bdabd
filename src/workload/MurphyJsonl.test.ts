import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HistoryParseError } from "./HistoryParseError.js";
import { HistoryRecorder } from "./HistoryRecorder.js";
import { readHistoryJsonl, readHistoryJsonlDetailed, writeHistoryJsonl } from "./MurphyJsonl.js";

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

  it("shows that times are whole microseconds >= 0, and values numbers a float holds exactly", () => {
    const line = (atMicros: string, value = "1") =>
      `{"type":"invoke","process":1,"f":"write","value":${value},"atMicros":${atMicros}}`;
    expect(() => readHistoryJsonl(line("-1"))).toThrow(
      /"atMicros".*whole number of microseconds >= 0/,
    );
    expect(() => readHistoryJsonl(line("1.5"))).toThrow(/"atMicros"/);
    expect(() => readHistoryJsonl(line("1e400"))).toThrow(/64-bit float holds as written/);
    expect(() => readHistoryJsonl(line("0", "9007199254740993"))).toThrow(
      /integers a 64-bit float holds exactly, not 9007199254740993/,
    );
    expect(() => readHistoryJsonl(line("0", "[[0.30000000000000001]]"))).toThrow(/line 1/);
    expect(() => readHistoryJsonl(line("0", "[".repeat(200) + "]".repeat(200)))).toThrow(
      /at most 100 levels/,
    );
    expect(readHistoryJsonl(line("0", "9007199254740992"))[0]!.input).toBe(2 ** 53);
  });

  it("shows that times past 2^53 µs are rebased exactly to the earliest, and the offset reported", () => {
    const base = 2n ** 60n;
    const text = [
      `{"type":"invoke","process":1,"f":"write","value":1,"atMicros":${base + 5n}}`,
      `{"type":"invoke","process":2,"f":"read","atMicros":${base + 6n}}`,
      `{"type":"ok","process":1,"atMicros":${base + 7n}}`,
      `{"type":"ok","process":2,"value":1,"atMicros":${base + 8n}}`,
    ].join("\n");
    const { history, timeOffsetMicros } = readHistoryJsonlDetailed(text);
    expect(timeOffsetMicros).toBe(base + 5n);
    expect(history.map((op) => [op.invokeMicros, op.completeMicros])).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(readHistoryJsonlDetailed(line0()).timeOffsetMicros).toBe(0n);
    const span = `${text}\n{"type":"invoke","process":3,"f":"read","atMicros":1}`;
    expect(() => readHistoryJsonl(span)).toThrow(/within 2\^53 - 1 µs/);
  });
});

function line0(): string {
  return '{"type":"invoke","process":1,"f":"read","atMicros":9007199254740991}';
}
