// A Maelstrom test of a TypeScript node inside murphy's simulator: the node (any NodeFactory,
// wrapped by the same Maelstrom adapter a real process uses) runs as n0 … n(N-1) beside the
// harness's controller, clients and services, all on virtual time, with every message through the
// network model and the nemesis applied by the kernel (pause parks a node's events, kill crashes
// it and restarts it from scratch). Same seed, same options ⇒ the same trace, byte for byte.

import type { FaultAction } from "../../faults/FaultAction.js";
import type { LinkOverride } from "../../net/Network.js";
import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import type { TraceOptions } from "../../sim/Trace.js";
import { Rng } from "../../core/Rng.js";
import { Simulation } from "../../world/Simulation.js";
import { maelstromNode } from "../adapter/maelstromNode.js";
import { MaelstromHarness } from "../harness/Harness.js";
import { nodeIdsOf, type MaelstromTestOptions } from "../harness/MaelstromOptions.js";
import { summarize, type MaelstromOutcome } from "../harness/MaelstromOutcome.js";
import { NetStats } from "../harness/NetStats.js";
import { nemesisSchedule, type NemesisEpisode } from "../harness/nemesis.js";
import { WORKLOADS } from "../workloads/index.js";

/** The simulation runs in slices of this much virtual time, checking between them for the end. */
const RUN_SLICE_MS = 100;

export interface SimulatedTestOptions {
  /** Run under this schedule instead of the seed's nemesis (a replayed or shrunk one). */
  readonly faults?: readonly FaultAction[];
  readonly trace?: TraceOptions;
  /**
   * `murphy` (default): the node is a murphy NodeFactory, wrapped in the Maelstrom adapter (which
   * answers init). `maelstrom`: it speaks the protocol itself, init included, on `ctx.send`.
   */
  readonly protocol?: "murphy" | "maelstrom";
}

/** The faults of a test: the nemesis drawn from the seed, or the schedule given. */
export function testFaults(
  options: MaelstromTestOptions,
  given: readonly FaultAction[] | undefined,
): { actions: FaultAction[]; episodes: NemesisEpisode[] } {
  if (given !== undefined) return { actions: structuredClone([...given]), episodes: [] };
  return nemesisSchedule(Rng.fromSeed(options.seed).derive("maelstrom/nemesis"), {
    kinds: options.nemesis,
    nodes: nodeIdsOf(options.nodeCount),
    fromMs: Math.min(500, options.timeLimitMs / 10),
    untilMs: options.timeLimitMs,
    intervalMs: options.nemesisIntervalMs,
  });
}

/** Loss and duplication apply between nodes only: clients and services keep reliable links. */
export function serverLinks(options: MaelstromTestOptions): LinkOverride[] {
  if (options.lossProbability === 0 && options.duplicateProbability === 0) return [];
  const nodes = nodeIdsOf(options.nodeCount);
  return nodes.flatMap((from) =>
    nodes
      .filter((to) => to !== from)
      .map((to) => ({
        from,
        to,
        lossProbability: options.lossProbability,
        duplicateProbability: options.duplicateProbability,
      })),
  );
}

export async function runSimulatedTest(
  options: MaelstromTestOptions,
  node: NodeFactory,
  extra: SimulatedTestOptions = {},
): Promise<MaelstromOutcome> {
  const { actions, episodes } = testFaults(options, extra.faults);
  const stats = new NetStats();
  const clock: { sim?: Simulation } = {};
  const harness = new MaelstromHarness({
    options,
    workload: WORKLOADS[options.workload],
    faults: actions,
    nowMicros: () => clock.sim?.now ?? 0,
    startFaults(offsetMs) {
      const sim = clock.sim!;
      for (const action of actions) sim.at(offsetMs + action.atMs, () => sim.inject(action));
    },
  });
  const nodes: Record<string, NodeFactory> = {};
  const server = extra.protocol === "maelstrom" ? node : maelstromNode(node);
  for (const id of harness.nodes) nodes[id] = counted(server, stats);
  for (const [id, factory] of Object.entries(harness.endpoints()))
    nodes[id] = counted(factory, stats);
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: options.latency, links: serverLinks(options) },
    ...(extra.trace === undefined ? {} : { trace: extra.trace }),
  });
  clock.sim = sim;
  // In slices, so that the run ends when the harness is done rather than at its latest deadline.
  let run = await sim.run({ untilMs: RUN_SLICE_MS });
  while (!harness.finished && sim.now / 1000 < harness.deadlineMs) {
    run = await sim.run({ untilMs: Math.min(harness.deadlineMs, sim.now / 1000 + RUN_SLICE_MS) });
  }
  return summarize({
    harness,
    stats,
    nemesis: episodes,
    world: "simulated",
    traceHash: run.traceHash,
  });
}

/** The same node, with every message it sends counted by kind of traffic. */
function counted(factory: NodeFactory, stats: NetStats): NodeFactory {
  return (ctx) => {
    const send = (to: string, body: unknown) => {
      stats.count(ctx.id, to);
      ctx.send(to, body);
    };
    const wrapped: NodeContext = Object.create(ctx, { send: { value: send } }) as NodeContext;
    return factory(wrapped);
  };
}
