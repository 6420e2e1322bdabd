// The layer table of DESIGN.md, enforced: every import in the source tree points down the table
// (or sideways within one row), and every folder under src/ has a row. Tests are exempt because a
// test of a low layer may build a whole world to run its subject inside the simulator.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const src = join(root, "src");

/** Lowest first. Folders in one row may import each other; `world` assembles the world models. */
const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["primitives"],
  ["sim"],
  ["net", "clock", "faults", "storage", "world"],
  ["systems"],
  ["workload", "check"],
  ["scenarios"],
  ["sweep"],
  ["runtime"],
  ["maelstrom"],
  ["report"],
  ["cli"],
];
const rank = new Map(LAYERS.flatMap((row, i) => row.map((folder) => [folder, i] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

/** The top folder under src/ of a path, or "" for a file directly in src/ (the public API). */
function folderOf(path: string): string {
  const parts = relative(src, path).split("/");
  return parts.length > 1 ? parts[0]! : "";
}

function importsOf(path: string, text = readFileSync(path, "utf8")): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"(\.{1,2}\/[^"]+)"/g)];
  return specifiers.map((m) => resolve(dirname(path), m[1]!));
}

/** The imports of `file` that point up the table. */
function upwardImports(file: string, text?: string): string[] {
  const from = folderOf(file);
  if (from === "") return []; // src/index.ts re-exports the public API from every layer
  return importsOf(file, text)
    .filter((target) => folderOf(target) !== "" && rank.get(folderOf(target))! > rank.get(from)!)
    .map((target) => `${relative(root, file)} imports ${relative(root, target)}`);
}

describe("layers", () => {
  it("shows that every folder under src/ has a row in the layer table", () => {
    const folders = readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory());
    expect(folders.filter((folder) => !rank.has(folder))).toEqual([]);
  });

  it("shows that every import points down the layer table or within a row", () => {
    expect(sourceFiles(src).flatMap((file) => upwardImports(file))).toEqual([]);
  });

  it("flags a kernel file that imports a world model, in either import form", () => {
    // Shows the scan can fail: the import that this layering forbids is found and named.
    const file = join(src, "sim", "Example.ts");
    const text = `import { Network } from "../net/Network.js";\ntype C = import("../clock/PhysicalClock.js").PhysicalClock;\nimport { Rng } from "../core/Rng.js";`;
    expect(upwardImports(file, text)).toEqual([
      "src/sim/Example.ts imports src/net/Network.js",
      "src/sim/Example.ts imports src/clock/PhysicalClock.js",
    ]);
  });
});
