// Shows that raft-kv, with no planted bug, stays linearizable, keeps its replicas in agreement and
// recovers after the faults heal under every fault mix (a bounded sweep per mix: the 1,000-seed
// figures are measured with `murphy run raft-kv --variant safe-<mix> --seeds 1000`).
import { describe, it } from "vitest";
import { testWorld } from "../../sweep/testWorld.js";
import { raftKv } from "./RaftKvWorld.js";

const SEEDS = 60;

describe("raft-kv with no planted bug", () => {
  for (const variant of raftKv.variants.filter((v) => !v.expectViolations)) {
    it(`holds every property over ${SEEDS} seeds of ${variant.name}: ${variant.description}`, async () => {
      await testWorld(raftKv, { variant: variant.name, seeds: SEEDS });
    });
  }
});
