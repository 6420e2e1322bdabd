// `defineWorld`: how a user (and murphy itself) describes a world to test, so that every command
// works on it — sweeps over seeds on worker threads and shards, replay with a trace, the
// determinism check, shrinking of a failing fault schedule, and the test-runner API. A world is
// nodes (servers and clients), the rest of the simulation's config, a fault schedule (fixed, or
// drawn per seed), a time limit, and checks over the history its clients recorded.
//
// The history recorder is handed to `nodes` already wired to the simulation's virtual time: a
// client calls `history.invoke(...)` and reports `ok`, `fail` or `info`, nothing else.

import { ConfigError } from "../core/errors.js";
import { Rng, type Seed } from "../core/Rng.js";
import { requireInteger, requireKnownKeys, requirePositive } from "../core/validate.js";
import type { FaultAction } from "../faults/FaultAction.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import type { RunResult } from "../sim/RunResult.js";
import { Simulation } from "../world/Simulation.js";
import type { NodeSpec, SimulationConfig } from "../world/SimulationConfig.js";
import { formatLinearizability } from "../check/formatLinearizability.js";
import type { LinearizabilityResult } from "../check/LinearizabilityResult.js";
import type { CheckReport } from "../check/CheckReport.js";
import { HistoryRecorder } from "../workload/HistoryRecorder.js";
import type { History } from "../workload/Operation.js";
import type {
  FigureSpec,
  RunSeedOptions,
  Scenario,
  ScenarioVariant,
  SeedOutcome,
  Verdict,
} from "./Scenario.js";

/** What `nodes`, `simulation` and `faults` are given for one seed of one variant. */
export interface WorldSetup<N = unknown> {
  readonly seed: Seed;
  readonly variant: string;
  /** Records what clients saw, timed by the simulation's virtual clock. */
  readonly history: HistoryRecorder;
  /** This run's notes (see `WorldSpec.notes`): what the world's nodes observed, for its checks. */
  readonly notes: N;
  /** An independent random stream for the world's own draws, one per label. */
  random(label: string): Rng;
}

/** `faults` is also told the node ids and how long the world runs. */
export interface WorldFaultSetup<N = unknown> extends WorldSetup<N> {
  readonly nodeIds: readonly string[];
  readonly runForMs: number;
}

/** What a check sees after the run. */
export interface WorldResult<N = unknown> {
  readonly seed: Seed;
  readonly variant: string;
  readonly history: History;
  /** The notes the world's nodes kept during this run. */
  readonly notes: N;
  /** The simulation after the run: storage, clocks and liveness of its nodes. */
  readonly simulation: Simulation;
  readonly run: RunResult;
  readonly faults: readonly FaultAction[];
}

/**
 * A check's answer: any of murphy's checker reports (`checkLinearizability`, `checkFencing`, …,
 * whose `verdict` is ok, illegal or unknown), a verdict (`held`, `violated`, `unknown`), or a
 * boolean (true = held).
 */
export type CheckOutcome =
  | Verdict
  | boolean
  | LinearizabilityResult
  | CheckReport
  | { readonly verdict: "ok" | "illegal" | "unknown" };

export type WorldCheck<N = unknown> = (
  result: WorldResult<N>,
) => CheckOutcome | Promise<CheckOutcome>;

/** The simulation's config other than what the world gives itself (seed, nodes, faults, trace). */
export type WorldSimulationConfig = Omit<SimulationConfig, "seed" | "nodes" | "faults" | "trace">;

export interface WorldVariantSpec {
  name: string;
  description?: string;
  /** True when violations are what the variant exists to show (an unsafe variant). */
  expectViolations?: boolean;
  /**
   * Run only when named (`--variant NAME`, `--bug NAME`, `--variant all`): left out of the tour
   * and of `--variant both`. For extra fault mixes or planted bugs beside unsafe and safe.
   */
  hidden?: boolean;
}

export interface WorldSpec<N = undefined> {
  /** Letters, digits and dashes, e.g. `primary-backup`; commands and reports name the world by it. */
  name: string;
  title?: string;
  /** What the world demonstrates or what its system promises, in a sentence. */
  claim?: string;
  /** Default: one variant, `default`, expected to hold. */
  variants?: readonly WorldVariantSpec[];
  /**
   * A fresh record for each run, shared by the world's nodes (through `setup.notes`) and its
   * checks (through `result.notes`): e.g. what each server applied, for a check over replicas.
   */
  notes?: () => N;
  /** The world's nodes, clients included: a record of factories or a list of node specs. */
  nodes(setup: WorldSetup<N>): Record<string, NodeFactory> | NodeSpec[];
  /** Network, timing model, clocks, storage, limits: fixed, or per seed and variant. */
  simulation?: WorldSimulationConfig | ((setup: WorldSetup<N>) => WorldSimulationConfig);
  /**
   * The fault schedule: fixed, or drawn per seed (e.g. `randomFaultSchedule(random("faults"),
   * { nodes: nodeIds, durationMs: runForMs }).actions`). Faults are data, so a failing seed's
   * schedule can be shrunk and replayed.
   */
  faults?: readonly FaultAction[] | ((setup: WorldFaultSetup<N>) => readonly FaultAction[]);
  /** Virtual time the world runs for. */
  runForMs: number;
  /** Named properties, each checked on every run. */
  checks: Record<string, WorldCheck<N>>;
  /** Numbers measured per run, summarised over seeds as means. */
  figures?: Record<string, (result: WorldResult<N>) => number>;
  /** Seeds per variant when the world is swept without `--seeds` (default 100). */
  defaultSeeds?: number;
  /** The figures the tour's table shows (default: the first two: operations and ok). */
  keyFigures?: readonly string[];
  /** Bound on the recorded history (default 100,000 operations). */
  maxOperations?: number;
}

