import { describe, expect, it } from "vitest";
import type { VariantSummary } from "../src/scenarios/VariantSummary.js";
import { expectHeld } from "./expectHeld.js";

const summary = (violated: number, seeds: string[]): VariantSummary => ({
  scenario: "demo",
  variant: "safe",
  seeds: 10,
  events: 0,
  properties: { p: { held: 10 - violated, violated, unknown: 0, violatingSeeds: seeds } },
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
});
