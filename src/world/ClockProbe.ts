// What an observer of a run (a report) may read of the world's clocks while it runs: each node's
// wall clock minus true time, and its TrueTime interval, at the current virtual time. Reading
// changes nothing: no event is scheduled and no random draw is made, so the run and its trace are
// the same whether it is observed or not.

import type { TraceOptions } from "../sim/Trace.js";

export interface ClockProbe {
  readonly nodeIds: readonly string[];
  /** Virtual (true) time now, in microseconds. */
  nowMicros(): number;
  /** Node `index`'s wall clock minus true wall time now, in microseconds. */
  offsetMicros(index: number): number;
  /** Node `index`'s TrueTime interval now, as offsets from true wall time, in microseconds. */
  trueTimeOffsets(index: number): readonly [earliestMicros: number, latestMicros: number];
  /** How often node `index` read its TrueTime interval so far. */
  trueTimeReads(index: number): number;
  /** Calls `listener` each time a `run` of the simulation returns (virtual time is then its end). */
  onRunEnd(listener: () => void): void;
}

/** Trace options a world passes through to its Simulation, with a hook for clock observers. */
export interface WorldTraceOptions extends TraceOptions {
  /** Called once, when the simulation is built, with a probe of its clocks. */
  clocks?: (probe: ClockProbe) => void;
}
