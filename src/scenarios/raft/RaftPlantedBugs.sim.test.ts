// Shows that murphy finds every bug planted in the Raft service: sweeping each bug's variant from
// seed 0 reaches a violating seed within its budget of 1,000 seeds (the seeds it takes from ten
// starting points, and the shrunk schedules, are in `npm run bench -- bugs`).
import { describe, expect, it } from "vitest";
import { findFirstViolation } from "../../sweep/findFirstViolation.js";
import type { Scenario } from "../Scenario.js";
import { RAFT_KV_BUGS, raftKv } from "./RaftKvWorld.js";
import { raftLock } from "./RaftLockWorld.js";

const BUDGET_SEEDS = 1_000;

const hunts: [Scenario, string][] = [
  ...RAFT_KV_BUGS.map((bug): [Scenario, string] => [raftKv, bug]),
  [raftLock, "token-reset"],
];

describe("planted Raft bugs", () => {
  for (const [world, bug] of hunts) {
    it(`finds ${bug} in ${world.name} within ${BUDGET_SEEDS} seeds`, async () => {
      const found = await findFirstViolation(world, {
        variant: `bug-${bug}`,
        maxSeeds: BUDGET_SEEDS,
      });
      expect(found.seed, `${bug}: no violation in ${BUDGET_SEEDS} seeds`).toBeDefined();
      expect(found.seedsRun).toBeLessThanOrEqual(BUDGET_SEEDS);
    });
  }
});
