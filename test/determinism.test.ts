// The determinism invariant is enforced twice: by the lint rule (which names the replacement) and
// by this scan of the source tree, so a disabled rule or a new folder cannot slip past it.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const BANNED =
  /\b(Math\.random|Date\.now|performance\.now|setTimeout|setInterval|setImmediate|crypto\.randomUUID)\s*\(|new Date\(\)/;
/** Folders where the real world is the point: real clocks, real timers, real randomness. */
const REAL_WORLD = ["src/runtime/", "src/maelstrom/real/", "src/cli/"];
/**
 * Files of the simulator that touch the host's event loop on purpose, each with why it cannot
 * change what a run does. Every line that uses a banned global must say so with an eslint comment.
 */
const HOST_LEVEL: Record<string, string> = {
  "src/sim/RejectionWatch.ts":
    "waits one macrotask after a run's last event, so that Node reports the promises a node " +
    "left rejected; nothing simulated runs then",
  "src/sweep/sweepWorker.ts":
    "reads the real clock only to pace progress notes to the main thread; no result reads it",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

describe("determinism", () => {
  it("shows that no simulated source file calls a nondeterministic global", () => {
    const offenders = sourceFiles(join(root, "src"))
      .map((path) => relative(root, path))
      .filter((path) => !REAL_WORLD.some((dir) => path.startsWith(dir)))
      .filter((path) => HOST_LEVEL[path] === undefined)
      .flatMap((path) =>
        readFileSync(join(root, path), "utf8")
          .split("\n")
          .map((line, i) => ({ path, line: i + 1, text: line }))
          .filter(({ text }) => !/^\s*(\/\/|\/\*|\*)/.test(text) && BANNED.test(text)),
      );
    expect(offenders).toEqual([]);
  });

  it("shows that the lint rule rejects each banned global in simulated code and names the replacement", async () => {
    const eslint = new ESLint({ cwd: root });
    const code = [
      "export const a = Math.random();",
      "export const b = Date.now();",
      "export const c = performance.now();",
      "setTimeout(() => {}, 1);",
      "setInterval(() => {}, 1);",
      "export const d = crypto.randomUUID();",
      "export const e = new Date();",
    ].join("\n");
    const [result] = await eslint.lintText(code, { filePath: join(root, "src/sim/Example.ts") });
    const messages = result!.messages.map((m) => `${m.line}: ${m.message}`);
    expect(messages).toHaveLength(7);
    expect(messages.join("\n")).toMatch(/seeded Rng/);
    expect(messages.join("\n")).toMatch(/ctx\.clock/);
    expect(messages.join("\n")).toMatch(/ctx\.setTimer/);
    const [runtime] = await eslint.lintText(code, {
      filePath: join(root, "src/runtime/Example.ts"),
    });
    expect(runtime!.messages.filter((m) => m.ruleId?.startsWith("no-restricted"))).toEqual([]);
  });
});
