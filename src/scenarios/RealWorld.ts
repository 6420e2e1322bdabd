// A world run for real (`murphy test`, `murphy cluster`): the same nodes as in the simulator, but
// the servers are OS processes talking TCP, and the clients run inside the harness, recording the
// history on its monotonic clock. A world says which of its nodes are clients (`real.clients`);
// every other node is a server. After the run, the world's own checks judge the recorded history.
// A check that reads the simulation (`result.simulation`) has nothing to read in a real run, and
// one that reads the run's state (`result.state`) would read only the harness's copy — the
// servers reported to their own, in their own processes: such checks are skipped and the summary
// says so, rather than answering on an empty world. (The nodes themselves still get the state.)

import { ConfigError, MurphyError } from "../core/errors.js";
import type { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";
import type { RunResult } from "../sim/RunResult.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import type { HistoryRecorder } from "../workload/HistoryRecorder.js";
import type { History } from "../workload/Operation.js";
import type { NodeSpec } from "../world/SimulationConfig.js";
import { normaliseNodes } from "../world/normaliseNodes.js";
import type { Simulation } from "../world/Simulation.js";
import type { SeedOutcome } from "./Scenario.js";

/** What a world file says about running for real. */
export interface RealWorldSpec {
  /**
   * The clients: run by the harness in its own process, where they record the history. Every
   * other node is a server, started as an OS process of its own.
   */
  clients: readonly string[];
}

/** What a real run recorded, for the world's checks. */
export interface RecordedRun {
  readonly history: History;
  /** The fault schedule the run played (times in ms from its start). */
  readonly faults: readonly FaultAction[];
  /** When the run stopped, on the history's clock (µs). */
  readonly endMicros: number;
}

/** A real run's outcome: the verdicts, and the checks that need the simulation, with why. */
export interface RealOutcome extends SeedOutcome {
  skipped: Record<string, string>;
}

/** One seed and variant of a world, built for a real run. */
export interface RealWorldRun {
  readonly nodes: readonly NodeSpec[];
  /** Records what the clients saw, on the clock given to `build`. */
  readonly history: HistoryRecorder;
  check(recorded: RecordedRun): Promise<RealOutcome>;
}

/** What the real runtime needs of a world; `defineWorld` provides it. */
export interface RealWorld {
  /** The world's `real.clients`, when it says. */
  readonly clients: readonly string[] | undefined;
  build(options: { seed: Seed; variant: string; nowMicros: () => number }): RealWorldRun;
}

/** A check read the simulation, which a real run does not have. */
export class SimulationOnlyError extends MurphyError {
  readonly code = "E_SIMULATION_ONLY";
  readonly definite = true;
  constructor(
    readonly field: string,
    why: string,
  ) {
    super(
      `result.${field} ${why}; a check of a real run may read history, faults, seed, variant ` +
        "and run.endMicros",
    );
  }
}

export function validateRealSpec(field: string, value: unknown): RealWorldSpec {
  const clients = (value as { clients?: unknown } | null)?.clients;
  if (
    typeof value !== "object" ||
    value === null ||
    !Array.isArray(clients) ||
    clients.some((c) => typeof c !== "string")
  ) {
    throw new ConfigError({
      field,
      value,
      expected: "{ clients: [node ids] }",
      fix: 'name the nodes the harness runs, e.g. real: { clients: ["c1", "c2"] }',
    });
  }
  return value as RealWorldSpec;
}

type Figure = ((result: never) => number) | { value: (result: never) => number };

/** The parts of a world spec a real run uses (any `WorldSpec`). */
interface CheckedSpec {
  real?: RealWorldSpec;
  checks: Record<string, (result: never) => unknown>;
  figures?: Record<string, Figure>;
  onEnd?: (result: never) => void;
}

/** What defineWorld's own builder gives for one seed and variant. */
interface Built {
  setup: object;
  nodes: Record<string, NodeFactory> | NodeSpec[];
  history: HistoryRecorder;
}

/**
 * The real-world face of a world defined with `defineWorld`: `build` is its builder with the
 * history on the given clock, `outcome` its way of turning a result into verdicts.
 */
export function realWorld<S extends CheckedSpec>(
  spec: S,
  build: (seed: Seed, variant: string, nowMicros: () => number) => Built,
  outcome: (spec: S, result: never) => Promise<SeedOutcome>,
): RealWorld {
  return {
    clients: spec.real?.clients,
    build({ seed, variant, nowMicros }) {
      const built = build(seed, variant, nowMicros);
      return {
        nodes: normaliseNodes(built.nodes),
        history: built.history,
        async check(recorded) {
          const skipped: Record<string, string> = {};
          const guarded = { ...spec, checks: guard(spec.checks, skipped) };
          if (spec.figures !== undefined) guarded.figures = guardFigures(spec.figures);
          const result = realResult({ ...built.setup, ...recorded }, seed, recorded.endMicros);
          try {
            spec.onEnd?.(result as never);
          } catch (error) {
            if (!isSimulationOnly(error)) throw error;
          }
          const seedOutcome = await outcome(guarded, result as never);
          delete seedOutcome.history; // the caller has it; a saved run keeps it in its own file
          for (const name of Object.keys(skipped)) {
            delete seedOutcome.properties[name];
            delete seedOutcome.details?.[name];
          }
          return { ...seedOutcome, skipped };
        },
      };
    },
  };
}

/** Wraps each check so that reading the simulation skips it (noted in `skipped`). */
function guard<F extends (result: never) => unknown>(
  checks: Record<string, F>,
  skipped: Record<string, string>,
): Record<string, F> {
  const out: Record<string, F> = {};
  for (const [name, check] of Object.entries(checks)) {
    out[name] = (async (result: never) => {
      try {
        return await check(result);
      } catch (error) {
        if (!isSimulationOnly(error)) throw error;
        skipped[name] = error.message;
        return "held"; // a placeholder, removed from the outcome
      }
    }) as unknown as F;
  }
  return out;
}

/** Figures that read the simulation come out as NaN, which summaries leave out. */
function guardFigures(figures: Record<string, Figure>): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  for (const [name, figure] of Object.entries(figures)) {
    const value = typeof figure === "function" ? figure : figure.value;
    const guarded = (result: never) => {
      try {
        return value(result);
      } catch (error) {
        if (isSimulationOnly(error)) return NaN;
        throw error;
      }
    };
    out[name] = typeof figure === "function" ? guarded : { ...figure, value: guarded };
  }
  return out;
}

/** By code, not class: the world may use another copy of murphy (its file imports "murphy"). */
function isSimulationOnly(error: unknown): error is MurphyError {
  return error instanceof Error && (error as { code?: unknown }).code === "E_SIMULATION_ONLY";
}

/** What a real run cannot give a check, and why. */
const SIMULATION_ONLY: Record<string, string> = {
  simulation: "exists only in the simulator",
  state: "is the harness's copy in a real run: servers report to their own, in their own processes",
};

/** A check's result for a real run: the recorded parts, `run.endMicros`, no simulation or state. */
function realResult<T extends object>(
  parts: T,
  seed: Seed,
  endMicros: number,
): T & { simulation: Simulation; run: RunResult } {
  const run: RunResult = {
    seed: seed.toString(),
    endMicros,
    events: 0,
    stopReason: "time-limit",
    traceHash: "",
  };
  const result: Record<string, unknown> = { ...parts, run };
  for (const [field, why] of Object.entries(SIMULATION_ONLY)) {
    delete result[field];
    Object.defineProperty(result, field, {
      enumerable: false,
      get() {
        throw new SimulationOnlyError(field, why);
      },
    });
  }
  return result as T & { simulation: Simulation; run: RunResult };
}
