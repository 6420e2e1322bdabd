// The test-runner API: one call inside a vitest (or node:test, or any runner's) test sweeps a world
// over many seeds and throws when a variant does not do what it promises — a variant expected to
// hold violated a property (or left it unknown), or one expected to show a violation never did.
// The error names the first violating seed, shrinks its fault schedule, writes a replay file and
// prints the exact commands that replay it. `MURPHY_SEED=0x… <test command>` reruns one seed (as
// madsim's MADSIM_TEST_SEED does), printing what the checks said about it.

import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MurphyError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { requireInteger } from "../core/validate.js";
import { describeFault } from "../faults/FaultAction.js";
import type { Scenario, ScenarioVariant } from "../scenarios/Scenario.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { loadWorld, worldRef } from "./loadWorld.js";
import { openSweepPool } from "./parallelSweep.js";
import { writeReplayFile } from "./ReplayFile.js";
import { replayCommand, seedSpan } from "./runSweep.js";
import { mergeBlocks, seedBlocks } from "./SeedBlocks.js";
import { shrinkWorld } from "./shrinkWorld.js";
import { addOutcome, emptySummary } from "./SweepSummary.js";

export interface TestWorldOptions {
  /** Seeds per variant (default: the world's default count). */
  seeds?: number;
  /** The first seed (default 0). */
  firstSeed?: number | bigint | string;
  /** Only this variant (default: every variant). */
  variant?: string;
  /** Worker threads (default 1); more need the world given as a file path. */
  workers?: number;
  /** Shrink the first violating seed's fault schedule (default true). */
  shrink?: boolean;
  /** Replays allowed while shrinking (default 200). */
  maxShrinkRuns?: number;
  /** Accept `unknown` verdicts (default false: a check that cannot decide fails the test). */
  allowUnknown?: boolean;
  /** Where replay files go (default: a `murphy-replays` folder in the OS temp directory). */
  replayDir?: string;
}

export interface TestWorldResult {
  world: string;
  summaries: VariantSummary[];
}

/** Thrown by `testWorld` when a variant breaks its promise; the message says how to replay it. */
export class WorldTestError extends MurphyError {
  readonly code = "E_WORLD_TEST";
  readonly definite = true;
  constructor(
    message: string,
    readonly world: string,
    readonly variant: string,
    readonly seed: string | undefined,
  ) {
    super(message);
  }
}

/** Sweeps a world (object, file path or file URL) and throws a `WorldTestError` on a broken promise. */
export async function testWorld(
  world: Scenario | string | URL,
  options: TestWorldOptions = {},
): Promise<TestWorldResult> {
  const w = await resolve(world);
  const variants = w.variants.filter(
    (v) => options.variant === undefined || v.name === options.variant,
  );
  if (variants.length === 0) {
    throw new WorldTestError(
      `${w.name} has no variant ${options.variant}; use one of ${w.variants.map((v) => v.name).join(", ")}`,
      w.name,
      String(options.variant),
      undefined,
    );
  }
  const only = process.env.MURPHY_SEED;
  const summaries: VariantSummary[] = [];
  for (const variant of variants) {
    const summary =
      only !== undefined && only !== ""
        ? await runOneSeed(w, variant, Seed.parse(only))
        : await sweep(w, variant, options);
    summaries.push(summary);
    await judge(w, variant, summary, options);
  }
  return { world: worldRef(w), summaries };
}

async function resolve(world: Scenario | string | URL): Promise<Scenario> {
  if (world instanceof URL) return loadWorld(fileURLToPath(world));
  if (typeof world === "string") return loadWorld(world);
  return world;
}

async function sweep(
  world: Scenario,
  variant: ScenarioVariant,
  options: TestWorldOptions,
): Promise<VariantSummary> {
  const count = requireInteger("testWorld.seeds", options.seeds ?? world.tourSeeds, 1);
  const first = options.firstSeed === undefined ? 0n : Seed.parse(options.firstSeed).toBigInt();
  const workers = requireInteger("testWorld.workers", options.workers ?? 1, 1);
  const blocks = seedBlocks(seedSpan(count, first));
  const pool = openSweepPool({ workers: Math.min(workers, blocks.length) });
  try {
    return mergeBlocks(world.name, variant.name, await pool.run(world, variant.name, blocks));
  } finally {
    await pool.close();
  }
}

