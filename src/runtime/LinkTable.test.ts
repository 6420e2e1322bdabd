// Shows that the real network reads the fault JSON exactly as the simulator's network does: the
// same random schedules of partitions, cuts, isolations, rings and links down, applied to both,
// block the same directed links after every action.
import { describe, expect, it } from "vitest";
import { Rng } from "../core/Rng.js";
import { randomFaultSchedule } from "../faults/RandomFaultSchedule.js";
import { Network } from "../net/Network.js";
import { applyNetworkFault } from "../world/applyNetworkFault.js";
import { LinkTable } from "./LinkTable.js";

const NODES = ["n1", "n2", "n3", "n4", "c1"];

describe("LinkTable", () => {
  it("blocks the same links as the simulator's Network under 200 random schedules", () => {
    for (let seed = 0; seed < 200; seed++) {
      const schedule = randomFaultSchedule(Rng.fromSeed(seed), {
        nodes: NODES,
        durationMs: 10_000,
        kinds: ["partition", "partition-majority", "cut", "isolate", "ring", "link-down"],
        enableAll: true,
        intensity: 1,
      });
      const sim = new Network({}, NODES, Rng.fromSeed(seed).derive("net"));
      const real = new LinkTable(NODES);
      const idx = (id: string) => NODES.indexOf(id);
      for (const action of schedule.actions) {
        expect(applyNetworkFault(sim, action, idx)).toBe(true);
        expect(real.apply(action)).toBe(true);
        const pairs = NODES.flatMap((from) =>
          NODES.filter((to) => to !== from).map((to) => [from, to] as const),
        );
        const simulated = pairs.map(([from, to]) => sim.route(idx(from), idx(to), 0));
        const seen = pairs.map(([from, to]) => real.blocked(from, to));
        if (seen.join() !== simulated.join())
          expect([seed, action, seen]).toEqual([seed, action, simulated]);
      }
    }
  });

  it("keeps process faults out and multiplies slowness per link and network-wide", () => {
    const links = new LinkTable(NODES);
    expect(links.apply({ atMs: 0, kind: "pause", node: "n1", durationMs: 5 })).toBe(false);
    links.apply({ atMs: 0, kind: "slow", factor: 3 });
    links.apply({ atMs: 0, kind: "slow", factor: 2, from: "n1", to: "n2" });
    expect([links.slow("n1", "n2"), links.slow("n2", "n1")]).toEqual([6, 3]);
    links.apply({ atMs: 0, kind: "loss", probability: 0.25 });
    links.reset();
    expect([links.slow("n1", "n2"), links.lossProbability]).toEqual([1, 0]);
  });
});
