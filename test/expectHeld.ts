// A sweep's verdict, asserted so that a failure says how to reproduce it: the violating seeds and
// the exact command that replays each one, rather than "expected 3 to be 0".
import { expect } from "vitest";
import { replayCommand } from "../src/sweep/runSweep.js";
import type { VariantSummary } from "../src/scenarios/VariantSummary.js";

export function expectHeld(summary: VariantSummary, property: string): void {
  const p = summary.properties[property];
  expect(p, `${summary.scenario} has no property ${property}`).toBeDefined();
  const replays = p!.violatingSeeds.map(
    (seed) => `  ${replayCommand(summary.scenario, summary.variant, seed)}`,
  );
  const where = `${summary.scenario} ${summary.variant}: ${property} violated in ${p!.violated}/${summary.seeds} seeds; replay:\n${replays.join("\n")}`;
  expect(p!.violated, where).toBe(0);
}
