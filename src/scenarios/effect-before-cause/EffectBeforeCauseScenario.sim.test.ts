import { describe, expect, it } from "vitest";
import { effectBeforeCause } from "./EffectBeforeCauseScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(200);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("effect-before-cause scenario", () => {
  it("pins the verdicts over seeds 0..199: wall clocks put replies before posts, vector clocks and HLC never", async () => {
    const unsafe = await runSweep(effectBeforeCause, "unsafe", SEEDS);
    const safe = await runSweep(effectBeforeCause, "safe", SEEDS);

    expect(unsafe.properties["reply-after-post"]!.violated).toBeGreaterThanOrEqual(150);
    expectHeld(safe, "reply-after-post");
    // Both variants stamp the same world three ways; only the order used differs.
    expect(safe.figures).toEqual(unsafe.figures);

    expect(fig(safe, "replies").sum).toBe(200 * 10);
    expect(fig(safe, "wall-inversions").sum).toBeGreaterThan(200);
    expect(fig(safe, "vector-inversions").sum).toBe(0);
    expect(fig(safe, "hlc-inversions").sum).toBe(0);
    // A reply can only be stamped before its post by less than the skew between servers.
    expect(fig(safe, "wall-worst-ms").max).toBeLessThan(fig(safe, "server-skew-max-ms").max);
    expect(fig(safe, "wall-worst-ms").max).toBeGreaterThan(10);
  });

  it("gives the same outcome for the same seed", async () => {
    const a = await effectBeforeCause.run({ seed: SEEDS[9]!, variant: "unsafe" });
    expect(await effectBeforeCause.run({ seed: SEEDS[9]!, variant: "unsafe" })).toEqual(a);
  });
});
