// Worlds for tests that read the trace: a simulation whose every trace event is kept, parsed, and
// a node that talks to every peer on a fixed beat, so that tests can predict each send by hand.
import type { NodeFactory } from "../src/sim/NodeApi.js";
import type { TraceEvent } from "../src/sim/Trace.js";
import { Simulation } from "../src/world/Simulation.js";
import type { SimulationConfig } from "../src/world/SimulationConfig.js";

export function traced(config: Omit<SimulationConfig, "trace">): {
  sim: Simulation;
  events: TraceEvent[];
} {
  const events: TraceEvent[] = [];
  const sim = new Simulation({
    ...config,
    trace: { sink: (line) => events.push(JSON.parse(line) as TraceEvent) },
  });
  return { sim, events };
}

/** Sends its own id and the round to every peer every `everyMs`, `rounds` times. */
export const chatter =
  (everyMs: number, rounds: number): NodeFactory =>
  (ctx) => {
    let round = 0;
    const tick = (): void => {
      for (const p of ctx.peers) ctx.send(p, { from: ctx.id, round });
      if (++round < rounds) ctx.setTimer(everyMs, tick);
    };
    return { onStart: tick };
  };
