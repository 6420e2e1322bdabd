// Who decides that a node is dead? A single observer cannot tell "the node is down" from "my own
// link to it is down" or "I was paused and missed its heartbeats": a one-way cut from the node to
// the observer, or a GC pause of the observer, looks exactly like a crash. Asking five observers
// and declaring the node dead only when a majority of them cannot reach it (QuorumFailureDetector)
// survives any fault that hits a minority of the observers, and still declares a real crash.
//
// The world: node x sends a heartbeat to five observers every 100 ms; each observer runs a
// HeartbeatFailureDetector and reports its view to a decider that combines them. Faults come in
// episodes that each cut x off from, or pause, one or two of the five observers (a minority); late
// in the run x really crashes. One world gives both figures: the single-observer rule reads o1's
// own detector, the majority rule reads the decider's QuorumFailureDetector.

import { Rng, type Seed } from "../../core/Rng.js";
import type { Timers } from "../../core/Clock.js";
import { HeartbeatFailureDetector, QuorumFailureDetector } from "../../primitives/index.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import { combineHashes, type Scenario, type SeedOutcome, type Verdict } from "../Scenario.js";

const OBSERVERS = ["o1", "o2", "o3", "o4", "o5"] as const;
/** The observer whose own view the single-observer rule trusts. */
const SINGLE = "o1";
const HEARTBEAT_MS = 100;
const DETECTOR_TIMEOUT_MS = 400;
const RUN_MS = 60_000;
/** x crashes at a time uniform in this range. */
const CRASH_MS_MIN = 40_000;
const CRASH_MS_MAX = 50_000;
const EPISODE_MS_MIN = 200;
const EPISODE_MS_MAX = 3_000;
const GAP_MS_MIN = 500;
const GAP_MS_MAX = 5_000;
/** A rule that has not declared the crash this long after it happened missed it. */
const DETECTION_DEADLINE_MS = 5_000;
const MS_PER_HOUR = 3_600_000;

export type DetectionRule = "single" | "quorum";

function timersOf(ctx: NodeContext): Timers {
  return {
    setTimer: (delayMs, callback) => ctx.setTimer(delayMs, callback),
    clearTimer: (id) => ctx.clearTimer(id),
    sleep: (delayMs) => ctx.sleep(delayMs),
  };
}

/** Each rule's verdict changes over time: [virtual ms, dead?]. */
type Changes = Record<DetectionRule, [number, boolean][]>;

/** The fault schedule of a seed: episodes hitting a minority of observers, then x's crash. */
export function quorumDetectionFaults(seed: Seed): { faults: FaultAction[]; crashMs: number } {
  const rng = new Rng(seed, "quorum-detection/faults");
  const crashMs = Math.round(rng.uniform(CRASH_MS_MIN, CRASH_MS_MAX));
  const faults: FaultAction[] = [];
  let atMs = Math.round(rng.uniform(GAP_MS_MIN, GAP_MS_MAX));
  while (atMs < RUN_MS - EPISODE_MS_MAX) {
    const durationMs = Math.round(rng.uniform(EPISODE_MS_MIN, EPISODE_MS_MAX));
    const hit = rng.chance(0.5) ? 1 : 2;
    const pool = [...OBSERVERS];
    let cut = false;
    for (let i = 0; i < hit; i++) {
      const node = pool.splice(rng.int(pool.length), 1)[0]!;
      if (rng.chance(0.5)) {
        faults.push({ atMs, kind: "cut", from: "x", to: node });
        cut = true;
      } else {
        faults.push({ atMs, kind: "pause", node, durationMs });
      }
    }
    // Episodes never overlap, so healing every cut ends exactly this episode's.
    if (cut) faults.push({ atMs: atMs + durationMs, kind: "heal" });
    atMs += durationMs + Math.round(rng.uniform(GAP_MS_MIN, GAP_MS_MAX));
  }
  faults.push({ atMs: crashMs, kind: "crash", node: "x" });
  return { faults, crashMs };
}

