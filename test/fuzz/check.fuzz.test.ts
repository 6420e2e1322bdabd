// Fuzzes `murphy check`'s path in process: the three history readers (murphy JSONL, Jepsen EDN,
// Jepsen log lines) on mutated and on random text, then the linearizability checker on whatever
// they accept, against every built-in model, under a deterministic step budget. Every case must
// end in a verdict (ok, illegal, unknown) or a typed error.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLinearizability } from "../../src/check/checkLinearizability.js";
import { generateHistory } from "../../src/check/generateHistory.js";
import { builtInModel, builtInModelNames } from "../../src/check/models/builtInModels.js";
import { Rng } from "../../src/core/Rng.js";
import { MurphyError } from "../../src/core/errors.js";
import { readJepsenEdn, readJepsenLog } from "../../src/workload/JepsenHistory.js";
import { readHistoryJsonl, writeHistoryJsonl } from "../../src/workload/MurphyJsonl.js";
import type { History } from "../../src/workload/Operation.js";
import { showValue } from "../../src/workload/Value.js";
import { fuzzRuns, outcomes, tally, typedOutcome } from "./fuzzRuns.js";
import { mutatedText } from "./mutate.js";

const RUNS = fuzzRuns(300);
const corpus = join(import.meta.dirname, "..", "corpus", "histories");
const corpusFiles = (suffix: string) =>
  readdirSync(corpus)
    .filter((f) => f.endsWith(suffix))
    .map((f) => readFileSync(join(corpus, f), "utf8"));

/** Small generated histories of every built-in model, as the base of JSONL mutations. */
const generatedByModel = builtInModelNames.flatMap((name) =>
  [1, 2, 3].map((seed) => ({
    model: name,
    history: generateHistory({
      model: builtInModel(name),
      rng: Rng.fromSeed(seed).derive(name),
      operations: 12,
      clients: 3,
      keys: 2,
      infoProbability: 0.1,
      failProbability: 0.1,
    }),
  })),
);
const generated = generatedByModel.map((g) => g.history);

/** The same histories as Jepsen EDN maps, one per line (keys and values as EDN). */
function toEdn(history: History): string {
  const lines: string[] = [];
  const edn = (v: unknown): string =>
    v === null ? "nil" : Array.isArray(v) ? `[${v.map(edn).join(" ")}]` : showValue(v as never);
  for (const op of history) {
    lines.push(`{:process ${op.process}, :type :invoke, :f :${op.f}, :value ${edn(op.input)}}`);
    if (op.completeMicros !== undefined) {
      const value = op.status === "ok" ? edn(op.output ?? null) : edn(op.input);
      lines.push(`{:process ${op.process}, :type :${op.status}, :f :${op.f}, :value ${value}}`);
    }
  }
  return lines.join("\n");
}

const bases = {
  murphy: generated.map(writeHistoryJsonl),
  "jepsen-edn": [...corpusFiles(".jepsen-edn.txt"), ...generated.map(toEdn)],
  "jepsen-log": corpusFiles(".jepsen-log.txt"),
};
const readers = {
  murphy: readHistoryJsonl,
  "jepsen-edn": readJepsenEdn,
  "jepsen-log": readJepsenLog,
} as const;
type Format = keyof typeof readers;

/** Reads `text` as `format`, then checks it against `model`: a verdict or a typed error. */
function checkText(format: Format, text: string, model: string): void {
  const suite = `check ${format}`;
  const history = typedOutcome(suite, () => readers[format](text));
  if (history instanceof MurphyError) return;
  const result = typedOutcome(suite, () =>
    checkLinearizability(history, builtInModel(model), { maxSteps: 20_000 }),
  );
  if (result instanceof MurphyError) return;
  expect(["ok", "illegal", "unknown"]).toContain(result.verdict);
  tally(suite, `verdict ${result.verdict}`);
}

const model = fc.constantFrom(...builtInModelNames);

describe("fuzz: murphy check (readers and checker)", () => {
  for (const format of Object.keys(readers) as Format[]) {
    it(`shows that mutated ${format} histories end in a verdict or a typed error`, () => {
      fc.assert(
        fc.property(mutatedText(bases[format]), model, (text, name) =>
          checkText(format, text, name),
        ),
        { numRuns: RUNS },
      );
    });

    it(`shows that random ${format} text ends in a verdict or a typed error`, () => {
      const line = fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.json({ maxDepth: 4 }),
        fc.string({ unit: "binary", maxLength: 30 }),
      );
      fc.assert(
        fc.property(fc.array(line, { maxLength: 12 }), model, (lines, name) =>
          checkText(format, lines.join("\n"), name),
        ),
        { numRuns: Math.ceil(RUNS / 3) },
      );
    });
  }

  it("shows that histories with hostile values and times end in a verdict or a typed error", () => {
    // Values are written as raw JSON text, so that numbers past 2^53 or a float's range reach
    // the reader as written; times get a large common offset, or a hostile one on one event.
    const rawValue = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom("9007199254740993", "1e400", "0.30000000000000001") },
      { weight: 4, arbitrary: fc.constantFrom("9007199254740991", "-0", "0.1", "[[1]]", "null") },
      { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }).map(String) },
      { weight: 2, arbitrary: fc.json({ maxDepth: 2 }) },
    );
    const rawTime = fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom("-1", "0.5", "1e400", "1e3")) },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...generatedByModel),
        fc.array(fc.tuple(fc.nat(), rawValue), { maxLength: 3 }),
        rawTime,
        fc.bigInt({ min: 0n, max: 2n ** 62n }),
        ({ model: name, history }, values, badTime, offset) => {
          const lines = writeHistoryJsonl(history).trimEnd().split("\n");
          for (const [i, raw] of values) {
            const k = i % lines.length;
            lines[k] = lines[k]!.replace(
              /"value":(?:[^,{}[\]]+|\[[^\]]*\]|\{[^}]*\})/,
              `"value":${raw}`,
            );
          }
          const shifted = lines.map((line, k) =>
            line.replace(/"atMicros":(\d+)/, (_, t: string) =>
              badTime !== null && badTime[0] % lines.length === k
                ? `"atMicros":${badTime[1]}`
                : `"atMicros":${BigInt(t) + offset}`,
            ),
          );
          checkText("murphy", shifted.join("\n"), name);
        },
      ),
      { numRuns: RUNS },
    );
  });

  // With a handful of cases (npm run fuzz -- --runs 5) a class may go unreached; not a failure.
  it.skipIf(RUNS < 100)(
    "shows that the cases reached both verdicts and typed errors of every reader",
    () => {
      // The suite must exercise what it claims: not only parse errors, not only clean histories.
      for (const format of Object.keys(readers)) {
        const seen = [...outcomes(`check ${format}`).keys()];
        expect(seen, format).toContain("E_HISTORY_PARSE");
        expect(
          seen.some((k) => k.startsWith("verdict")),
          format,
        ).toBe(true);
      }
    },
  );
});
