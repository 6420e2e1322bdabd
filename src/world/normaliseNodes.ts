// A world's nodes, given as a list of specs or as a map from id to factory, checked: at least one,
// unique non-empty ids, a factory each.

import { ConfigError } from "../core/errors.js";
import type { NodeSpec, SimulationConfig } from "./SimulationConfig.js";

export function normaliseNodes(nodes: SimulationConfig["nodes"]): NodeSpec[] {
  const specs: NodeSpec[] = Array.isArray(nodes)
    ? nodes
    : Object.entries(nodes).map(([id, factory]) => ({ id, factory }));
  if (specs.length === 0) {
    throw new ConfigError({
      field: "nodes",
      value: nodes,
      expected: "at least one node",
      fix: "add a node",
    });
  }
  const seen = new Set<string>();
  specs.forEach((spec, i) => {
    if (typeof spec.id !== "string" || spec.id === "" || seen.has(spec.id)) {
      throw new ConfigError({
        field: `nodes[${i}].id`,
        value: spec.id,
        expected: "a unique non-empty string",
        fix: "give every node its own name",
      });
    }
    if (typeof spec.factory !== "function") {
      throw new ConfigError({
        field: `nodes[${i}].factory`,
        value: spec.factory,
        expected: "a function (ctx) => handlers",
        fix: "pass the node's factory",
      });
    }
    seen.add(spec.id);
  });
  return specs;
}
