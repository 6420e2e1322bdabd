// A world to test: a system, a workload, a fault model and the properties to check, in one or more
// variants (for the chapter's scenarios an unsafe one, where the failure happens, and a safe one,
// where the remedy prevents it). One seed of one variant gives one outcome: a verdict per property
// and measured figures. Every murphy command that runs worlds (run, sweeps on workers and shards,
// replay, shrink, the test API) takes anything of this shape: a built-in scenario, or a user's
// world file whose default export is `defineWorld({...})` (see defineWorld.ts).

import type { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";
import type { WorldTraceOptions } from "../world/ClockProbe.js";
import type { History } from "../workload/Operation.js";
import type { RealWorld } from "./RealWorld.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import type { VariantSummary } from "./VariantSummary.js";

export type Verdict = "held" | "violated" | "unknown";

export interface ScenarioVariant {
  name: string;
  description: string;
  /** True for the unsafe variant: violations are what it exists to show. */
  expectViolations: boolean;
  /**
   * Run only when named: left out of the tour and of `--variant both` (e.g. a world's planted
   * bugs, `bug-<name>`, which `--bug <name>` names, or extra fault mixes beside unsafe and safe).
   */
  hidden?: boolean;
}

/** How a figure is summarised over seeds. */
export type FigureKind = "mean" | "sum" | "max" | "min" | "rate";

export interface FigureSpec {
  name: string;
  kind: FigureKind;
  unit?: string;
  description?: string;
}

export interface SeedOutcome {
  seed: string;
  variant: string;
  properties: Record<string, Verdict>;
  figures: Record<string, number>;
  /** Combined hash of every world the seed ran: equal across runs of the same seed. */
  traceHash: string;
  events: number;
  /**
   * Why a property came out as it did, in lines a person reads (e.g. the linearizability
   * checker's counterexample). Shown for single-seed runs and replays; sweeps do not keep it.
   */
  details?: Record<string, string[]>;
  /** What the clients saw, for worlds that record it (a single run's; sweeps do not keep it). */
  history?: History;
}

export interface RunSeedOptions {
  seed: Seed;
  variant: string;
  /** Where to stream each world's trace; `label` names the world within the seed. */
  trace?: (label: string) => WorldTraceOptions | undefined;
  /**
   * Shown what a world of the seed recorded beyond its trace, when it ends: the history its
   * clients saw and each check's raw answer (worlds made with `defineWorld`), or series a scenario
   * measured (e.g. retries per window). For reports; it only observes.
   */
  observe?: (world: ObservedWorld) => void;
  /** Run under this fault schedule instead of the seed's own (shrinking, replay files). */
  faults?: readonly FaultAction[];
  /** Print each `ctx.log` line of the world's nodes as it happens (replays). */
  onLog?: (entry: { node: string; atMs: number; text: string }) => void;
}

/** A count per window of virtual time, from time 0: `values[i]` covers [i, i+1) × windowMs. */
export interface WindowSeries {
  readonly windowMs: number;
  readonly values: readonly number[];
  readonly description?: string;
}

/** What a world recorded besides its trace, handed to `RunSeedOptions.observe`. */
export interface ObservedWorld {
  /** The world's label within the seed, as given to `trace` (e.g. `world/naive`). */
  readonly label: string;
  readonly history?: History;
  /** Each check's answer as the check returned it (a checker's report, a verdict or a boolean). */
  readonly checks?: Readonly<Record<string, unknown>>;
  /** Named series over time, e.g. `calls` and `retries` per 100 ms. */
  readonly series?: Readonly<Record<string, WindowSeries>>;
}

/** The public name of a world to test; the scenarios murphy ships are worlds too. */
export type World = Scenario;

export interface Scenario {
  name: string;
  title: string;
  /** The chapter's claim this scenario demonstrates, in a sentence or two. */
  claim: string;
  variants: readonly ScenarioVariant[];
  properties: readonly string[];
  figures: readonly FigureSpec[];
  /** Seeds per variant in the tour (chosen so the whole tour takes about a minute). */
  tourSeeds: number;
  /** Names of the figures the tour table shows (default: the first two of `figures`). */
  keyFigures?: readonly string[];
  run(options: RunSeedOptions): Promise<SeedOutcome>;
  /**
   * The fault schedule a seed of a variant runs under, for worlds whose faults are data (those
   * defined with `defineWorld`). Shrinking needs it; a world without it cannot be shrunk.
   */
  faultSchedule?(options: { seed: Seed; variant: string }): FaultAction[];
  /**
   * The node factories a seed of a variant runs, by node id, for worlds defined with
   * `defineWorld`: `murphy maelstrom node ./world.ts --node ID` runs one as a Maelstrom process.
   */
  nodeFactories?(options: { seed: Seed; variant: string }): Record<string, NodeFactory>;
  /** Optional scenario-specific lines for the report (e.g. a per-case table). */
  report?(summaries: readonly VariantSummary[]): string[];
  /** How the world runs as real processes (`murphy test`, `murphy cluster`); defineWorld's have it. */
  real?: RealWorld;
}

/** Folds several world hashes into one, order-sensitively. */
export function combineHashes(hashes: readonly string[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x1b873593;
  for (const hash of hashes) {
    for (let i = 0; i < hash.length; i++) {
      h1 = Math.imul(h1 ^ hash.charCodeAt(i), 0x01000193);
      h2 = Math.imul(h2 ^ hash.charCodeAt(i), 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
