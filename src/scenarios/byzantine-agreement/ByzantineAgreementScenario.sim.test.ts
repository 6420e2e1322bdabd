import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import { byzantineAgreement } from "./ByzantineAgreementScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(100);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("byzantine-agreement scenario", () => {
  it("pins the verdicts over seeds 0..99: majority vote splits, PBFT n = 4 holds, n = 3 breaks", async () => {
    const unsafe = await runSweep(byzantineAgreement, "unsafe", SEEDS);
    const safe = await runSweep(byzantineAgreement, "safe", SEEDS);
    const n3 = await runSweep(byzantineAgreement, "pbft-n3", SEEDS);

    // One equivocating voter splits the correct nodes whenever their inputs split 2–1 (~3/8 of
    // seeds) and it tells them different things; it never makes them decide a value nobody held.
    expect(unsafe.properties["agreement"]!.violated).toBeGreaterThanOrEqual(20);
    expectHeld(unsafe, "validity");
    expectHeld(unsafe, "progress");

    // PBFT with n = 4, f = 1: agreement, validity and progress in every seed.
    for (const p of ["agreement", "validity", "progress"]) {
      expect(safe.properties[p]).toMatchObject({ violated: 0, unknown: 0, held: 100 });
    }
    // The traitor is the primary in about half the seeds, which forces view changes.
    expect(fig(safe, "traitor-primary").mean).toBeGreaterThan(0.3);
    expect(fig(safe, "traitor-primary").mean).toBeLessThan(0.7);
    expect(fig(safe, "view").mean).toBeGreaterThan(0.3);
    expect(fig(safe, "view-max").max).toBeGreaterThanOrEqual(1);
    expect(fig(safe, "accepted").mean).toBe(1);

    // Below 3f + 1, murphy finds seeds that break agreement (and seeds that stop progress).
    expect(n3.properties["agreement"]!.violated).toBeGreaterThanOrEqual(10);
    expect(n3.properties["progress"]!.violated).toBeGreaterThanOrEqual(10);
    expectHeld(n3, "validity");
    expect(fig(n3, "accepted").mean).toBeLessThan(1);
  });

  it("replays the first n = 3 counterexample with the same trace", async () => {
    const a = await byzantineAgreement.run({ seed: Seed.parse(0), variant: "pbft-n3" });
    const b = await byzantineAgreement.run({ seed: Seed.parse(0), variant: "pbft-n3" });
    expect(a.properties["agreement"]).toBe("violated");
    expect(b).toEqual(a);
  });
});
