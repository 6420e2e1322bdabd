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
import { realWorld, validateRealSpec, type RealWorldSpec } from "./RealWorld.js";
import type { VariantSummary } from "./VariantSummary.js";
import type {
  FigureKind,
  FigureSpec,
  RunSeedOptions,
  Scenario,
  ScenarioVariant,
  SeedOutcome,
  Verdict,
} from "./Scenario.js";

/** What `state`, `nodes`, `simulation` and `faults` are given for one seed of one variant. */
export interface WorldSetup {
  readonly seed: Seed;
  readonly variant: string;
  /** Records what clients saw, timed by the simulation's virtual clock. */
  readonly history: HistoryRecorder;
  /** An independent random stream for the world's own draws, one per label. */
  random(label: string): Rng;
  /** Virtual time now, in ms (0 until the run starts): for observers the nodes report to. */
  nowMs(): number;
}

/** `nodes` also gets the run's own state (see `WorldSpec.state`). */
export interface WorldNodeSetup<S> extends WorldSetup {
  readonly state: S;
}

/** `faults` is also told the node ids and how long the world runs. */
export interface WorldFaultSetup extends WorldSetup {
  readonly nodeIds: readonly string[];
  readonly runForMs: number;
}

/** What a check sees after the run. */
export interface WorldResult<S = unknown> {
  readonly seed: Seed;
  readonly variant: string;
  readonly history: History;
  /** The simulation after the run: storage, clocks and liveness of its nodes. */
  readonly simulation: Simulation;
  readonly run: RunResult;
  readonly faults: readonly FaultAction[];
  /** The run's own state, as `WorldSpec.state` made it. */
  readonly state: S;
}

