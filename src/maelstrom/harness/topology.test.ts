// Shows the broadcast topologies: symmetric neighbour maps of the documented shapes.
import { describe, expect, it } from "vitest";
import { nodeIdsOf } from "./MaelstromOptions.js";
import { topology, TOPOLOGIES } from "./topology.js";

describe("topology", () => {
  it("shows a 5 × 5 grid for 25 nodes: corners have 2 neighbours, edges 3, the inside 4", () => {
    const grid = topology("grid", nodeIdsOf(25));
    expect(grid.n0).toEqual(["n1", "n5"]);
    expect(grid.n2).toEqual(["n1", "n3", "n7"]);
    expect(grid.n12).toEqual(["n7", "n11", "n13", "n17"]);
    expect(Object.values(grid).reduce((sum, n) => sum + n.length, 0)).toBe(2 * 40);
  });

  it("shows every shape symmetric and connected", () => {
    const nodes = nodeIdsOf(10);
    for (const name of TOPOLOGIES) {
      const t = topology(name, nodes);
      for (const [a, ns] of Object.entries(t)) for (const b of ns) expect(t[b]).toContain(a);
      const reached = new Set(["n0"]);
      for (const n of reached) for (const m of t[n]!) reached.add(m);
      expect(reached.size).toBe(10);
    }
    expect(topology("line", nodes).n9).toEqual(["n8"]);
    expect(topology("tree3", nodes).n0).toEqual(["n1", "n2", "n3"]);
    expect(topology("total", nodes).n4).toHaveLength(9);
  });
});
