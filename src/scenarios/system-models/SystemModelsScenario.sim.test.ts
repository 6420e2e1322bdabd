import { describe, expect, it } from "vitest";
import { CRASH_MODELS, systemModels, TIMING_MODELS } from "./SystemModelsScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(120);

const rate = (s: VariantSummary, name: string) => s.figures[name]!.sum / s.figures[name]!.count;

describe("system-models scenario", () => {
  it("pins the verdicts over seeds 0..119: unsynced acceptors break agreement after crash-recovery; synced ones never do, and liveness follows the timing model", async () => {
    const unsafe = await runSweep(systemModels, "unsafe", SEEDS);
    const safe = await runSweep(systemModels, "safe", SEEDS);

    // Forgetting a promise needs a crash that recovers: crash-stop worlds never disagree.
    expect(unsafe.properties.agreement!.violated).toBeGreaterThanOrEqual(6);
    for (const timing of TIMING_MODELS)
      expect(rate(unsafe, `${timing}.crash-stop.disagreed`)).toBe(0);
    expect(rate(unsafe, "synchronous.crash-recovery.disagreed")).toBeGreaterThan(0);
    // A decided value is always someone's proposal, even when nodes disagree.
    expectHeld(unsafe, "validity");

    expectHeld(safe, "agreement");
    expectHeld(safe, "validity");
    for (const timing of TIMING_MODELS)
      for (const crash of CRASH_MODELS) expect(rate(safe, `${timing}.${crash}.disagreed`)).toBe(0);

    // Liveness: always within the bound once timing is bounded (from the start, or after GST);
    // never promised in the asynchronous model, and there it often fails.
    for (const crash of CRASH_MODELS) {
      expect(rate(safe, `synchronous.${crash}.live`)).toBe(1);
      expect(rate(safe, `partially-synchronous.${crash}.live`)).toBe(1);
      expect(rate(safe, `asynchronous.${crash}.live`)).toBeLessThan(0.9);
      expect(rate(safe, `asynchronous.${crash}.live`)).toBeGreaterThan(0.3);
    }
  });

  it("gives the same outcome for the same seed", async () => {
    const a = await systemModels.run({ seed: SEEDS[20]!, variant: "unsafe" });
    const b = await systemModels.run({ seed: SEEDS[20]!, variant: "unsafe" });
    expect(b).toEqual(a);
    expect(a.properties.agreement).toBe("violated");
  });
});
