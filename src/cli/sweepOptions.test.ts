import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { requestResponse } from "../scenarios/request-response/RequestResponseScenario.js";
import { resolveSeeds, resolveVariants, resolveWorkers } from "./sweepOptions.js";

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
});
