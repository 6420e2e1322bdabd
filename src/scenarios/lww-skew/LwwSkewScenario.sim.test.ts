import { describe, expect, it } from "vitest";
import { countLostUpdates, lwwSkew } from "./LwwSkewScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(200);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("lww-skew scenario", () => {
  it("pins the verdicts over seeds 0..199: wall-clock LWW loses causally later writes, HLC none", async () => {
    const unsafe = await runSweep(lwwSkew, "unsafe", SEEDS);
    const safe = await runSweep(lwwSkew, "safe", SEEDS);

    expect(unsafe.properties["no-lost-update"]!.violated).toBeGreaterThanOrEqual(120);
    expectHeld(safe, "no-lost-update");
    // LWW always converges; it is what it converges to that loses writes.
    expectHeld(unsafe, "replicas-converge");
    expectHeld(safe, "replicas-converge");

    // Every write is acknowledged; a fraction of them is silently lost under wall clocks.
    expect(fig(unsafe, "writes").sum).toBe(200 * 24);
    expect(fig(unsafe, "lost-per-write").mean).toBeGreaterThan(0.05);
    expect(fig(safe, "lost-updates").sum).toBe(0);
    // The skew that does it is within what NTP on a LAN promises.
    expect(fig(unsafe, "replica-skew-max-ms").max).toBeLessThan(2 * 35 + 10);
  });

  it("counts a write ordered below a transitive causal predecessor as lost", () => {
    const stamp = (wallMicros: number) => ({ wallMicros, replica: "r1" });
    const writes = [
      { writeId: "a", stamp: stamp(30), dependsOn: [] },
      { writeId: "b", stamp: stamp(40), dependsOn: ["a"] },
      { writeId: "c", stamp: stamp(35), dependsOn: ["b"] }, // below b: lost
      { writeId: "d", stamp: stamp(10), dependsOn: [] }, // concurrent, not lost
    ];
    expect(countLostUpdates(writes)).toBe(1);
  });

  it("gives the same outcome for the same seed", async () => {
    const a = await lwwSkew.run({ seed: SEEDS[5]!, variant: "safe" });
    expect(await lwwSkew.run({ seed: SEEDS[5]!, variant: "safe" })).toEqual(a);
  });
});