const WORLD_SPEC_KEYS: readonly (keyof WorldSpec)[] = [
  "name",
  "title",
  "claim",
  "variants",
  "notes",
  "nodes",
  "simulation",
  "faults",
  "runForMs",
  "checks",
  "figures",
  "defaultSeeds",
  "keyFigures",
  "maxOperations",
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Defines a world to test; `export default defineWorld({...})` makes a file every command runs. */
export function defineWorld<N = undefined>(spec: WorldSpec<N>): Scenario {
  const s = validateSpec(spec);
  const variants: ScenarioVariant[] = (s.variants ?? [{ name: "default" }]).map((v, i) => ({
    name: requireName(`variants[${i}].name`, v.name),
    description: v.description ?? v.name,
    expectViolations: v.expectViolations ?? false,
    ...(v.hidden === true ? { hidden: true } : {}),
  }));
  const properties = Object.keys(s.checks);
  const figures: FigureSpec[] = [
    { name: "operations", kind: "mean", description: "operations recorded per run" },
    { name: "ok", kind: "mean", description: "operations that completed ok" },
    { name: "info", kind: "mean", description: "operations with unknown outcome (info)" },
    ...Object.keys(s.figures ?? {}).map((name): FigureSpec => ({ name, kind: "mean" })),
  ];
  (s.keyFigures ?? []).forEach((name, i) => {
    if (!figures.some((f) => f.name === name)) {
      throw new ConfigError({
        field: `${s.name}.keyFigures[${i}]`,
        value: name,
        expected: "the name of one of the world's figures",
        fix: `use one of ${figures.map((f) => f.name).join(", ")}`,
      });
    }
  });
  const requireKnownVariant = (variant: string) => {
    if (!variants.some((v) => v.name === variant)) {
      throw new ConfigError({
        field: "variant",
        value: variant,
        expected: `a variant of ${s.name}`,
        fix: `use one of ${variants.map((v) => v.name).join(", ")}`,
      });
    }
  };
  const build = (seed: Seed, variant: string) => {
    requireKnownVariant(variant);
    const clock: { sim?: Simulation } = {};
    const history = new HistoryRecorder({
      nowMicros: () => clock.sim?.now ?? 0,
      maxOperations: s.maxOperations ?? 100_000,
    });
    const root = Rng.fromSeed(seed).derive(`world/${s.name}/${variant}`);
    const notes = (s.notes?.() ?? undefined) as N;
    const setup: WorldSetup<N> = {
      seed,
      variant,
      history,
      notes,
      random: (label) => root.derive(label),
    };
    const nodes = s.nodes(setup);
    const nodeIds = Array.isArray(nodes) ? nodes.map((n) => n.id) : Object.keys(nodes);
    return { setup, nodes, nodeIds, history, clock };
  };
  const scheduleOf = (setup: WorldSetup<N>, nodeIds: readonly string[]): FaultAction[] => {
    const faults =
      typeof s.faults === "function"
        ? s.faults({ ...setup, nodeIds, runForMs: s.runForMs })
        : (s.faults ?? []);
    if (!Array.isArray(faults)) {
      throw new ConfigError({
        field: `${s.name}.faults`,
        value: faults,
        expected: "an array of fault actions",
        fix: "return e.g. randomFaultSchedule(random('faults'), {...}).actions",
      });
    }
    return structuredClone(faults as FaultAction[]);
  };
  return {
    name: s.name,
    title: s.title ?? s.name,
    claim: s.claim ?? "",
    variants,
    properties,
    figures,
    tourSeeds: s.defaultSeeds ?? 100,
    ...(s.keyFigures === undefined ? {} : { keyFigures: [...s.keyFigures] }),
    faultSchedule({ seed, variant }) {
      const { setup, nodeIds } = build(seed, variant);
      return scheduleOf(setup, nodeIds);
    },
    async run(options: RunSeedOptions): Promise<SeedOutcome> {
      const { seed, variant } = options;
      const { setup, nodes, nodeIds, history, clock } = build(seed, variant);
      const faults =
        options.faults !== undefined
          ? structuredClone(options.faults as FaultAction[])
          : scheduleOf(setup, nodeIds);
      const config = typeof s.simulation === "function" ? s.simulation(setup) : s.simulation;
      const trace = options.trace?.(`world/${variant}`);
      const sim = new Simulation({
        ...config,
        seed,
        nodes,
        faults,
        ...(trace === undefined ? {} : { trace }),
      });
      clock.sim = sim;
      const run = await sim.run({ untilMs: s.runForMs });
      const result: WorldResult<N> = {
        seed,
        variant,
        history: history.history(),
        notes: setup.notes,
        simulation: sim,
        run,
        faults,
      };
      return outcomeOf(s, result);
    },
  };
}

async function outcomeOf<N>(spec: WorldSpec<N>, result: WorldResult<N>): Promise<SeedOutcome> {
  const properties: Record<string, Verdict> = {};
  const details: Record<string, string[]> = {};
  for (const [name, check] of Object.entries(spec.checks)) {
    const answer = await check(result);
    properties[name] = verdictOf(spec.name, name, answer);
    const lines = explain(answer);
    if (lines.length > 0 && properties[name] !== "held") details[name] = lines;
  }
  const ops = result.history;
  const figures: Record<string, number> = {
    operations: ops.length,
    ok: ops.filter((op) => op.status === "ok").length,
    info: ops.filter((op) => op.status === "info").length,
  };
  for (const [name, figure] of Object.entries(spec.figures ?? {})) figures[name] = figure(result);
  return {
    seed: result.seed.toString(),
    variant: result.variant,
    properties,
    figures,
    traceHash: result.run.traceHash,
    events: result.run.events,
    details,
  };
}

function verdictOf(world: string, check: string, answer: unknown): Verdict {
  if (answer === true || answer === "held") return "held";
  if (answer === false || answer === "violated") return "violated";
  if (answer === "unknown") return "unknown";
  if (typeof answer === "object" && answer !== null && "verdict" in answer) {
    const verdict = (answer as { verdict: unknown }).verdict;
    if (verdict === "ok") return "held";
    if (verdict === "illegal") return "violated";
    if (verdict === "unknown") return "unknown";
  }
  throw new ConfigError({
    field: `${world}.checks.${check}`,
    value: answer,
    expected: "a checker's report ({ verdict: ok | illegal | unknown }), a verdict or a boolean",
    fix: "return e.g. checkLinearizability(history, registerModel), or true when the property held",
  });
}

/** A checker's own words for a person: the counterexample of a linearizability check, etc. */
function explain(answer: unknown): string[] {
  if (typeof answer !== "object" || answer === null || !("verdict" in answer)) return [];
  if ("model" in answer && "stats" in answer) {
    return formatLinearizability(answer as LinearizabilityResult)
      .trimEnd()
      .split("\n");
  }
  if ("summary" in answer && "violations" in answer) {
    const report = answer as CheckReport;
    return [report.summary, ...report.violations.slice(0, 10).map((v) => `  ${v.message}`)];
  }
  return [];
}

function validateSpec<N>(spec: WorldSpec<N>): WorldSpec<N> {
  if (typeof spec !== "object" || spec === null) {
    throw new ConfigError({
      field: "defineWorld",
      value: spec,
      expected: "an object with name, nodes, runForMs and checks",
      fix: "call defineWorld({ name, nodes, runForMs, checks })",
    });
  }
  requireName("name", spec.name);
  requireKnownKeys("", spec, WORLD_SPEC_KEYS);
  const field = (key: string) => `${spec.name}.${key}`;
  if (typeof spec.nodes !== "function") {
    throw new ConfigError({
      field: field("nodes"),
      value: spec.nodes,
      expected: "a function of the setup returning the node factories",
      fix: "write nodes: ({ history }) => ({ n1: server, c1: client(history) })",
    });
  }
  requirePositive(field("runForMs"), spec.runForMs);
  if (typeof spec.checks !== "object" || spec.checks === null) {
    throw new ConfigError({
      field: field("checks"),
      value: spec.checks,
      expected: "an object of named checks",
      fix: "write checks: { linearizable: ({ history }) => checkLinearizability(history, registerModel) }",
    });
  }
  for (const [name, check] of Object.entries(spec.checks)) {
    requireName(field(`checks.${name}`), name);
    if (typeof check !== "function") {
      throw new ConfigError({
        field: field(`checks.${name}`),
        value: check,
        expected: "a function of the run's result",
        fix: "write e.g. ({ history }) => checkLinearizability(history, registerModel)",
      });
    }
  }
  if (spec.defaultSeeds !== undefined) requireInteger(field("defaultSeeds"), spec.defaultSeeds, 1);
  if (spec.maxOperations !== undefined)
    requireInteger(field("maxOperations"), spec.maxOperations, 1);
  return spec;
}

function requireName(field: string, value: unknown): string {
  if (typeof value !== "string" || !NAME.test(value)) {
    throw new ConfigError({
      field,
      value,
      expected: "letters, digits, dashes and underscores, starting with a letter or digit",
      fix: 'name it like "primary-backup"',
    });
  }
  return value;
}