function target(): NodeFactory {
  return (ctx) => ({
    onStart() {
      const beat = () => {
        for (const o of OBSERVERS) ctx.send(o, { type: "heartbeat" });
        ctx.setTimer(HEARTBEAT_MS, beat);
      };
      beat();
    },
  });
}

function observer(changes: Changes, nowMs: () => number): NodeFactory {
  return (ctx) => {
    let sequence = 0;
    const report = (reachable: boolean) => {
      if (ctx.id === SINGLE) changes.single.push([nowMs(), !reachable]);
      ctx.send("decider", { type: "report", reachable, sequence: ++sequence });
    };
    const detector = new HeartbeatFailureDetector({
      clock: ctx.clock,
      timers: timersOf(ctx),
      timeoutMs: DETECTOR_TIMEOUT_MS,
      onSuspect: () => report(false),
      onAlive: () => report(true),
    });
    return {
      onStart() {
        // Expect x from the start, so that silence from the outset is noticed too.
        detector.heartbeat();
      },
      onMessage(message) {
        if ((message.body as { type: string }).type === "heartbeat") detector.heartbeat();
      },
    };
  };
}

function decider(changes: Changes, nowMs: () => number): NodeFactory {
  return () => {
    const latest = new Map<string, number>();
    const quorum = new QuorumFailureDetector({
      observers: OBSERVERS,
      onDead: () => changes.quorum.push([nowMs(), true]),
      onAlive: () => changes.quorum.push([nowMs(), false]),
    });
    return {
      onMessage(message) {
        const body = message.body as { reachable: boolean; sequence: number };
        // Reports from one observer can overtake each other; only the newest counts.
        if ((latest.get(message.from) ?? 0) >= body.sequence) return;
        latest.set(message.from, body.sequence);
        quorum.report(message.from, "x", body.reachable);
      },
    };
  };
}

interface RuleResult {
  falseDeclarations: number;
  /** From the crash until the rule held x dead; undefined if it never did. */
  detectionMs: number | undefined;
}

function judge(changes: readonly [number, boolean][], crashMs: number): RuleResult {
  let falseDeclarations = 0;
  let deadAtCrash = false;
  let detectionMs: number | undefined;
  for (const [atMs, dead] of changes) {
    if (atMs < crashMs) {
      if (dead) falseDeclarations++;
      deadAtCrash = dead;
    } else if (dead && detectionMs === undefined) {
      detectionMs = atMs - crashMs;
    }
  }
  return { falseDeclarations, detectionMs: deadAtCrash ? 0 : detectionMs };
}

export async function runQuorumDetectionWorld(options: {
  seed: Seed;
  trace?: ((label: string) => import("../../sim/Trace.js").TraceOptions | undefined) | undefined;
}) {
  const { faults, crashMs } = quorumDetectionFaults(options.seed);
  const changes: Changes = { single: [], quorum: [] };
  // The verdict changes are stamped with virtual time, read from the world once it exists.
  const world: { sim?: Simulation } = {};
  const nowMs = () => world.sim!.now / 1000;
  const nodes: Record<string, NodeFactory> = {
    x: target(),
    decider: decider(changes, nowMs),
  };
  for (const o of OBSERVERS) nodes[o] = observer(changes, nowMs);
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    faults,
    ...(options.trace?.("world") ? { trace: options.trace("world")! } : {}),
  });
  world.sim = sim;
  const result = await sim.run({ untilMs: RUN_MS });
  return {
    crashMs,
    single: judge(changes.single, crashMs),
    quorum: judge(changes.quorum, crashMs),
    hash: result.traceHash,
    events: result.events,
  };
}

const RULE_OF: Record<string, DetectionRule> = { unsafe: "single", safe: "quorum" };

