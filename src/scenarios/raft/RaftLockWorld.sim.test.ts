// Shows that raft-lock, with no planted bug, never lets storage accept an older token after a newer one, hands out tokens in grant order, keeps its replicas in agreement and
// recovers after the faults heal under every fault mix (a bounded sweep per mix: the 1,000-seed
// figures are measured with `murphy run raft-lock --variant safe-<mix> --seeds 1000`).
import { describe, it } from "vitest";
import { testWorld } from "../../sweep/testWorld.js";
import { raftLock } from "./RaftLockWorld.js";

const SEEDS = 60;

describe("raft-lock with no planted bug", () => {
  for (const variant of raftLock.variants.filter((v) => !v.expectViolations)) {
    it(`holds every property with no planted bug over ${SEEDS} seeds of ${variant.name}: ${variant.description}`, async () => {
      await testWorld(raftLock, { variant: variant.name, seeds: SEEDS });
    });
  }
});
