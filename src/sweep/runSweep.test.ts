import { describe, expect, it } from "vitest";
import type { Scenario } from "../scenarios/Scenario.js";
import { runSweep, ScenarioRunError, seedRange } from "./runSweep.js";

const throwing: Scenario = {
  name: "throws",
  title: "a scenario whose third seed throws",
  claim: "",
  variants: [{ name: "safe", description: "", expectViolations: false }],
  properties: ["p"],
  figures: [],
  tourSeeds: 5,
  async run({ seed, variant }) {
    if (seed.toBigInt() === 2n) throw new Error("node n threw at 1.000 ms");
    return {
      seed: seed.toString(),
      variant,
      properties: { p: "held" },
      figures: {},
      traceHash: "0",
      events: 1,
    };
  },
};

describe("runSweep", () => {
  it("shows that a seed whose run throws fails the sweep with the command that replays it", async () => {
    const error = await runSweep(throwing, "safe", seedRange(5)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioRunError);
    expect((error as ScenarioRunError).replay).toBe(
      "murphy run throws --variant safe --seed 0x0000000000000002",
    );
    expect((error as Error).message).toMatch(/node n threw.*\n {2}replay: murphy run throws/);
  });
});
