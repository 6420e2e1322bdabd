// A 5-node world where every node issues 100 requests/s to random peers (each from a timer, as a
// short async operation that awaits the reply and returns) and answers the others' requests, for
// one simulated hour with 1% loss and a partition of 10 s every minute: the time-compression
// figure of issue 16, in async and in callback style.

import { performance } from "node:perf_hooks";
import { Simulation } from "../src/world/Simulation.js";
import type { NodeFactory } from "../src/sim/index.js";
import type { FaultAction } from "../src/faults/FaultAction.js";

const IDS = ["n0", "n1", "n2", "n3", "n4"];
const PERIOD_MS = 10;
const TIMEOUT_MS = 100;

function asyncNode(): NodeFactory {
  return (ctx) => {
    const peers = ctx.peers;
    let answered = 0;
    const op = async (): Promise<void> => {
      try {
        await ctx.request(peers[ctx.random.int(peers.length)]!, answered, {
          timeoutMs: TIMEOUT_MS,
        });
        answered++;
      } catch {
        // Lost, or cut off by the partition: the next operation goes on.
      }
    };
    const tick = (): void => {
      void op();
      ctx.setTimer(PERIOD_MS, tick);
    };
    return {
      onStart: () => void ctx.setTimer(ctx.random.int(PERIOD_MS), tick),
      async onMessage(m) {
        ctx.reply(m, m.body);
      },
    };
  };
}

function callbackNode(): NodeFactory {
  return (ctx) => {
    const peers = ctx.peers;
    let answered = 0;
    const tick = (): void => {
      ctx.request(peers[ctx.random.int(peers.length)]!, answered, { timeoutMs: TIMEOUT_MS }).then(
        () => void answered++,
        () => {},
      );
      ctx.setTimer(PERIOD_MS, tick);
    };
    return {
      onStart: () => void ctx.setTimer(ctx.random.int(PERIOD_MS), tick),
      onMessage: (m) => ctx.reply(m, m.body),
    };
  };
}

function faults(simMs: number): FaultAction[] {
  const out: FaultAction[] = [];
  for (let t = 30_000, k = 0; t < simMs; t += 60_000, k++) {
    out.push({ atMs: t, kind: "isolate", node: IDS[k % IDS.length]! });
    out.push({ atMs: t + 10_000, kind: "heal" });
  }
  return out;
}

export async function requestWorld(style: "async" | "callback", simMs: number) {
  const factory = style === "async" ? asyncNode() : callbackNode();
  const sim = new Simulation({
    seed: 16,
    nodes: IDS.map((id) => ({ id, factory })),
    network: { latency: { kind: "uniform", minMs: 0.2, maxMs: 2 }, lossProbability: 0.01 },
    faults: faults(simMs),
  });
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = await sim.run({ untilMs: simMs });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time (the collector's threads included) beside wall time: on a machine shared with other
  // work, wall time also counts the time this process waited for a core.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    seconds,
    cpuSeconds,
    compression: simMs / 1000 / seconds,
    cpuCompression: simMs / 1000 / cpuSeconds,
    events: result.events,
    stopReason: result.stopReason,
    traceHash: result.traceHash,
  };
}
