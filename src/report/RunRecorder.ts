// Records one seed of a world for a report: each world's trace events (from the trace sink the
// world already streams to), samples of its nodes' clocks (read through the Simulation's clock
// probe as the trace goes by, which changes nothing in the run), and what the world handed to
// `observe` when it ended: its history, its checks' answers and any series it measured. The trace
// and its hash are exactly those of a run without a recorder.

import type { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";
import type {
  ObservedWorld,
  RunSeedOptions,
  Scenario,
  SeedOutcome,
} from "../scenarios/Scenario.js";
import type { TraceEvent } from "../sim/Trace.js";
import type { ClockProbe, WorldTraceOptions } from "../world/ClockProbe.js";
import type { History } from "../workload/Operation.js";
import type { WindowSeries } from "../scenarios/Scenario.js";

/** Clock readings of every node at the same instants: wall clock minus true time. */
export interface ClockSamples {
  tMicros: number[];
  /** `offsetMicros[node][i]` at `tMicros[i]`. */
  offsetMicros: number[][];
  /** TrueTime interval as offsets from true time, for nodes that read it (else absent). */
  trueTime?: { node: number; earliestMicros: number[]; latestMicros: number[] }[];
}

/** One world of the seed, as a report needs it. */
export interface RecordedWorld {
  label: string;
  /** Every node of the world, in its order (lanes); a trace may not mention them all. */
  nodes: string[];
  events: TraceEvent[];
  clocks?: ClockSamples;
  history?: History;
  checks?: Readonly<Record<string, unknown>>;
  series?: Readonly<Record<string, WindowSeries>>;
  /** Virtual time when the world's last run stopped (it may be after its last trace event). */
  endMicros?: number;
}

/** The minimum gap between clock samples, in virtual microseconds. */
const CLOCK_SAMPLE_GAP_MICROS = 1_000;

export class RunRecorder {
  readonly worlds: RecordedWorld[] = [];
  private readonly byLabel = new Map<string, RecordedWorld>();

  /**
   * Trace options for a world of the seed; `sink` also gets every line (e.g. for a trace file).
   * A world is added when its trace first produces something, so options asked for and not used
   * leave nothing behind.
   */
  traceOptions(label: string, sink?: (line: string) => void): WorldTraceOptions {
    let world: RecordedWorld | undefined;
    let sampler: ClockSampler | undefined;
    const open = (): RecordedWorld => {
      world ??= this.open(label);
      return world;
    };
    return {
      sink: (line) => {
        sink?.(line);
        const event = JSON.parse(line) as TraceEvent;
        open().events.push(event);
        sampler?.sample(event);
      },
      clocks: (probe) => {
        const w = open();
        w.nodes = [...probe.nodeIds];
        const clocks = new ClockSampler(probe);
        sampler = clocks;
        w.clocks = clocks.samples;
        probe.onRunEnd(() => {
          w.endMicros = probe.nowMicros();
          clocks.sample(undefined);
        });
      },
    };
  }

  /** The `observe` hook of RunSeedOptions. */
  readonly observe = (observed: ObservedWorld): void => {
    const world = this.byLabel.get(observed.label) ?? this.open(observed.label);
    if (observed.history !== undefined) world.history = observed.history;
    if (observed.checks !== undefined) world.checks = observed.checks;
    if (observed.series !== undefined) world.series = observed.series;
  };

  private open(label: string): RecordedWorld {
    const world: RecordedWorld = { label, nodes: [], events: [] };
    this.worlds.push(world);
    this.byLabel.set(label, world);
    return world;
  }

  /** The worlds, each with its lanes: the probe's nodes, else the nodes its trace names. */
  finish(): RecordedWorld[] {
    for (const world of this.worlds) {
      if (world.nodes.length === 0) world.nodes = nodesOfTrace(world.events);
      world.clocks?.trueTime?.sort((a, b) => a.node - b.node);
    }
    return this.worlds;
  }
}

/** Samples every clock at most once per CLOCK_SAMPLE_GAP_MICROS, and at every clock event. */
class ClockSampler {
  readonly samples: ClockSamples;
  private lastMicros = -Infinity;
  private readonly trueTimeOf = new Map<number, NonNullable<ClockSamples["trueTime"]>[number]>();

  constructor(private readonly probe: ClockProbe) {
    this.samples = { tMicros: [], offsetMicros: probe.nodeIds.map(() => []) };
  }

  /** Samples now if due; always at a clock event and at the end of a run (no event). */
  sample(event: TraceEvent | undefined): void {
    const now = this.probe.nowMicros();
    const forced = event === undefined || event.kind === "clock";
    // A forced sample at the instant of the last one is kept: it draws a step as a vertical line.
    if (!forced && now - this.lastMicros < CLOCK_SAMPLE_GAP_MICROS) return;
    this.lastMicros = now;
    this.samples.tMicros.push(now);
    this.probe.nodeIds.forEach((_, i) => {
      this.samples.offsetMicros[i]!.push(this.probe.offsetMicros(i));
      if (this.probe.trueTimeReads(i) === 0) return;
      let tt = this.trueTimeOf.get(i);
      if (tt === undefined) {
        // Filled back to the first sample: the interval existed before the node first read it.
        tt = { node: i, earliestMicros: [], latestMicros: [] };
        this.trueTimeOf.set(i, tt);
        (this.samples.trueTime ??= []).push(tt);
      }
      const [earliest, latest] = this.probe.trueTimeOffsets(i);
      while (tt.earliestMicros.length < this.samples.tMicros.length - 1) {
        tt.earliestMicros.push(earliest);
        tt.latestMicros.push(latest);
      }
      tt.earliestMicros.push(earliest);
      tt.latestMicros.push(latest);
    });
  }
}

function nodesOfTrace(events: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  for (const e of events) {
    if (e.node !== "world") seen.add(e.node);
    if (e.peer !== undefined) seen.add(e.peer);
  }
  return [...seen];
}

export interface RecordRunOptions {
  /** A fault schedule replacing the seed's own (replay files). */
  faults?: readonly FaultAction[] | undefined;
  onLog?: RunSeedOptions["onLog"];
  /** Also hands each world's trace lines here, with the world's label (e.g. a trace file). */
  traceSink?: (label: string) => (line: string) => void;
}

/** Runs one seed of one variant with a recorder attached; the outcome is the run's own. */
export async function recordRun(
  scenario: Scenario,
  variant: string,
  seed: Seed,
  options: RecordRunOptions = {},
): Promise<{ outcome: SeedOutcome; worlds: RecordedWorld[] }> {
  const recorder = new RunRecorder();
  const run: RunSeedOptions = {
    seed,
    variant,
    trace: (label) => recorder.traceOptions(label, options.traceSink?.(label)),
    observe: recorder.observe,
  };
  if (options.faults !== undefined) run.faults = options.faults;
  if (options.onLog !== undefined) run.onLog = options.onLog;
  const outcome = await scenario.run(run);
  return { outcome, worlds: recorder.finish() };
}
