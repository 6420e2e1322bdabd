// Shows that the published package's source maps resolve: every .js and .d.ts file npm would pack
// points at a map that is packed too, and every `sources` entry of every packed map, resolved
// relative to the map as it sits in the installed package, is a file the package ships (the
// TypeScript under src/). So a stack trace or "go to definition" in a user's project lands on
// murphy's source, not on a missing file.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const built = existsSync(join(root, "dist/src/index.js.map"));

/** The paths, relative to the package root, that `npm pack` would put in the tarball. */
function packedFiles(): Set<string> {
  const json = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [pack] = JSON.parse(json) as { files: { path: string }[] }[];
  return new Set(pack!.files.map((file) => file.path));
}

/** `sources` of the map at `mapPath`, each resolved to a package-relative path. */
function resolvedSources(mapPath: string): { source: string; resolved: string }[] {
  const map = JSON.parse(readFileSync(join(root, mapPath), "utf8")) as {
    sources: string[];
    sourceRoot?: string;
  };
  const dir = posix.dirname(mapPath);
  return map.sources.map((source) => ({
    source,
    resolved: posix.normalize(posix.join(dir, map.sourceRoot ?? "", source)),
  }));
}

// The maps are what `npm run build` emits; `npm test` builds dist/ before vitest runs.
describe.skipIf(!built)("source maps in the package (from dist/: run npm run build first)", () => {
  const files = built ? packedFiles() : new Set<string>();
  const maps = [...files].filter((f) => f.endsWith(".js.map") || f.endsWith(".d.ts.map"));

  it("shows that the package ships the entry point's JavaScript and declaration maps", () => {
    expect(files.has("dist/src/index.js.map")).toBe(true);
    expect(files.has("dist/src/index.d.ts.map")).toBe(true);
    expect(maps.length).toBeGreaterThan(100);
  });

  it("shows that every source of every packed map resolves, relative to the map, to a packed file", () => {
    const unresolved = maps.flatMap((map) =>
      resolvedSources(map)
        .filter(({ source, resolved }) => posix.isAbsolute(source) || !files.has(resolved))
        .map(({ source, resolved }) => `${map}: ${source} -> ${resolved}`),
    );
    expect(unresolved).toEqual([]);
    expect(resolvedSources("dist/src/index.js.map")).toEqual([
      { source: "../../src/index.ts", resolved: "src/index.ts" },
    ]);
  });

  it("shows that every packed .js and .d.ts names its map, and that map is packed", () => {
    const generated = [...files].filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"));
    const missing = generated.filter((file) => {
      const text = readFileSync(join(root, file), "utf8");
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
      return url === undefined || !files.has(posix.join(posix.dirname(file), url));
    });
    expect(missing).toEqual([]);
  });

  it("shows that tests stay out of the package: only the source the maps point to ships", () => {
    expect([...files].filter((f) => f.endsWith(".test.ts") || f.startsWith("test/"))).toEqual([]);
  });
});
