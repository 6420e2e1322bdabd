// Shows that what a user gets from `npm install murphy` works as the README says: the package is
// packed and installed from its tarball into a temporary project, and a world file written there
// (a naive primary/backup register and a quorum one) goes through `npx murphy run`, sweeps on 1
// and 2 workers and in shards, `--check-determinism`, `shrink` and `replay --schedule`, the test
// API inside vitest and node:test, an HTML report, and a typecheck of the public types — all from
// the installed package, none from this checkout's sources.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const MINUTE_MS = 60_000;

let dir = "";
let project = "";

/** Runs `npx murphy …` in the project; resolves with exit code and output (never rejects). */
async function murphy(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("npx", ["--no-install", "murphy", ...args], {
      cwd: project,
      timeout: 4 * MINUTE_MS,
      env: { ...process.env, NO_COLOR: "1", ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "murphy-package-"));
  project = join(dir, "project");
  execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: root });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  execFileSync("mkdir", [project]);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "user-project", private: true, type: "module" }),
  );
  execFileSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, tarball)],
    { cwd: project, timeout: 3 * MINUTE_MS, stdio: "ignore" },
  );
  // The world a user writes: the shipped example, which imports "murphy" as any project does.
  const world = readFileSync(join(root, "examples", "worlds", "primary-backup.ts"), "utf8");
  writeFileSync(join(project, "primary-backup.ts"), world);
  // The same naive design, now claimed to be safe: the test API must catch it.
  writeFileSync(
    join(project, "claims-safe.ts"),
    world.replace("expectViolations: true", "expectViolations: false"),
  );
}, 4 * MINUTE_MS);

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("the installed package", () => {
  it(
    "finds linearizability violations of the naive world in 200 seeds and none of the quorum world in 1,000",
    async () => {
      const naive = await murphy([
        "run",
        "./primary-backup.ts",
        "--variant",
        "naive",
        "--seeds",
        "200",
        "--json",
      ]);
      expect(naive.stderr).toBe("");
      const naiveSummary = JSON.parse(naive.stdout).summaries[0];
      expect(naiveSummary.properties.linearizable.violated).toBeGreaterThan(0);
      // An unsafe variant showing its violation is the expected outcome.
      expect(naive.code).toBe(0);
      const quorum = await murphy([
        "run",
        "./primary-backup.ts",
        "--variant",
        "quorum",
        "--seeds",
        "1000",
        "--json",
      ]);
      const quorumSummary = JSON.parse(quorum.stdout).summaries[0];
      expect(quorumSummary.seeds).toBe(1000);
      expect(quorumSummary.properties.linearizable).toMatchObject({ held: 1000, violated: 0 });
      expect(quorum.code).toBe(0);
    },
    8 * MINUTE_MS,
  );

  it(
    "writes a self-contained HTML report of a violating seed, the same bytes twice",
    async () => {
      const args = ["run", "./primary-backup.ts", "--variant", "naive", "--seed", "0"];
      const first = await murphy([...args, "--report", "a.html"]);
      await murphy([...args, "--report", "b.html"]);
      expect(first.stderr).toBe("");
      const html = readFileSync(join(project, "a.html"), "utf8");
      expect(html).toContain("uPlot");
      expect(html).toContain('"violations":[{"property":"linearizable"');
      expect(readFileSync(join(project, "b.html"), "utf8")).toBe(html);
    },
    4 * MINUTE_MS,
  );

  it(
    "gives byte-identical results with 1 and 2 workers and with shards merged",
    async () => {
      const sweep = ["run", "./primary-backup.ts", "--seeds", "30", "--json"];
      const one = await murphy([...sweep, "--workers", "1"]);
      const two = await murphy([...sweep, "--workers", "2"]);
      expect(two.stdout).toBe(one.stdout);
      const out = join(dir, "shards");
      await murphy([...sweep, "--shard", "0/2", "--out", out]);
      await murphy([...sweep, "--shard", "1/2", "--out", out]);
      const files = readdirSync(out).map((f) => join(out, f));
      expect(files).toHaveLength(2);
      const merged = await murphy(["merge", ...files, "--json"]);
      expect(merged.stdout).toBe(one.stdout);
    },
    4 * MINUTE_MS,
  );

  it(
    "checks determinism, shrinks a failing seed and replays the shrunk schedule to the same violation",
    async () => {
      const determinism = await murphy([
        "run",
        "./primary-backup.ts",
        "--seeds",
        "20",
        "--check-determinism",
      ]);
      expect(determinism.stdout).toMatch(
        /determinism: 20 seeds x 2 variants ran twice with identical trace hashes/,
      );
      const naive = await murphy([
        "run",
        "./primary-backup.ts",
        "--variant",
        "naive",
        "--seeds",
        "50",
        "--json",
      ]);
      const seed: string = JSON.parse(naive.stdout).summaries[0].properties.linearizable
        .violatingSeeds[0];
      const replayFile = join(dir, "shrunk.json");
      const shrink = await murphy([
        "shrink",
        "./primary-backup.ts",
        "--seed",
        seed,
        "--out",
        replayFile,
      ]);
      expect(shrink.stderr).toBe("");
      const [, from, to] = /shrunk from (\d+) faults to (\d+)/.exec(shrink.stdout) ?? [];
      expect(Number(to)).toBeLessThan(Number(from));
      const replay = await murphy(["replay", "--schedule", replayFile]);
      expect(replay.stdout).toMatch(/linearizable: violated in 1\/1 seeds/);
      // As `murphy run`: exit 0 when a variant does what it promises (here, to show the violation).
      expect(replay.code).toBe(0);
      const again = await murphy([
        "replay",
        "./primary-backup.ts",
        "--variant",
        "naive",
        "--seed",
        seed,
        "--trace",
        join(dir, "t.jsonl"),
      ]);
      expect(again.stdout).toMatch(/trace written to .*t\.jsonl/);
      expect(again.stdout).toMatch(/not linearizable/);
    },
    4 * MINUTE_MS,
  );

  it(
    "runs the test API inside vitest: a holding world passes, a broken one fails with its seed, shrunk schedule and replay commands",
    async () => {
      writeFileSync(
        join(project, "world.test.js"),
        [
          'import { expect, it } from "vitest";',
          'import { testWorld, WorldTestError } from "murphy";',
          'it("quorum holds", async () => {',
          '  await testWorld(new URL("./primary-backup.ts", import.meta.url), { variant: "quorum", seeds: 40 });',
          "}, 120_000);",
          'it("naive is caught", async () => {',
          '  const error = await testWorld("./claims-safe.ts", { variant: "naive", seeds: 40 }).catch((e) => e);',
          "  expect(error).toBeInstanceOf(WorldTestError);",
          "  console.log(error.message);",
          "}, 120_000);",
        ].join("\n"),
      );
      const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
      const { stdout } = await run(
        process.execPath,
        [vitest, "run", "--root", project, "world.test.js"],
        {
          cwd: project,
          timeout: 4 * MINUTE_MS,
          env: { ...process.env, NO_COLOR: "1" },
        },
      );
      expect(stdout).toMatch(/2 passed/);
      expect(stdout).toMatch(
        /primary-backup \(variant naive\): linearizable violated in \d+ of 40 seeds; first: seed 0x/,
      );
      expect(stdout).toMatch(/fault schedule shrunk from \d+ faults to \d+/);
      expect(stdout).toMatch(/MURPHY_SEED=0x[0-9a-f]+ <this test command>/);
      expect(stdout).toMatch(/npx murphy run \.\/claims-safe\.ts --variant naive --seed 0x/);
      const replayFile = /npx murphy replay --schedule (\S+)/.exec(stdout)?.[1];
      expect(replayFile).toBeDefined();
      const replay = await murphy(["replay", "--schedule", replayFile!]);
      expect(replay.stdout).toMatch(/linearizable: violated in 1\/1 seeds/);
    },
    6 * MINUTE_MS,
  );

  it(
    "types every name the issue lists, from the installed package's declarations",
    async () => {
      writeFileSync(
        join(project, "types.ts"),
        [
          "import {",
          "  describeOperation, HistoryParseError, readTraceJsonl, spaceTimeDiagram, defineWorld, testWorld,",
          "  type AttemptContext, type Call, type ErrorClass, type GiveUpReason, type OperationHandle,",
          "  type RequestOptions, type TimeoutPolicy, type World, type WorldSpec, type WorldResult,",
          '} from "murphy";',
          "export const used = [describeOperation, HistoryParseError, readTraceJsonl, spaceTimeDiagram, defineWorld, testWorld];",
          "export type Used = [AttemptContext, Call, ErrorClass, GiveUpReason, OperationHandle, RequestOptions, TimeoutPolicy, World, WorldSpec, WorldResult];",
          'const wrong: GiveUpReason = "no-such-reason"; // must not compile',
        ].join("\n"),
      );
      writeFileSync(
        join(project, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            module: "NodeNext",
            moduleResolution: "NodeNext",
            target: "ES2022",
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            typeRoots: [join(root, "node_modules", "@types")],
            types: ["node"],
          },
          files: ["types.ts"],
        }),
      );
      const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
      const result = await run(process.execPath, [tsc, "-p", project], { cwd: project }).then(
        () => "",
        (error: { stdout?: string }) => error.stdout ?? "",
      );
      // The one error is the deliberate one: every import resolved and typed.
      expect(result.trim().split("\n")).toEqual([
        expect.stringMatching(
          /types\.ts\(8,7\): error TS2322: Type '"no-such-reason"' is not assignable to type 'GiveUpReason'/,
        ),
      ]);
    },
    2 * MINUTE_MS,
  );

  it(
    "ships its examples: a compiled course example and the example world file run from node_modules",
    async () => {
      const example = await run(
        process.execPath,
        [join(project, "node_modules", "murphy", "dist", "examples", "01-request-response.js")],
        { cwd: project },
      );
      const expected = readFileSync(
        join(root, "examples", "01-request-response.expected.txt"),
        "utf8",
      );
      expect(example.stdout).toBe(expected);
      const world = await murphy([
        "run",
        "node_modules/murphy/examples/worlds/primary-backup.ts",
        "--variant",
        "quorum",
        "--seeds",
        "5",
      ]);
      expect(world.stdout).toMatch(/linearizable: held in all 5 seeds/);
      expect(world.code).toBe(0);
    },
    2 * MINUTE_MS,
  );

  it(
    "reruns one seed with MURPHY_SEED under node:test",
    async () => {
      writeFileSync(
        join(project, "world.node-test.js"),
        [
          'import { test } from "node:test";',
          'import { testWorld } from "murphy";',
          'test("quorum holds", () => testWorld("./primary-backup.ts", { variant: "quorum", seeds: 10 }));',
        ].join("\n"),
      );
      const { stdout } = await run(process.execPath, ["--test", "world.node-test.js"], {
        cwd: project,
        timeout: 2 * MINUTE_MS,
        env: { ...process.env, MURPHY_SEED: "0x2a", NO_COLOR: "1" },
      });
      expect(stdout).toMatch(/quorum seed 0x000000000000002a \(MURPHY_SEED\)/);
      expect(stdout).toMatch(/# pass 1/);
    },
    2 * MINUTE_MS,
  );
});
