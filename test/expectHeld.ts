// A sweep's verdict, asserted so that a failure says how to reproduce it: the violating seeds and
// the exact command that replays each one, rather than "expected 3 to be 0". A property that came
// out `unknown` (a checker's budget ran out) did not hold: it fails the assertion too, unless the
// test says it expects some unknowns; and a property must have held on at least one seed, so that
// an assertion can never pass on nothing.
import { expect } from "vitest";
import { replayCommand } from "../src/sweep/runSweep.js";
import type { VariantSummary } from "../src/scenarios/VariantSummary.js";

export interface ExpectHeldOptions {
  /** Accept up to this many seeds whose verdict is unknown (default 0). */
  readonly unknownSeedsMax?: number;
}

export function expectHeld(
  summary: VariantSummary,
  property: string,
  options: ExpectHeldOptions = {},
): void {
  const p = summary.properties[property];
  expect(p, `${summary.scenario} has no property ${property}`).toBeDefined();
  const replays = p!.violatingSeeds.map(
    (seed) => `  ${replayCommand(summary.scenario, summary.variant, seed)}`,
  );
  const name = `${summary.scenario} ${summary.variant}: ${property}`;
  const where = `${name} violated in ${p!.violated}/${summary.seeds} seeds; replay:\n${replays.join("\n")}`;
  expect(p!.violated, where).toBe(0);
  const unknownMax = options.unknownSeedsMax ?? 0;
  expect(
    p!.unknown,
    `${name} unknown in ${p!.unknown}/${summary.seeds} seeds (at most ${unknownMax} expected)`,
  ).toBeLessThanOrEqual(unknownMax);
  expect(p!.held, `${name} held in no seed: nothing was shown`).toBeGreaterThan(0);
}
