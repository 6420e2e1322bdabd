/* eslint-disable no-control-regex -- matching control characters is the point here */
// Fuzzes `murphy show`: traces from real runs (node names and messages carrying ANSI escapes and
// bidi controls, faults, pauses, crashes), mutated, then read and drawn with random filters. Every
// case ends in a diagram or a typed error, and no diagram line carries a control or bidi
// character from the trace: all of them reach the terminal escaped.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { showCommand, type ShowOptions } from "../../src/cli/commands/show.js";
import { MurphyError } from "../../src/core/errors.js";
import { readTraceWorlds } from "../../src/report/readTraceJsonl.js";
import { spaceTimeDiagram } from "../../src/report/spaceTimeDiagram.js";
import { TRACE_KINDS } from "../../src/sim/Trace.js";
import { Simulation } from "../../src/world/Simulation.js";
import { fuzzRuns, tally, typedOutcome } from "./fuzzRuns.js";
import { mutatedText } from "./mutate.js";

const RUNS = fuzzRuns(200);
/** What must never reach a terminal raw: C0/C1 controls but newline, DEL, separators, bidi. */
const UNSAFE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const EVIL = "\u001b[2J\u001b]0;owned\u0007\u202eevil\u2066";

/** A real trace whose node names, log lines and bodies carry escapes and bidi controls. */
async function hostileTrace(seed: number): Promise<string> {
  const lines: string[] = [JSON.stringify({ world: `w${EVIL}`, seed: `0x${seed}`, variant: EVIL })];
  const server = `server${EVIL}`;
  const sim = new Simulation({
    seed,
    nodes: {
      [server]: (ctx) => ({
        onMessage: (m) => {
          ctx.log(`got ${EVIL}`, m.body);
          ctx.send(m.from, { pong: m.body, note: EVIL });
        },
      }),
      client: (ctx) => {
        let round = 0;
        const ping = (): void => {
          ctx.send(server, { round, text: EVIL });
          if (++round < 4) ctx.setTimer(5, ping);
        };
        return { onStart: ping };
      },
    },
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 4 }, lossProbability: 0.2 },
    faults: [
      { atMs: 6, kind: "pause", node: server, durationMs: 5 },
      { atMs: 12, kind: "crash", node: server, recoverAfterMs: 3 },
      { atMs: 2, kind: "isolate", node: "client" },
      { atMs: 3, kind: "heal" },
    ],
    trace: { sink: (line) => lines.push(line) },
  });
  await sim.run();
  return lines.join("\n") + "\n";
}

const bases = await Promise.all([1, 2, 3].map(hostileTrace));
const dir = mkdtempSync(join(tmpdir(), "murphy-fuzz-show-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Mostly valid, sometimes not: a bad option must be a typed error, a good one a diagram. */
function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad });
}

const diagramOptions = fc.record(
  {
    fromMs: mostly(fc.nat({ max: 30 }), fc.constantFrom(-1, NaN, Infinity)),
    toMs: mostly(fc.integer({ min: 30, max: 60 }), fc.constant(-5)),
    maxLines: mostly(fc.integer({ min: 1, max: 50 }), fc.constantFrom(0, 1.5, -1)),
    width: mostly(fc.integer({ min: 40, max: 160 }), fc.constantFrom(10, NaN)),
    kinds: mostly(fc.subarray([...TRACE_KINDS]), fc.constant(["sned"] as never[])),
  },
  { requiredKeys: [] },
);

describe("fuzz: murphy show", () => {
  it("shows that the hostile traces themselves draw with every control character escaped", () => {
    for (const text of bases) {
      const lines = readTraceWorlds(text).flatMap((w) =>
        spaceTimeDiagram(w.events, { width: 200 }),
      );
      expect(lines.join("\n")).toContain("\\x1b[2J");
      expect(lines.join("\n")).toContain("\\u202e");
      expect(lines.filter((l) => UNSAFE.test(l))).toEqual([]);
    }
  });

  it("shows that mutated traces draw, or fail with a typed error, and never print a control character", () => {
    fc.assert(
      fc.property(mutatedText(bases, 0), diagramOptions, (text, options) => {
        const worlds = typedOutcome("show diagram", () => readTraceWorlds(text));
        if (worlds instanceof MurphyError) return;
        for (const world of worlds) {
          const lines = typedOutcome("show diagram", () => spaceTimeDiagram(world.events, options));
          if (lines instanceof MurphyError) continue;
          tally("show diagram", "drawn");
          expect(lines.filter((l) => UNSAFE.test(l))).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("shows that `murphy show` with random flags prints a diagram or one escaped error line", () => {
    const flags = fc.record(
      {
        nodes: mostly(
          fc.constantFrom("client", `server${EVIL}`),
          fc.constantFrom("nobody", "", "a,a"),
        ),
        fromMs: mostly(fc.constantFrom("0", "5"), fc.constantFrom("-1", "abc", "1e400", "")),
        toMs: mostly(fc.constantFrom("30", "100"), fc.constantFrom("x", "3")),
        kinds: mostly(fc.constantFrom("send,deliver", "log,fault"), fc.constantFrom("sned", "")),
        world: mostly(fc.constant(`w${EVIL}`), fc.constantFrom("w", "none")),
        width: mostly(fc.constantFrom("40", "100"), fc.constantFrom("39", "wide")),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        mutatedText(bases, 0),
        flags,
        fc.constantFrom("5", "200", "0"),
        (text, f, max) => {
          const path = join(dir, "trace.jsonl");
          writeFileSync(path, text);
          const printed: string[] = [];
          const log = vi
            .spyOn(console, "log")
            .mockImplementation((s) => void printed.push(String(s)));
          const err = vi
            .spyOn(console, "error")
            .mockImplementation((s) => void printed.push(String(s)));
          try {
            const options: ShowOptions = { ...f, maxLines: max };
            const code = typedOutcome("show command", () => showCommand(path, options));
            if (!(code instanceof MurphyError)) {
              expect([0, 2]).toContain(code);
              tally("show command", `exit ${code}`);
            }
          } finally {
            log.mockRestore();
            err.mockRestore();
          }
          expect(printed.filter((l) => UNSAFE.test(l.replace(/\u001b\[\d+m/g, "")))).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
