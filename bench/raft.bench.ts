// The Raft service at scale: a five-server cluster, clients issuing 100 operations per simulated
// second between them, for one simulated hour, under a fault schedule drawn by the swarm generator
// for the whole hour (partitions, crashes, pauses, clock faults, loss, duplication). Prints the
// wall time, the events and operations simulated, and the ratio of simulated to wall time.
// Before the leader's flow control and the segmented log (the Raft service as of f3482ea), this
// script on the same machine gave 321,918 operations ok and 4,936,352 events (15.3 per ok
// operation); on a quiet machine, CPU 11.9-12.5 s (287-304x per CPU second) and wall 10.8-12.1 s
// (298-333x), where the service after them took CPU 6.1-6.8 s and wall 6.1-6.2 s (2,707,432
// events, 8.5 per ok operation).

import { performance } from "node:perf_hooks";
import { Rng } from "../src/core/Rng.js";
import { randomFaultSchedule } from "../src/faults/RandomFaultSchedule.js";
import type { NodeFactory } from "../src/sim/NodeApi.js";
import { RaftClient } from "../src/systems/raft/RaftClient.js";
import { raftServer } from "../src/systems/raft/RaftServer.js";
import { Simulation } from "../src/world/Simulation.js";

const SERVERS = ["n1", "n2", "n3", "n4", "n5"];
const CLIENTS = 10;
/** Each client issues one operation every this many ms: 10 clients × 10/s = 100 per second. */
const PERIOD_MS = 100;
const HOUR_MS = 3_600_000;

export interface RaftBenchResult {
  wallSeconds: number;
  /** CPU time of this process meanwhile: on a shared machine, what the run itself cost. */
  cpuSeconds: number;
  events: number;
  ok: number;
  notOk: number;
  faults: number;
}

export async function simulateHour(seed: number, simulatedMs = HOUR_MS): Promise<RaftBenchResult> {
  let ok = 0;
  let notOk = 0;
  const client: NodeFactory = (ctx) => ({
    async onStart() {
      const raft = new RaftClient(ctx, { servers: SERVERS });
      let next = ctx.clock.monotonicMs() + ctx.random.uniform(0, PERIOD_MS);
      for (let k = 0; ; k++) {
        await ctx.sleep(Math.max(0, next - ctx.clock.monotonicMs()));
        next += PERIOD_MS;
        const key = `k${ctx.random.int(10)}`;
        const outcome = ctx.random.chance(0.5) ? await raft.get(key) : await raft.put(key, k);
        if (outcome.status === "ok") ok++;
        else notOk++;
      }
    },
  });
  const server = raftServer({ servers: SERVERS });
  const nodes: Record<string, NodeFactory> = Object.fromEntries(SERVERS.map((id) => [id, server]));
  for (let i = 1; i <= CLIENTS; i++) nodes[`c${i}`] = client;
  const faults = randomFaultSchedule(Rng.fromSeed(seed).derive("bench-faults"), {
    nodes: SERVERS,
    durationMs: simulatedMs,
    enableAll: true,
    intensity: 0.5,
    maxActions: 2_000,
  }).actions;
  const sim = new Simulation({
    seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } },
    faults,
  });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const run = await sim.run({ untilMs: simulatedMs });
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { wallSeconds, cpuSeconds, events: run.events, ok, notOk, faults: faults.length };
}

export async function run(): Promise<void> {
  const r = await simulateHour(1);
  const ratio = HOUR_MS / 1000 / r.wallSeconds;
  console.log(
    `raft: 5 servers, ${CLIENTS} clients at ${(CLIENTS * 1000) / PERIOD_MS} ops/simulated s, ` +
      `1 simulated hour, ${r.faults} fault actions`,
  );
  console.log(
    `  ${r.ok.toLocaleString("en-US")} operations ok, ${r.notOk.toLocaleString("en-US")} failed or unknown; ` +
      `${r.events.toLocaleString("en-US")} events, ${(r.events / r.ok).toFixed(1)} per ok operation ` +
      `(${(r.events / r.wallSeconds / 1e6).toFixed(2)} M/s)`,
  );
  console.log(
    `  wall time ${r.wallSeconds.toFixed(1)} s: ${ratio.toFixed(0)}x real time (target >= 1,000x); ` +
      `CPU time ${r.cpuSeconds.toFixed(1)} s: ${(HOUR_MS / 1000 / r.cpuSeconds).toFixed(0)}x per CPU second ` +
      `(on a busy machine the wall figure is lower)`,
  );
}
