// The `topology` message of the broadcast workload: a map from each node to its neighbours.
// Maelstrom's shapes: `grid` (the nodes in a near-square grid, neighbours up, down, left, right),
// `line`, `total` (everyone), and `tree2`/`tree3`/`tree4` (a tree of that fan-out, parent and
// children). The harness sends it; a node is free to ignore it.

export const TOPOLOGIES = ["grid", "line", "total", "tree2", "tree3", "tree4"] as const;
export type TopologyName = (typeof TOPOLOGIES)[number];

export function topology(name: TopologyName, nodes: readonly string[]): Record<string, string[]> {
  const neighbours = new Map<string, Set<string>>(nodes.map((n) => [n, new Set()]));
  const link = (a: number, b: number) => {
    neighbours.get(nodes[a]!)!.add(nodes[b]!);
    neighbours.get(nodes[b]!)!.add(nodes[a]!);
  };
  const n = nodes.length;
  switch (name) {
    case "total":
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) link(a, b);
      break;
    case "line":
      for (let a = 0; a + 1 < n; a++) link(a, a + 1);
      break;
    case "grid": {
      const width = Math.max(1, Math.ceil(Math.sqrt(n)));
      for (let a = 0; a < n; a++) {
        if ((a + 1) % width !== 0 && a + 1 < n) link(a, a + 1);
        if (a + width < n) link(a, a + width);
      }
      break;
    }
    default: {
      const fanOut = Number(name.slice(4));
      for (let a = 1; a < n; a++) link(a, Math.floor((a - 1) / fanOut));
    }
  }
  // Neighbours in the order of `nodes`, so the message is the same whatever the links' order.
  return Object.fromEntries(
    nodes.map((node) => [node, nodes.filter((other) => neighbours.get(node)!.has(other))]),
  );
}