export const quorumDetection: Scenario = {
  name: "quorum-detection",
  title: "Quorum detection: one observer's timeout is not the truth",
  claim:
    "A node cannot necessarily trust its own judgement of a situation: a node that merely lost its " +
    "link, or paused, is declared dead by whoever relies on one view. Many distributed systems " +
    "rely on a quorum, a vote among several nodes, to make such decisions.",
  variants: [
    {
      name: "unsafe",
      description: "one observer's heartbeat timeout declares x dead",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "x is dead only when a majority of 5 observers cannot reach it",
      expectViolations: false,
    },
  ],
  properties: ["no-false-declaration", "crash-detected"],
  figures: (["single", "quorum"] as const).flatMap((rule) => [
    {
      name: `${rule}.false-per-hour`,
      kind: "mean" as const,
      unit: "/h",
      description: `${rule}: declarations of a live node dead, per simulated hour`,
    },
    {
      name: `${rule}.false-declarations`,
      kind: "sum" as const,
      description: `${rule}: declarations of a live node dead`,
    },
    {
      name: `${rule}.detection`,
      kind: "mean" as const,
      unit: "ms",
      description: `${rule}: time from x's crash until it is declared dead`,
    },
    {
      name: `${rule}.detection-max`,
      kind: "max" as const,
      unit: "ms",
      description: `${rule}: slowest detection of the crash`,
    },
  ]),
  keyFigures: ["single.false-per-hour", "quorum.false-per-hour"],
  tourSeeds: 1000,
  async run(options): Promise<SeedOutcome> {
    const w = await runQuorumDetectionWorld(options);
    const figures: Record<string, number> = {};
    for (const rule of ["single", "quorum"] as const) {
      const r = w[rule];
      figures[`${rule}.false-per-hour`] = r.falseDeclarations / (w.crashMs / MS_PER_HOUR);
      figures[`${rule}.false-declarations`] = r.falseDeclarations;
      figures[`${rule}.detection`] = r.detectionMs ?? NaN;
      figures[`${rule}.detection-max`] = r.detectionMs ?? NaN;
    }
    const mine = w[RULE_OF[options.variant] ?? "quorum"];
    const detected: Verdict =
      mine.detectionMs !== undefined && mine.detectionMs <= DETECTION_DEADLINE_MS
        ? "held"
        : "violated";
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: {
        "no-false-declaration": mine.falseDeclarations > 0 ? "violated" : "held",
        "crash-detected": detected,
      },
      figures,
      traceHash: combineHashes([w.hash]),
      events: w.events,
    };
  },
  report(summaries) {
    const first = summaries[0];
    if (first === undefined) return [];
    const value = (name: string, kind: "mean" | "max" | "sum") => {
      const f = first.figures[name];
      if (f === undefined || f.count === 0) return NaN;
      return kind === "mean" ? f.sum / f.count : kind === "max" ? f.max : f.sum;
    };
    const lines = [
      `deciding "x is dead" (${first.seeds} seeds, faults on 1-2 of 5 observers at a time):`,
      `  ${"rule".padEnd(22)} ${"false/hour".padStart(10)} ${"false total".padStart(11)} ${"detect mean".padStart(11)} ${"detect max".padStart(10)}`,
    ];
    const names: Record<DetectionRule, string> = {
      single: "single observer (o1)",
      quorum: "majority of 5",
    };
    for (const rule of ["single", "quorum"] as const) {
      lines.push(
        `  ${names[rule].padEnd(22)} ${value(`${rule}.false-per-hour`, "mean").toFixed(1).padStart(10)} ` +
          `${value(`${rule}.false-declarations`, "sum").toFixed(0).padStart(11)} ` +
          `${(value(`${rule}.detection`, "mean").toFixed(0) + " ms").padStart(11)} ` +
          `${(value(`${rule}.detection-max`, "max").toFixed(0) + " ms").padStart(10)}`,
      );
    }
    return lines;
  },
};
