// Shows how a command finds its world: a scenario by name, a world file by path (its default
// export), named in printed commands as the user typed it and in worker tasks by absolute path;
// and that every way a file can fail to be a world is a ConfigError saying what to do.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { isWorldFile, loadWorld, worldLocation, worldRef } from "./loadWorld.js";

const dir = mkdtempSync(join(tmpdir(), "murphy-loadworld-"));
mkdirSync(join(dir, "esm"));
writeFileSync(join(dir, "esm", "package.json"), '{ "type": "module" }');
const WORLD = `export default {
  name: "file-world", title: "t", claim: "c", tourSeeds: 1, figures: [], properties: ["p"],
  variants: [{ name: "default", description: "d", expectViolations: false }],
  async run({ seed, variant }) {
    return { seed: seed.toString(), variant, properties: { p: "held" }, figures: {}, traceHash: "0", events: 0 };
  },
};`;
writeFileSync(join(dir, "esm", "world.mjs"), WORLD);
writeFileSync(join(dir, "esm", "none.mjs"), "export const x = 1;");
writeFileSync(join(dir, "esm", "broken.mjs"), "export default {");
writeFileSync(join(dir, "esm", "notaworld.mjs"), "export default { name: 'x' };");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadWorld", () => {
  it("tells files from scenario names", () => {
    expect(isWorldFile("partition-split-brain")).toBe(false);
    expect(isWorldFile("./w.ts")).toBe(true);
    expect(isWorldFile("w.mjs")).toBe(true);
    expect(isWorldFile("worlds/w")).toBe(true);
  });

  it("finds a scenario by name, named by its name everywhere", async () => {
    const world = await loadWorld("request-response");
    expect(world.name).toBe("request-response");
    expect(worldRef(world)).toBe("request-response");
    expect(worldLocation(world)).toBe("request-response");
  });

  it("loads a world file's default export once, named as typed and located absolutely", async () => {
    const typed = relative(process.cwd(), join(dir, "esm", "world.mjs"));
    const world = await loadWorld(typed);
    expect(world.name).toBe("file-world");
    expect(worldRef(world)).toBe(typed);
    expect(worldLocation(world)).toBe(join(dir, "esm", "world.mjs"));
    expect(await loadWorld(join(dir, "esm", "world.mjs"))).toBe(world);
  });

  it("says what to do when a file is not a world", async () => {
    const cases: [string, RegExp][] = [
      [join(dir, "esm", "missing.ts"), /an existing world file, got .*; no file at/],
      [
        join(dir, "esm", "none.mjs"),
        /a default export that is a world, got .*; end the file with `export default defineWorld/,
      ],
      [join(dir, "esm", "notaworld.mjs"), /a default export that is a world/],
      [
        join(dir, "esm", "broken.mjs"),
        /a world file that loads as an ES module, got .*; it failed to load/,
      ],
      ["no-such-scenario", /the name of a scenario, got .*; run `murphy list`/],
    ];
    for (const [ref, message] of cases) {
      const error = await loadWorld(ref).catch((e: unknown) => e);
      expect(error, ref).toBeInstanceOf(ConfigError);
      expect((error as Error).message, ref).toMatch(message);
    }
  });

  it("refuses to send a world built in memory to worker threads, which load worlds by path", () => {
    const inMemory = { name: "mine", variants: [], properties: [], figures: [], tourSeeds: 1 };
    expect(() => worldLocation(inMemory as never)).toThrow(/run with one worker/);
  });
});
