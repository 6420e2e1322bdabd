import { describe, expect, it } from "vitest";
import { leaseClockJump } from "./LeaseClockJumpScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const SEEDS = seedRange(150);

const mean = (s: VariantSummary, name: string) => s.figures[name]!.sum / s.figures[name]!.count;
const sum = (s: VariantSummary, name: string) => s.figures[name]!.sum;

describe("lease-clock-jump scenario", () => {
  it("pins the verdicts over seeds 0..149: wall-clock leases overlap by seconds, monotonic ones by milliseconds, fencing corrupts nothing", async () => {
    const unsafe = await runSweep(leaseClockJump, "unsafe", SEEDS);
    const monotonic = await runSweep(leaseClockJump, "monotonic", SEEDS);
    const safe = await runSweep(leaseClockJump, "safe", SEEDS);

    // A 1–6 s step back on the holder's wall clock extends its belief by that much: nearly every
    // seed has two holders writing at once, for seconds.
    expect(unsafe.properties.fencing!.violated).toBeGreaterThanOrEqual(135);
    expect(mean(unsafe, "overlap-ms")).toBeGreaterThan(1_000);
    expect(unsafe.figures["overlap-max-ms"]!.max).toBeGreaterThan(4_000);
    expect(sum(unsafe, "corrupted")).toBeGreaterThan(10 * unsafe.properties.fencing!.violated);

    // The monotonic clock ignores the step; what is left is the gap between checking the lease
    // and the write arriving (≤ 0.3 s of work plus the network): rare, and short.
    const m = monotonic.properties.fencing!.violated;
    expect(m).toBeGreaterThanOrEqual(3);
    expect(m).toBeLessThan(30);
    expect(monotonic.figures["overlap-max-ms"]!.max).toBeLessThan(500);
    expect(mean(monotonic, "overlap-ms")).toBeLessThan(mean(unsafe, "overlap-ms") / 100);

    // Fencing: the same overlap is attempted, and every stale write is refused.
    expectHeld(safe, "fencing");
    expect(sum(safe, "corrupted")).toBe(0);
    expect(sum(safe, "overlap-ms")).toBe(sum(monotonic, "overlap-ms"));
    expect(sum(safe, "stale-rejected")).toBe(sum(monotonic, "corrupted"));
    expect(sum(safe, "stale-rejected")).toBeGreaterThan(0);
  });

  it("gives the same outcome for the same seed", async () => {
    const a = await leaseClockJump.run({ seed: SEEDS[5]!, variant: "unsafe" });
    const b = await leaseClockJump.run({ seed: SEEDS[5]!, variant: "unsafe" });
    expect(b).toEqual(a);
  });
});
