// Shows the test-runner API: a variant that keeps its promise passes; one that breaks it fails
// with the first violating seed, the checker's explanation, the shrunk fault schedule, a replay
// file and the commands that replay it; an unsafe variant that never fails is an error too; and
// MURPHY_SEED runs exactly one seed.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { volatileRegister, volatileRegisterSpec } from "../../test/worlds/volatileRegister.js";
import { Seed } from "../core/Rng.js";
import { defineWorld } from "../scenarios/defineWorld.js";
import { readReplayFile } from "./ReplayFile.js";
import { testWorld, WorldTestError } from "./testWorld.js";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "murphy-testworld-"));
  dirs.push(dir);
  return dir;
};

afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The volatile register claimed to be safe: the test API must catch it. */
const claimsSafe = defineWorld({ ...volatileRegisterSpec, variants: [{ name: "volatile" }] });

describe("testWorld", () => {
  it("passes when every variant keeps its promise", async () => {
    const result = await testWorld(volatileRegister, { seeds: 30 });
    expect(result.summaries.map((s) => [s.variant, s.seeds])).toEqual([
      ["volatile", 30],
      ["durable", 30],
    ]);
    expect(result.summaries[0]!.properties.linearizable!.violated).toBeGreaterThan(0);
    expect(result.summaries[1]!.properties.linearizable!.violated).toBe(0);
  });

  it("fails a broken variant with its seed, explanation, shrunk schedule and replay commands", async () => {
    const replayDir = tempDir();
    const error = (await testWorld(claimsSafe, { seeds: 30, replayDir }).catch(
      (e: unknown) => e,
    )) as WorldTestError;
    expect(error).toBeInstanceOf(WorldTestError);
    expect(error.variant).toBe("volatile");
    expect(error.seed).toMatch(/^0x[0-9a-f]{16}$/);
    expect(error.message).toMatch(/linearizable violated in \d+ of 30 seeds; first: seed 0x/);
    expect(error.message).toMatch(/fault schedule shrunk from \d+ faults to [1-9]/);
    expect(error.message).toMatch(/MURPHY_SEED=0x[0-9a-f]{16} <this test command>/);
    const [file] = readdirSync(replayDir);
    const replay = readReplayFile(join(replayDir, file!));
    expect(replay).toMatchObject({
      world: "volatile-register",
      variant: "volatile",
      seed: error.seed,
    });
    // The shrunk schedule still fails the same seed, and the empty schedule does not.
    const seed = error.seed!;
    const rerun = await claimsSafe.run({
      seed: Seed.parse(seed),
      variant: "volatile",
      faults: replay.faults,
    });
    expect(rerun.properties.linearizable).toBe("violated");
    const clean = await claimsSafe.run({ seed: Seed.parse(seed), variant: "volatile", faults: [] });
    expect(clean.properties.linearizable).toBe("held");
    expect(readFileSync(join(replayDir, file!), "utf8")).toContain('"format": "murphy-replay/1"');
  });

  it("fails an unsafe variant that never shows its violation", async () => {
    const quiet = defineWorld({
      ...volatileRegisterSpec,
      name: "quiet",
      variants: [{ name: "volatile", expectViolations: true }],
      faults: [],
    });
    await expect(testWorld(quiet, { seeds: 5 })).rejects.toThrow(
      /quiet \(variant volatile\) is expected to show a violation/,
    );
  });

  it("runs only MURPHY_SEED's seed when it is set", async () => {
    vi.stubEnv("MURPHY_SEED", "0x7");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const result = await testWorld(volatileRegister, { variant: "durable", seeds: 500 });
    expect(result.summaries[0]!.seeds).toBe(1);
    expect(Object.keys(result.summaries[0]!.seedHashes)).toEqual(["0x0000000000000007"]);
    expect(log.mock.calls.flat().join("\n")).toMatch(
      /durable seed 0x0000000000000007 \(MURPHY_SEED\)/,
    );
    log.mockRestore();
  });

  it("names the variants when asked for one the world lacks", async () => {
    await expect(testWorld(volatileRegister, { variant: "fast" })).rejects.toThrow(
      /has no variant fast; use one of volatile, durable/,
    );
  });
});
