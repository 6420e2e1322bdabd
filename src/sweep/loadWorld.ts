// Wherever a command takes a world it takes a scenario name (`partition-split-brain`) or a world
// file (`./my-world.ts`, `.js`, `.mjs`, `.mts`) whose default export is `defineWorld({...})`.
// TypeScript files load without a build step through tsx's ESM loader hooks (Node 20 has no type
// stripping; tsx is esbuild-based, well kept, and as a loader hook it leaves every other import
// native, so a world file that imports "murphy" shares this process's copy: its `instanceof
// TimeoutError` sees the kernel's errors). Worker threads load the same file by its absolute path.

import { existsSync, statSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../core/errors.js";
import { findScenario, SCENARIOS } from "../scenarios/registry.js";
import type { Scenario } from "../scenarios/Scenario.js";

const FILE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];
const TYPESCRIPT = new Set([".ts", ".mts", ".cts"]);

interface Source {
  /** As the user typed it: what printed commands repeat. */
  ref: string;
  /** What a worker thread loads: a scenario name or an absolute path. */
  location: string;
}

const sources = new WeakMap<Scenario, Source>();
const loaded = new Map<string, Promise<Scenario>>();
let typescriptLoader: Promise<void> | undefined;

/** True when `ref` names a file rather than a scenario. */
export function isWorldFile(ref: string): boolean {
  return ref.includes("/") || ref.includes("\\") || FILE_EXTENSIONS.includes(extname(ref));
}

/** A scenario by name, or the world a file exports by default. */
export async function loadWorld(ref: string | undefined): Promise<Scenario> {
  if (ref === undefined || !isWorldFile(ref)) return findScenario(ref);
  const location = resolve(ref);
  let world = loaded.get(location);
  if (world === undefined) {
    world = importWorld(ref, location);
    loaded.set(location, world);
    world.catch(() => loaded.delete(location));
  }
  const w = await world;
  if (!sources.has(w)) sources.set(w, { ref, location });
  return w;
}

/** How commands name the world: the scenario's name, or the file as the user gave it. */
export function worldRef(world: Scenario): string {
  return sources.get(world)?.ref ?? world.name;
}

/** What a worker thread passes to `loadWorld` to get the same world. */
export function worldLocation(world: Scenario): string {
  const source = sources.get(world);
  if (source !== undefined) return source.location;
  // By name, not identity: the same scenario may come from another copy of murphy (source vs dist).
  if (SCENARIOS.some((s) => s.name === world.name)) return world.name;
  throw new ConfigError({
    field: "world",
    value: world.name,
    expected: "a scenario or a world loaded from a file (worker threads load it again by path)",
    fix: "pass the world's file path (loadWorld), or run with one worker",
  });
}

async function importWorld(ref: string, location: string): Promise<Scenario> {
  if (!existsSync(location) || !statSync(location).isFile()) {
    throw new ConfigError({
      field: "world",
      value: ref,
      expected: "a scenario name or an existing world file",
      fix: `no file at ${location}; run \`murphy list\` for the scenarios`,
    });
  }
  if (TYPESCRIPT.has(extname(location))) await registerTypescript();
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(location).href)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError({
      field: "world",
      value: ref,
      expected: "a world file that loads as an ES module",
      fix: loadFix(error),
    });
  }
  const world = module.default;
  if (!isWorld(world)) {
    throw new ConfigError({
      field: "world",
      value: ref,
      expected: "a default export that is a world",
      fix: "end the file with `export default defineWorld({ name, nodes, runForMs, checks })`",
    });
  }
  return world;
}

function loadFix(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  if (code === "ERR_REQUIRE_CYCLE_MODULE" || code === "ERR_REQUIRE_ESM") {
    return (
      'a world file is an ES module: add "type": "module" to the nearest package.json, or name ' +
      `the file .mts (${message})`
    );
  }
  return `it failed to load: ${message}`;
}

function isWorld(value: unknown): value is Scenario {
  if (typeof value !== "object" || value === null) return false;
  const w = value as Partial<Scenario>;
  return (
    typeof w.name === "string" &&
    Array.isArray(w.variants) &&
    Array.isArray(w.properties) &&
    typeof w.run === "function"
  );
}

/** Registers tsx's loader hooks once per thread; loading a .ts world needs nothing else. */
export function registerTypescript(): Promise<void> {
  typescriptLoader ??= import("tsx/esm/api").then(({ register }) => {
    register();
  });
  return typescriptLoader;
}

/** Resolves a world file given relative to `base` (e.g. a replay file's directory). */
export function resolveWorldRef(ref: string, base: string): string {
  return isWorldFile(ref) && !isAbsolute(ref) ? resolve(base, ref) : ref;
}
