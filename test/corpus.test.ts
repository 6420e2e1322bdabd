// Seeds that once exposed a bug stay in test/corpus/seeds.json and are replayed here, so a bug
// once found stays found: each must now run to the end and hold every property of its variant.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Seed } from "../src/core/Rng.js";
import { findScenario } from "../src/scenarios/registry.js";

interface CorpusSeed {
  scenario: string;
  variant: string;
  seed: string;
  found: string;
}

const corpus = JSON.parse(
  readFileSync(join(import.meta.dirname, "corpus", "seeds.json"), "utf8"),
) as CorpusSeed[];

describe("the corpus of seeds that once failed", () => {
  for (const entry of corpus) {
    it(`shows that ${entry.scenario} --variant ${entry.variant} --seed ${entry.seed} now holds (${entry.found})`, async () => {
      const scenario = findScenario(entry.scenario);
      const outcome = await scenario.run({ seed: Seed.parse(entry.seed), variant: entry.variant });
      expect(Object.entries(outcome.properties).filter(([, v]) => v !== "held")).toEqual([]);
    });
  }
});