async function runOneSeed(
  world: Scenario,
  variant: ScenarioVariant,
  seed: Seed,
): Promise<VariantSummary> {
  const outcome = await world.run({ seed, variant: variant.name });
  const summary = emptySummary(world.name, variant.name);
  addOutcome(summary, outcome);
  console.log(`murphy: ${worldRef(world)} ${variant.name} seed ${seed.toString()} (MURPHY_SEED)`);
  for (const [property, verdict] of Object.entries(outcome.properties)) {
    console.log(`  ${property}: ${verdict}`);
    for (const line of outcome.details?.[property] ?? []) console.log(`    ${line}`);
  }
  return summary;
}

async function judge(
  world: Scenario,
  variant: ScenarioVariant,
  summary: VariantSummary,
  options: TestWorldOptions,
): Promise<void> {
  const entries = Object.entries(summary.properties);
  const where = `${world.name} (variant ${variant.name})`;
  if (variant.expectViolations) {
    if (entries.some(([, p]) => p.violated > 0)) return;
    throw new WorldTestError(
      `${where} is expected to show a violation, but every property held or was unknown in all ` +
        `${summary.seeds} seeds; sweep more seeds, or mark the variant expectViolations: false`,
      world.name,
      variant.name,
      undefined,
    );
  }
  const violated = entries.find(([, p]) => p.violated > 0);
  if (violated !== undefined) {
    const [property, p] = violated;
    const seed = p.violatingSeeds[0]!;
    const head = `${where}: ${property} violated in ${p.violated} of ${summary.seeds} seeds; first: seed ${seed}`;
    throw new WorldTestError(
      [head, ...(await explainSeed(world, variant.name, property, seed, options))].join("\n"),
      world.name,
      variant.name,
      seed,
    );
  }
  const unknown = entries.find(([, p]) => p.unknown > 0);
  if (unknown !== undefined && !options.allowUnknown) {
    throw new WorldTestError(
      `${where}: ${unknown[0]} could not be decided (unknown) in ${unknown[1].unknown} of ` +
        `${summary.seeds} seeds; raise the checker's budget, or pass allowUnknown: true`,
      world.name,
      variant.name,
      undefined,
    );
  }
}

/** The failing seed's details, its shrunk schedule and the commands that replay it. */
async function explainSeed(
  world: Scenario,
  variant: string,
  property: string,
  seedText: string,
  options: TestWorldOptions,
): Promise<string[]> {
  const seed = Seed.parse(seedText);
  const ref = worldRef(world);
  const isFile = ref !== world.name;
  const lines: string[] = [];
  const replays = [`MURPHY_SEED=${seedText} <this test command>`];
  if (isFile) replays.push(`npx ${replayCommand(ref, variant, seedText)}`);
  if (options.shrink !== false && world.faultSchedule !== undefined) {
    const result = await shrinkWorld(world, {
      seed,
      variant,
      property,
      maxRuns: options.maxShrinkRuns ?? 200,
    });
    lines.push(...(result.outcome.details?.[property] ?? []).map((l) => `  ${l}`));
    lines.push(
      `  fault schedule shrunk from ${result.original.length} faults to ${result.shrunk.actions.length}:`,
      ...result.shrunk.actions.map((a) => `    ${a.atMs} ms  ${describeFault(a)}`),
    );
    const dir = options.replayDir ?? join(tmpdir(), "murphy-replays");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${world.name}-${variant}-${seedText}.replay.json`);
    writeReplayFile(file, {
      world: ref,
      variant,
      seed: seedText,
      property,
      faults: result.shrunk.actions,
    });
    if (isFile) replays.push(`npx murphy replay --schedule ${file}`);
    else lines.push(`  shrunk schedule written to ${file}`);
  } else {
    const outcome = await world.run({ seed, variant });
    lines.push(...(outcome.details?.[property] ?? []).map((l) => `  ${l}`));
  }
  lines.push("  replay:", ...replays.map((r) => `    ${r}`));
  return lines;
}
