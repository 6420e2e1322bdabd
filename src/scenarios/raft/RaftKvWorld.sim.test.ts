// Shows that raft-kv, with no planted bug, stays linearizable, keeps its replicas in agreement and
// recovers after the faults heal under every fault mix (a bounded sweep per mix: the 1,000-seed
// figures are measured with `murphy run raft-kv --variant safe-<mix> --seeds 1000`).
import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import { testWorld } from "../../sweep/testWorld.js";
import { raftKv } from "./RaftKvWorld.js";

const SEEDS = 60;

describe("raft-kv", () => {
  for (const variant of raftKv.variants.filter((v) => !v.expectViolations)) {
    it(`holds every property with no planted bug over ${SEEDS} seeds of ${variant.name}: ${variant.description}`, async () => {
      await testWorld(raftKv, { variant: variant.name, seeds: SEEDS });
    });
  }

  it("gives the same outcome, trace hash included, for the same seed", async () => {
    for (const variant of ["safe", "bug-forget-vote"]) {
      const a = await raftKv.run({ seed: Seed.parse(7), variant });
      const b = await raftKv.run({ seed: Seed.parse(7), variant });
      expect(b).toEqual(a);
    }
  });
});
