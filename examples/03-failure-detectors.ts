// 03 — Is the server dead, or only slow? Three failure detectors watch the same heartbeats.
//
// A server sends a heartbeat to a monitor every 50 ms over a congested network (heavy-tailed
// latency: most messages take about a millisecond, a few take hundreds). Four times the server
// stops the world to collect garbage, for 120 ms up to 2.4 s, and at 60 s it really crashes. No
// timeout can tell a pause from a crash: a short one (100 ms) notices the crash at once but cries
// wolf at every pause and at the slowest messages; a long one (10 s) never cries wolf but leaves a
// dead server in service for 10 s. The φ accrual detector (Akka's defaults: threshold 8, 3 s of
// acceptable pause) learns what this connection's heartbeats look like and sits in between.
//
//   npm run build && node dist/examples/03-failure-detectors.js

import {
  HeartbeatFailureDetector,
  PhiAccrualFailureDetector,
  Simulation,
  type FaultAction,
  type NodeFactory,
} from "../src/index.js";
import { runIfMain } from "./run.js";

const HEARTBEAT_INTERVAL_MS = 50;
const CRASH_AT_MS = 60_000;
const FAULTS: FaultAction[] = [
  { atMs: 10_000, kind: "pause", node: "server", durationMs: 120 }, // stop-the-world GC pauses
  { atMs: 20_000, kind: "pause", node: "server", durationMs: 400 },
  { atMs: 30_000, kind: "pause", node: "server", durationMs: 1_100 },
  { atMs: 40_000, kind: "pause", node: "server", durationMs: 2_400 },
  { atMs: CRASH_AT_MS, kind: "crash", node: "server" }, // and then a real crash
];

interface Verdicts {
  falseSuspicions: number;
  detectedAfterMs: number | undefined;
}

const server: NodeFactory = (ctx) => ({
  onStart() {
    const beat = () => {
      ctx.send("monitor", "heartbeat");
      ctx.setTimer(HEARTBEAT_INTERVAL_MS, beat);
    };
    beat();
  },
});

function monitor(verdicts: Record<string, Verdicts>): NodeFactory {
  return (ctx) => {
    // The monitor only knows when it suspects; we, outside the world, know when the crash was.
    // Its clock has no drift here, so its monotonic time is the simulation's time.
    const watch = (name: string) => {
      const v: Verdicts = (verdicts[name] = { falseSuspicions: 0, detectedAfterMs: undefined });
      const onSuspect = () => {
        const nowMs = ctx.clock.monotonicMs();
        if (nowMs < CRASH_AT_MS) v.falseSuspicions++;
        else v.detectedAfterMs ??= nowMs - CRASH_AT_MS;
      };
      return { clock: ctx.clock, timers: ctx, onSuspect };
    };
    const detectors = [
      new HeartbeatFailureDetector({ ...watch("fixed timeout 100 ms"), timeoutMs: 100 }),
      new HeartbeatFailureDetector({ ...watch("fixed timeout 10 s"), timeoutMs: 10_000 }),
      new PhiAccrualFailureDetector(watch("phi accrual (Akka defaults)")),
    ];
    return { onMessage: () => detectors.forEach((d) => d.heartbeat()) };
  };
}

export async function main(): Promise<string[]> {
  const verdicts: Record<string, Verdicts> = {};
  const sim = new Simulation({
    seed: 5,
    nodes: { server, monitor: monitor(verdicts) },
    network: { latency: { kind: "pareto", scaleMs: 1, shape: 1.5, maxMs: 1_500 } },
    faults: FAULTS,
  });
  await sim.run({ untilMs: CRASH_AT_MS + 20_000 });
  const lines = [`${"detector".padEnd(30)}${"false suspicions".padEnd(20)}crash detected after`];
  for (const [name, v] of Object.entries(verdicts)) {
    const detected =
      v.detectedAfterMs === undefined ? "never" : `${v.detectedAfterMs.toFixed(0)} ms`;
    lines.push(`${name.padEnd(30)}${String(v.falseSuspicions).padEnd(20)}${detected}`);
  }
  return lines;
}

runIfMain(import.meta.url, main);
