import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { Scenario, Verdict } from "../scenarios/Scenario.js";
import { type VariantSummary } from "../scenarios/VariantSummary.js";
import { emptySummary } from "../sweep/SweepSummary.js";
import { keyFigureSpecs, tourTable, tourVerdict, type TourEntry } from "./tourReport.js";

const scenario: Scenario = {
  name: "demo",
  title: "demo",
  claim: "",
  variants: [
    { name: "unsafe", description: "", expectViolations: true },
    { name: "safe", description: "", expectViolations: false },
  ],
  properties: ["a", "b"],
  figures: [
    { name: "f1", kind: "mean" },
    { name: "f2", kind: "rate" },
    { name: "f3", kind: "sum" },
  ],
  tourSeeds: 10,
  run: () => Promise.reject(new Error("not run in this test")),
};

function summary(
  variant: string,
  verdicts: Record<string, Partial<Record<Verdict, number>>>,
): VariantSummary {
  const s = emptySummary("demo", variant);
  s.seeds = 10;
  for (const [name, v] of Object.entries(verdicts)) {
    s.properties[name] = {
      held: 10 - (v.violated ?? 0) - (v.unknown ?? 0),
      violated: v.violated ?? 0,
      unknown: v.unknown ?? 0,
      violatingSeeds: v.violated ? ["0x0000000000000003"] : [],
    };
  }
  s.figures.f1 = { count: 10, sum: 25, min: 1, max: 4 };
  return s;
}

const entry = (unsafe: VariantSummary, safe: VariantSummary): TourEntry => ({
  scenario,
  summaries: [unsafe, safe],
});
const good = () =>
  entry(summary("unsafe", { a: { violated: 4 }, b: {} }), summary("safe", { a: {}, b: {} }));

describe("tourVerdict", () => {
  it("is 0 when every safe variant held and every unsafe one showed a violation", () => {
    // Shows the success case: a property of the unsafe variant may hold as long as one is violated.
    expect(tourVerdict([good(), good()])).toEqual({ code: 0, problems: [] });
  });

  it("is 1 when a safe variant was violated, naming it and the replay command", () => {
    // Shows that a broken remedy wins over every other problem.
    const bad = entry(
      summary("unsafe", { a: {} }),
      summary("safe", { a: { violated: 1 }, b: { unknown: 2 } }),
    );
    const verdict = tourVerdict([good(), bad]);
    expect(verdict.code).toBe(1);
    expect(verdict.problems[0]).toMatch(
      /demo: safe variant violated a in 1\/10 seeds; replay: murphy run demo --variant safe --seed 0x0000000000000003/,
    );
  });

  it("is 2 when an unsafe variant showed nothing", () => {
    // Shows the "the failure did not happen" case: the scenario demonstrates nothing.
    const quiet = entry(summary("unsafe", { a: {}, b: {} }), summary("safe", { a: {} }));
    expect(tourVerdict([good(), quiet])).toEqual({
      code: 2,
      problems: ["demo: unsafe variant showed no violation in 10 seeds"],
    });
  });

  it("is 2 when a verdict was unknown or a scenario failed to run", () => {
    // Shows that unknown is never reported as held.
    const unknown = entry(
      summary("unsafe", { a: { violated: 1 } }),
      summary("safe", { a: { unknown: 1 } }),
    );
    expect(tourVerdict([unknown]).code).toBe(2);
    expect(tourVerdict([unknown]).problems).toEqual(["demo: a unknown in 1/10 seeds of safe"]);
    const failed: TourEntry = { scenario, error: "boom" };
    expect(tourVerdict([good(), failed])).toEqual({
      code: 2,
      problems: ["demo: failed to run: boom"],
    });
  });
});

describe("tourTable", () => {
  it("prints a row per property with unsafe and safe counts and the key figures", () => {
    // Shows the table's shape; colours are off under vitest (no TTY).
    const lines = tourTable([good()]).map((l) => stripVTControlCharacters(l));
    expect(lines[0]).toMatch(/^scenario\s+property\s+unsafe\s+safe\s+key figures/);
    expect(lines[1]).toMatch(
      /^demo\s+a\s+4\/10\s+0\/10\s+f1 mean 2\.50 \| 2\.50; f2 - \| - of seeds$/,
    );
    expect(lines[2]).toMatch(/^\s+b\s+0\/10\s+0\/10$/);
    expect(tourTable([{ scenario, error: "x" }])[1]).toMatch(/failed/);
  });

  it("shows the scenario's chosen key figures, else the first two", () => {
    // Shows the optional Scenario.keyFigures.
    expect(keyFigureSpecs(scenario).map((f) => f.name)).toEqual(["f1", "f2"]);
    expect(keyFigureSpecs({ ...scenario, keyFigures: ["f3"] }).map((f) => f.name)).toEqual(["f3"]);
  });
});