/** A figure with how it is summarised over seeds (default: the mean). */
export interface WorldFigure<S = unknown> {
  value: (result: WorldResult<S>) => number;
  kind?: FigureKind;
  unit?: string;
  description?: string;
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

export type WorldCheck<S = unknown> = (
  result: WorldResult<S>,
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

export interface WorldSpec<S = undefined> {
  /** Letters, digits and dashes, e.g. `primary-backup`; commands and reports name the world by it. */
  name: string;
  title?: string;
  /** What the world demonstrates or what its system promises, in a sentence. */
  claim?: string;
  /** Default: one variant, `default`, expected to hold. */
  variants?: readonly WorldVariantSpec[];
  /**
   * State of one run that nodes, checks and figures share (e.g. an observer the nodes report to),
   * made before the nodes.
   */
  state?: (setup: WorldSetup) => S;
  /** The world's nodes, clients included: a record of factories or a list of node specs. */
  nodes(setup: WorldNodeSetup<S>): Record<string, NodeFactory> | NodeSpec[];
  /** Network, timing model, clocks, storage, limits: fixed, or per seed and variant. */
  simulation?: WorldSimulationConfig | ((setup: WorldSetup) => WorldSimulationConfig);
  /**
   * The fault schedule: fixed, or drawn per seed (e.g. `randomFaultSchedule(random("faults"),
   * { nodes: nodeIds, durationMs: runForMs }).actions`). Faults are data, so a failing seed's
   * schedule can be shrunk and replayed.
   */
  faults?: readonly FaultAction[] | ((setup: WorldFaultSetup) => readonly FaultAction[]);
  /** Virtual time the world runs for: fixed, or per seed and variant. */
  runForMs: number | ((setup: WorldSetup) => number);
  /** Called once the run has stopped, before the checks (e.g. to close an observer's books). */
  onEnd?: (result: WorldResult<S>) => void;
  /** Named properties, each checked on every run. */
  checks: Record<string, WorldCheck<S>>;
  /**
   * Numbers measured per run: a function (summarised as a mean) or a figure with its kind. Without
   * it a world reports its history's operations and how many ended ok and info.
   */
  figures?: Record<string, ((result: WorldResult<S>) => number) | WorldFigure<S>>;
  /** Lines of the world's own for a sweep's report (e.g. a table across variants). */
  report?: (summaries: readonly VariantSummary[]) => string[];
  /** Seeds per variant when the world is swept without `--seeds` (default 100). */
  defaultSeeds?: number;
  /** The figures the tour's table shows (default: the first two: operations and ok). */
  keyFigures?: readonly string[];
  /** Bound on the recorded history (default 100,000 operations). */
  maxOperations?: number;
  /**
   * For `murphy test` and `murphy cluster`: which nodes are clients (run by the harness, which
   * records their history); every other node runs as an OS process. The simulator ignores it.
   */
  real?: RealWorldSpec;
}

const HISTORY_FIGURES: readonly FigureSpec[] = [
  { name: "operations", kind: "mean", description: "operations recorded per run" },
  { name: "ok", kind: "mean", description: "operations that completed ok" },
  { name: "info", kind: "mean", description: "operations with unknown outcome (info)" },
];

const WORLD_SPEC_KEYS: readonly (keyof WorldSpec)[] = [
  "name",
  "title",
  "claim",
  "variants",
  "nodes",
  "simulation",
  "faults",
  "runForMs",
  "state",
  "onEnd",
  "checks",
  "figures",
  "report",
  "defaultSeeds",
  "keyFigures",
  "maxOperations",
  "real",
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Defines a world to test; `export default defineWorld({...})` makes a file every command runs. */
export function defineWorld<S = undefined>(spec: WorldSpec<S>): Scenario {
  const s = validateSpec(spec);
  const variants: ScenarioVariant[] = (s.variants ?? [{ name: "default" }]).map((v, i) => ({
    name: requireName(`variants[${i}].name`, v.name),
    description: v.description ?? v.name,
    expectViolations: v.expectViolations ?? false,
    ...(v.hidden === true ? { hidden: true } : {}),
  }));
  const properties = Object.keys(s.checks);
  // A world that names no figures gets the history's own: operations, and how they ended.
  const figures: FigureSpec[] = [
    ...(s.figures === undefined ? HISTORY_FIGURES : []),
    ...Object.entries(s.figures ?? {}).map(([name, f]): FigureSpec => {
      if (typeof f === "function") return { name, kind: "mean" };
      const spec: FigureSpec = { name, kind: f.kind ?? "mean" };
      if (f.unit !== undefined) spec.unit = f.unit;
      if (f.description !== undefined) spec.description = f.description;
      return spec;
    }),
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
    const clock: { sim?: Simulation; real?: () => number } = {};
    const history = new HistoryRecorder({
      nowMicros: () => clock.real?.() ?? clock.sim?.now ?? 0,
      maxOperations: s.maxOperations ?? 100_000,
    });
    const root = Rng.fromSeed(seed).derive(`world/${s.name}/${variant}`);
    const setup: WorldSetup = {
      seed,
      variant,
      history,
      random: (label) => root.derive(label),
      nowMs: () => (clock.real?.() ?? clock.sim?.now ?? 0) / 1000,
    };
    const state = s.state === undefined ? (undefined as S) : s.state(setup);
    const nodes = s.nodes({ ...setup, state });
    const nodeIds = Array.isArray(nodes) ? nodes.map((n) => n.id) : Object.keys(nodes);
    return { setup, state, nodes, nodeIds, history, clock };
  };
  const runForMsOf = (setup: WorldSetup): number =>
    typeof s.runForMs === "function"
      ? requirePositive(`${s.name}.runForMs()`, s.runForMs(setup))
      : s.runForMs;
  const scheduleOf = (setup: WorldSetup, nodeIds: readonly string[]): FaultAction[] => {
    const faults =
      typeof s.faults === "function"
        ? s.faults({ ...setup, nodeIds, runForMs: runForMsOf(setup) })
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
    ...(s.report === undefined ? {} : { report: s.report }),
    ...(s.keyFigures === undefined ? {} : { keyFigures: [...s.keyFigures] }),
    faultSchedule({ seed, variant }) {
      const { setup, nodeIds } = build(seed, variant);
      return scheduleOf(setup, nodeIds);
    },
    nodeFactories({ seed, variant }) {
      const { nodes } = build(seed, variant);
      return Array.isArray(nodes)
        ? Object.fromEntries(nodes.map((n) => [n.id, n.factory]))
        : { ...nodes };
    },
    async run(options: RunSeedOptions): Promise<SeedOutcome> {
      const { seed, variant } = options;
      const { setup, state, nodes, nodeIds, history, clock } = build(seed, variant);
      const faults =
        options.faults !== undefined
          ? structuredClone(options.faults as FaultAction[])
          : scheduleOf(setup, nodeIds);
      const config = typeof s.simulation === "function" ? s.simulation(setup) : s.simulation;
      const label = `world/${variant}`;
      const trace = options.trace?.(label);
      const sim = new Simulation({
        ...config,
        seed,
        nodes,
        faults,
        ...(trace === undefined ? {} : { trace }),
        ...(options.onLog === undefined ? {} : { onLog: options.onLog }),
      });
      clock.sim = sim;
      const run = await sim.run({ untilMs: runForMsOf(setup) });
      const result: WorldResult<S> = {
        seed,
        variant,
        history: history.history(),
        simulation: sim,
        run,
        faults,
        state,
      };
      s.onEnd?.(result);
      return outcomeOf(s, result, (checks) =>
        options.observe?.({ label, history: result.history, checks }),
      );
    },
    real: realWorld(
      s,
      (seed, variant, nowMicros) => {
        const built = build(seed, variant);
        built.clock.real = nowMicros;
        return built;
      },
      (spec, result) => outcomeOf(spec, result, () => {}),
    ),
  };
}

async function outcomeOf<S>(
  spec: WorldSpec<S>,
  result: WorldResult<S>,
  observe: (checks: Record<string, CheckOutcome>) => void,
): Promise<SeedOutcome> {
  const properties: Record<string, Verdict> = {};
  const details: Record<string, string[]> = {};
  const answers: Record<string, CheckOutcome> = {};
  for (const [name, check] of Object.entries(spec.checks)) {
    const answer = await check(result);
    answers[name] = answer;
    properties[name] = verdictOf(spec.name, name, answer);
    const lines = explain(answer);
    if (lines.length > 0 && properties[name] !== "held") details[name] = lines;
  }
  const ops = result.history;
  const figures: Record<string, number> =
    spec.figures === undefined
      ? {
          operations: ops.length,
          ok: ops.filter((op) => op.status === "ok").length,
          info: ops.filter((op) => op.status === "info").length,
        }
      : {};
  for (const [name, figure] of Object.entries(spec.figures ?? {})) {
    figures[name] = typeof figure === "function" ? figure(result) : figure.value(result);
  }
  observe(answers);
  return {
    seed: result.seed.toString(),
    variant: result.variant,
    properties,
    figures,
    traceHash: result.run.traceHash,
    events: result.run.events,
    details,
    history: result.history,
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

function validateSpec<S>(spec: WorldSpec<S>): WorldSpec<S> {
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
  if (typeof spec.runForMs !== "function") requirePositive(field("runForMs"), spec.runForMs);
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
  if (spec.real !== undefined) validateRealSpec(field("real"), spec.real);
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
