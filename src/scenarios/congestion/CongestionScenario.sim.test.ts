import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import { burstSchedule, congestion, SPURIOUS_TIMEOUT_BUDGET } from "./CongestionScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(40);

function fig(s: VariantSummary, name: string) {
  const f = s.figures[name];
  if (f === undefined) throw new Error(`no figure ${name}`);
  return { ...f, mean: f.sum / f.count };
}

describe("congestion scenario", () => {
  it("pins the verdicts over seeds 0..39 and shows the tail growing while the median stays", async () => {
    const unsafe = await runSweep(congestion, "unsafe", SEEDS);
    const safe = await runSweep(congestion, "safe", SEEDS);

    // Unsafe: a timeout tuned to the median times out queued requests in (almost) every seed.
    expect(unsafe.properties["spurious-timeouts-within-budget"]!.violated).toBeGreaterThanOrEqual(
      36,
    );
    // Safe: the adaptive timeout stays within the budget in every seed.
    expectHeld(safe, "spurious-timeouts-within-budget");
    // Both variants measure the same worlds.
    const measured = (v: VariantSummary) =>
      Object.entries(v.figures).filter(([name]) => !name.startsWith("acted."));
    expect(measured(safe)).toEqual(measured(unsafe));
    // The tour's key figures: what the acted-on policy did in the burst world.
    expect(fig(unsafe, "acted.burst.spurious-fraction").mean).toBeGreaterThan(
      SPURIOUS_TIMEOUT_BUDGET,
    );
    expect(fig(safe, "acted.burst.spurious-fraction").max).toBeLessThanOrEqual(
      SPURIOUS_TIMEOUT_BUDGET,
    );
    expect(fig(safe, "acted.burst.lost-wait-ms").mean).toBeGreaterThan(
      100 * fig(unsafe, "acted.burst.lost-wait-ms").mean,
    );

    const s = safe;
    // The median barely moves; p99 and p99.9 grow by more than an order of magnitude.
    expect(fig(s, "burst.p50-ms").mean / fig(s, "normal.p50-ms").mean).toBeLessThan(1.5);
    expect(fig(s, "burst.p99-ms").mean / fig(s, "normal.p99-ms").mean).toBeGreaterThan(10);
    expect(fig(s, "burst.p999-ms").mean / fig(s, "normal.p999-ms").mean).toBeGreaterThan(10);
    // A queue of 1,000 packets at 1 ms each delays by at most about a second, then drops.
    expect(fig(s, "burst.max-ms").max).toBeLessThan(1_050);
    expect(fig(s, "burst.queue-drops").sum).toBeGreaterThan(0);
    expect(fig(s, "normal.queue-drops").sum).toBe(0);
    // Under normal load neither policy times out anything; under bursts only the fixed one does.
    expect(fig(s, "normal.fixed-10ms.spurious-fraction").max).toBe(0);
    expect(fig(s, "burst.fixed-10ms.spurious-fraction").mean).toBeGreaterThan(0.05);
    expect(fig(s, "burst.adaptive.spurious-fraction").max).toBeLessThanOrEqual(
      SPURIOUS_TIMEOUT_BUDGET,
    );
    // The price: the adaptive timeout notices a dropped request only after a second or more.
    expect(fig(s, "burst.fixed-10ms.lost-wait-ms").max).toBe(10);
    expect(fig(s, "burst.adaptive.lost-wait-ms").min).toBeGreaterThanOrEqual(1_000);
    expect(congestion.report!([s]).join("\n")).toMatch(/burst \/ normal: p50 ×1\.\d\d/);
  });

  it("has at least one burst in every burst world", () => {
    for (const seed of seedRange(200)) expect(burstSchedule(seed).length).toBeGreaterThan(0);
  });

  it("is deterministic: the same seed gives the same outcome", async () => {
    const a = await congestion.run({ seed: Seed.parse(5), variant: "unsafe" });
    const b = await congestion.run({ seed: Seed.parse(5), variant: "unsafe" });
    expect(b).toEqual(a);
  });
});
