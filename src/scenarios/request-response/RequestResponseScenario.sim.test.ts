import { describe, expect, it } from "vitest";
import { requestResponse } from "./RequestResponseScenario.js";
import { runSweep, seedRange } from "../../sweep/runSweep.js";
import type { VariantSummary } from "../VariantSummary.js";
import { expectHeld } from "../../../test/expectHeld.js";

const mean = (s: VariantSummary, name: string) => s.figures[name]!.sum / s.figures[name]!.count;

describe("request-response scenario", () => {
  it("pins the verdicts over seeds 0..199: naive retry duplicates in many seeds, idempotent retry in none", async () => {
    const seeds = seedRange(200);
    const unsafe = await runSweep(requestResponse, "unsafe", seeds);
    const safe = await runSweep(requestResponse, "safe", seeds);
    expect(unsafe.properties["no-duplicate-effect"]!.violated).toBeGreaterThanOrEqual(60);
    expectHeld(safe, "no-duplicate-effect");
    expect(safe.figures["retry.duplicates"]!.sum).toBe(0);
    // The same network in both variants: the cure costs no availability.
    expect(mean(safe, "retry.acknowledged")).toBe(mean(unsafe, "retry.acknowledged"));
  });

  it("shows that the last four cases look the same to the client while the server's effect differs", async () => {
    const s = await runSweep(requestResponse, "safe", seedRange(50));
    const seen = (c: string) => [mean(s, `${c}.client-timeout`), mean(s, `${c}.server-applied`)];
    expect(seen("success")).toEqual([0, 1]);
    expect(seen("request-lost")).toEqual([1, 0]);
    expect(seen("server-crashed")).toEqual([1, 0]);
    expect(seen("response-lost")).toEqual([1, 1]);
    expect(seen("response-delayed")).toEqual([1, 1]);
  });
});
