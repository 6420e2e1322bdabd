import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { requestResponse } from "../scenarios/request-response/RequestResponseScenario.js";
import { defineWorld } from "../scenarios/defineWorld.js";
import { resolveSeeds, resolveVariants, resolveWorkers, variantOption } from "./sweepOptions.js";

const withBugs = defineWorld({
  name: "bugged",
  variants: [
    { name: "unsafe", expectViolations: true },
    { name: "safe" },
    { name: "safe-crashes", hidden: true },
    { name: "bug-forget-vote", expectViolations: true, hidden: true },
  ],
  nodes: () => ({}),
  runForMs: 1,
  checks: { ok: () => true },
});

describe("sweep flags", () => {
  it("validate --workers", () => {
    // Shows the edge where a worker count turns invalid, and the default.
    expect(resolveWorkers("1")).toBe(1);
    expect(resolveWorkers(undefined)).toBeGreaterThanOrEqual(1);
    for (const bad of ["0", "-1", "1.5", "two", ""]) {
      expect(() => resolveWorkers(bad)).toThrow(ConfigError);
      expect(() => resolveWorkers(bad)).toThrow(/--workers/);
    }
  });

  it("validate --seed, --seeds and --variant, listing what exists", () => {
    // Shows the errors for conflicting or unknown choices.
    expect(resolveSeeds(requestResponse, { seeds: "3" }).count).toBe(3);
    expect(resolveSeeds(requestResponse, {}).count).toBe(requestResponse.tourSeeds);
    expect(resolveSeeds(requestResponse, { seeds: "1000000000000" }).count).toBe(1e12);
    expect(resolveSeeds(requestResponse, { seed: "0x2a" }).first.toString()).toBe(
      "0x000000000000002a",
    );
    expect(() => resolveSeeds(requestResponse, { seed: "1", seeds: "2" })).toThrow(
      /only one of them/,
    );
    expect(() => resolveSeeds(requestResponse, { seeds: "0" })).toThrow(/--seeds/);
    expect(resolveVariants(requestResponse, "both")).toEqual(["unsafe", "safe"]);
    expect(() => resolveVariants(requestResponse, "risky")).toThrow(
      /use one of unsafe, safe or both/,
    );
  });

  it("keep hidden variants out of --variant both, run them with all or by name, and read --bug as bug-NAME", () => {
    // Shows the planted-bug sugar and its errors: an unknown bug lists the world's bugs.
    expect(resolveVariants(withBugs, "both")).toEqual(["unsafe", "safe"]);
    expect(resolveVariants(withBugs, "all")).toHaveLength(4);
    expect(resolveVariants(withBugs, "safe-crashes")).toEqual(["safe-crashes"]);
    expect(variantOption(withBugs, { variant: "both", bug: "forget-vote" }, "both")).toBe(
      "bug-forget-vote",
    );
    expect(variantOption(withBugs, { variant: "safe" }, "both")).toBe("safe");
    expect(() => variantOption(withBugs, { bug: "typo" })).toThrow(
      /`--bug` must be a planted bug of bugged, got "typo"; use one of forget-vote/,
    );
    expect(() => variantOption(withBugs, { variant: "safe", bug: "forget-vote" }, "both")).toThrow(
      /no --variant beside it/,
    );
    expect(() => variantOption(requestResponse, { bug: "forget-vote" })).toThrow(
      /request-response has none/,
    );
  });
});
