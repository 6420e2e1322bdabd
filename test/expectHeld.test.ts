import { describe, expect, it } from "vitest";
import type { VariantSummary } from "../src/scenarios/VariantSummary.js";
import { expectHeld } from "./expectHeld.js";

const summary = (violated: number, seeds: string[], unknown = 0): VariantSummary => ({
  scenario: "demo",
  variant: "safe",
  seeds: 10,
  events: 0,
  properties: {
    p: { held: 10 - violated - unknown, violated, unknown, violatingSeeds: seeds },
  },
  figures: {},
  seedHashes: {},
});

describe("expectHeld", () => {
  it("shows that a violated property fails with the command that replays each violating seed", () => {
    expect(() => expectHeld(summary(0, []), "p")).not.toThrow();
    expect(() => expectHeld(summary(1, ["0x0000000000000007"]), "p")).toThrow(
      /demo safe: p violated in 1\/10 seeds; replay:\n {2}murphy run demo --variant safe --seed 0x0000000000000007/,
    );
    expect(() => expectHeld(summary(0, []), "q")).toThrow(/demo has no property q/);
  });

  it("shows that unknown verdicts fail unless expected, and a property unknown on every seed always fails", () => {
    expect(() => expectHeld(summary(0, [], 1), "p")).toThrow(
      /demo safe: p unknown in 1\/10 seeds \(at most 0 expected\)/,
    );
    expect(() => expectHeld(summary(0, [], 3), "p", { unknownSeedsMax: 3 })).not.toThrow();
    expect(() => expectHeld(summary(0, [], 10), "p", { unknownSeedsMax: 10 })).toThrow(
      /demo safe: p held in no seed/,
    );
  });
});
