// Finds the node in a module for `murphy maelstrom node <module>` and `maelstrom test --node`:
// a default export that is a NodeFactory (a function of the context), a named export `node`, or a
// world made with `defineWorld`, whose node `--node-id ID` names (one of the ids of its `nodes`).
// TypeScript loads through the same tsx hooks as world files.

import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { Scenario } from "../../scenarios/Scenario.js";
import { registerTypescript } from "../../sweep/loadWorld.js";

export async function loadNodeFactory(ref: string, nodeId?: string): Promise<NodeFactory> {
  const location = resolve(ref);
  if (!existsSync(location)) {
    throw new ConfigError({
      field: "node module",
      value: ref,
      expected: "an existing file",
      fix: `no file at ${location}`,
    });
  }
  if ([".ts", ".mts", ".cts"].includes(extname(location))) await registerTypescript();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(location).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError({
      field: "node module",
      value: ref,
      expected: "a module that loads",
      fix: `it failed to load: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    });
  }
  const candidate = module.node ?? module.default;
  if (isWorld(candidate)) return nodeOfWorld(ref, candidate, nodeId);
  if (typeof candidate === "function") return candidate as NodeFactory;
  throw new ConfigError({
    field: "node module",
    value: ref,
    expected: "a default export that is a NodeFactory ((ctx) => handlers) or a world",
    fix: "end the file with `export default (ctx) => ({ onMessage(message) { … } })`",
  });
}

function isWorld(value: unknown): value is Scenario {
  return (
    typeof value === "object" && value !== null && typeof (value as Scenario).run === "function"
  );
}

function nodeOfWorld(ref: string, world: Scenario, nodeId: string | undefined): NodeFactory {
  if (world.nodeFactories === undefined) {
    throw new ConfigError({
      field: "node module",
      value: ref,
      expected: "a world made with defineWorld",
      fix: "export a NodeFactory instead",
    });
  }
  const factories = world.nodeFactories({ seed: Seed.parse(0), variant: world.variants[0]!.name });
  const ids = Object.keys(factories);
  if (nodeId === undefined || factories[nodeId] === undefined) {
    throw new ConfigError({
      field: "--node-id",
      value: nodeId,
      expected: `one of the world's nodes (${ids.join(", ")})`,
      fix: `pass --node-id ${ids[0]}`,
    });
  }
  return factories[nodeId]!;
}
