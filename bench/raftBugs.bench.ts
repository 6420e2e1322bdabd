// The bug-finding table: for each bug planted in the Raft service, sweep its variant from ten
// starting seeds (0, 100,000, 200,000, …) until the first violating seed, at most 1,000 seeds
// each; report the seeds it took (median and max), the wall time to that seed (median), and how
// small the first violating seed's fault schedule shrinks (`murphy shrink <world> --bug <name>`).

import { performance } from "node:perf_hooks";
import { Seed } from "../src/core/Rng.js";
import { RAFT_KV_BUGS, raftKv } from "../src/scenarios/raft/RaftKvWorld.js";
import { raftLock } from "../src/scenarios/raft/RaftLockWorld.js";
import type { Scenario } from "../src/scenarios/Scenario.js";
import { findFirstViolation } from "../src/sweep/findFirstViolation.js";
import { shrinkWorld } from "../src/sweep/shrinkWorld.js";

const STARTS = 10;
const START_STRIDE = 100_000n;
const BUDGET_SEEDS = 1_000;
const SHRINK_RUNS = 500; // murphy shrink's default --max-runs

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1
    ? s[(s.length - 1) / 2]!
    : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Row {
  world: string;
  bug: string;
  seeds: number[];
  missed: number;
  wallSeconds: number[];
  firstSeed: string;
  property: string;
  shrunk: string;
}

async function hunt(world: Scenario, bug: string): Promise<Row> {
  const variant = `bug-${bug}`;
  const seeds: number[] = [];
  const wallSeconds: number[] = [];
  let missed = 0;
  let first: { seed: string; property: string } | undefined;
  for (let k = 0n; k < BigInt(STARTS); k++) {
    const start = performance.now();
    const found = await findFirstViolation(world, {
      variant,
      firstSeed: k * START_STRIDE,
      maxSeeds: BUDGET_SEEDS,
    });
    wallSeconds.push((performance.now() - start) / 1000);
    if (found.seed === undefined) missed++;
    seeds.push(found.seedsRun);
    if (first === undefined && found.seed !== undefined) {
      first = { seed: found.seed.toString(), property: found.properties[0]! };
    }
  }
  let shrunk = "-";
  if (first !== undefined) {
    const result = await shrinkWorld(world, {
      seed: Seed.parse(first.seed),
      variant,
      property: first.property,
      maxRuns: SHRINK_RUNS,
    });
    shrunk = `${result.original.length} -> ${result.shrunk.actions.length}`;
  }
  return {
    world: world.name,
    bug,
    seeds,
    missed,
    wallSeconds,
    firstSeed: first?.seed ?? "-",
    property: first?.property ?? "-",
    shrunk,
  };
}

export async function run(): Promise<void> {
  console.log(
    `planted bugs: seeds swept to the first violation from ${STARTS} starting seeds ` +
      `(budget ${BUDGET_SEEDS} each), wall time to it, and the first one's schedule shrunk`,
  );
  console.log(
    "world      bug              seeds median  max    missed  wall median  property        faults shrunk",
  );
  const hunts: [Scenario, string][] = [
    ...RAFT_KV_BUGS.map((bug): [Scenario, string] => [raftKv, bug]),
    [raftLock, "token-reset"],
  ];
  for (const [world, bug] of hunts) {
    const r = await hunt(world, bug);
    console.log(
      `${r.world.padEnd(10)} ${r.bug.padEnd(16)} ${String(median(r.seeds)).padStart(12)}  ` +
        `${String(Math.max(...r.seeds)).padEnd(6)} ${`${r.missed}/${STARTS}`.padEnd(7)} ` +
        `${median(r.wallSeconds).toFixed(1).padStart(9)} s  ${r.property.padEnd(15)} ${r.shrunk}` +
        `  (shrink: murphy shrink ${r.world} --bug ${r.bug} --seed ${r.firstSeed})`,
    );
  }
}
