// The chapter's timeout dilemma. A monitor pings a server once a second; the server has GC-like
// stop-the-world pauses (milliseconds to seconds) and sits on a congested network with a
// heavy-tailed latency, and at a random moment it really crashes. Four failure detectors watch
// the same stream of pings and pongs, in every seed:
//
//   fixed-100ms  a ping unanswered after 100 ms means dead (FixedTimeout)
//   fixed-60s    a ping unanswered after 60 s means dead (FixedTimeout)
//   adaptive     a ping unanswered after 2 × p99 of the last 100 round trips, clamped to
//                [1 s, 30 s] (AdaptiveTimeout with the chapter's defaults)
//   phi          every pong is a heartbeat to a φ accrual detector with Akka's defaults
//                (threshold 8, acceptable pause 3 s, min std 100 ms, first estimate 1 s)
//
// A ping-based detector suspects when one of its pings times out and trusts again at the next
// pong; φ suspects when φ reaches the threshold and trusts at the next heartbeat. The harness,
// which knows when the crash really happened, counts each move to "suspected" before the crash as
// a false suspicion and measures the time from the crash to the first suspicion after it.
//
// The variant names the detector the monitor acts on, and the properties judge that detector:
// unsafe = fixed-100ms, safe = phi. The figures cover all four detectors in both variants.

import type { TimerId } from "../../core/Clock.js";
import { Rng, type Seed } from "../../core/Rng.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import type { NetworkConfig } from "../../net/Network.js";
import { AdaptiveTimeout } from "../../primitives/AdaptiveTimeout.js";
import { FixedTimeout } from "../../primitives/FixedTimeout.js";
import { PhiAccrualFailureDetector } from "../../primitives/PhiAccrualFailureDetector.js";
import type { TimeoutPolicy } from "../../primitives/TimeoutPolicy.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { Simulation } from "../../world/Simulation.js";
import { combineHashes, type FigureSpec, type Scenario, type SeedOutcome } from "../Scenario.js";
import type { VariantSummary } from "../VariantSummary.js";
import { figureMean } from "../VariantSummary.js";

export const TIMEOUT_DETECTORS = ["fixed-100ms", "fixed-60s", "adaptive", "phi"] as const;
export type TimeoutDetector = (typeof TIMEOUT_DETECTORS)[number];

const VARIANT_DETECTOR: Record<string, TimeoutDetector> = { unsafe: "fixed-100ms", safe: "phi" };

/** A crashed server must be declared dead within this long for `crash-detected-within-bound`. */
export const DETECTION_BOUND_MS = 10_000;
const PING_INTERVAL_MS = 1_000;
/** The crash falls uniformly in this window; the run goes on long enough for fixed-60s to see it. */
const CRASH_WINDOW_MS: readonly [number, number] = [120_000, 240_000];
const AFTER_CRASH_MS = 75_000;
/** GC pauses: Poisson arrivals, log-normal durations (median 40 ms), capped. */
const PAUSE_MEAN_GAP_MS = 15_000;
const PAUSE_MEDIAN_MS = 40;
const PAUSE_SIGMA = 1.6;
const PAUSE_MAX_MS = 2_500;
/** Congested network: most one-way delays are about a millisecond, a few are hundreds. */
const NETWORK: NetworkConfig = {
  latency: { kind: "pareto", scaleMs: 1, shape: 1.5, maxMs: 1_500 },
};

interface DetectorStats {
  suspected: boolean;
  falseSuspicions: number;
  suspectedSinceMicros: number;
  suspectedLiveMicros: number;
  detectMicros: number | undefined;
}

interface World {
  crashAtMicros: number;
  now(): number;
  detectors: Record<TimeoutDetector, DetectorStats>;
  pings: number;
  livePings: number;
  /** Ping timeouts that fired while the server was alive, per ping-based detector. */
  livePingTimeouts: Record<TimeoutDetector, number>;
}

function suspect(world: World, d: TimeoutDetector): void {
  const s = world.detectors[d];
  if (s.suspected) return;
  s.suspected = true;
  const now = world.now();
  if (now < world.crashAtMicros) {
    s.falseSuspicions++;
    s.suspectedSinceMicros = now;
  } else if (s.detectMicros === undefined) {
    s.detectMicros = now - world.crashAtMicros;
  }
}

function trust(world: World, d: TimeoutDetector): void {
  const s = world.detectors[d];
  if (!s.suspected) return;
  s.suspected = false;
  const now = world.now();
  if (now <= world.crashAtMicros) s.suspectedLiveMicros += now - s.suspectedSinceMicros;
}

/** At the crash: a detector already suspecting detects it at once; close live suspicion time. */
function atCrash(world: World): void {
  for (const d of TIMEOUT_DETECTORS) {
    const s = world.detectors[d];
    if (s.suspected) {
      s.detectMicros = 0;
      s.suspectedLiveMicros += world.crashAtMicros - s.suspectedSinceMicros;
    }
  }
}

const server: NodeFactory = (ctx) => ({
  onMessage(message) {
    const body = message.body as { type: string; seq: number };
    if (body.type === "ping") ctx.send(message.from, { type: "pong", seq: body.seq });
  },
});

function monitor(world: World): NodeFactory {
  return (ctx) => {
    const timers = {
      setTimer: (ms: number, cb: () => void) => ctx.setTimer(ms, cb),
      clearTimer: (id: TimerId) => ctx.clearTimer(id),
      sleep: (ms: number) => ctx.sleep(ms),
    };
    const policies: [TimeoutDetector, TimeoutPolicy][] = [
      ["fixed-100ms", new FixedTimeout(100)],
      ["fixed-60s", new FixedTimeout(60_000)],
      ["adaptive", new AdaptiveTimeout()],
    ];
    const phi = new PhiAccrualFailureDetector({
      clock: ctx.clock,
      timers,
      onSuspect: () => suspect(world, "phi"),
      onAlive: () => trust(world, "phi"),
    });
    const sentAt = new Map<number, number>();
    let seq = 0;
    const ping = () => {
      const n = seq++;
      const t0 = ctx.clock.monotonicMs();
      sentAt.set(n, t0);
      world.pings++;
      if (world.now() < world.crashAtMicros) world.livePings++;
      ctx.send("server", { type: "ping", seq: n });
      for (const [d, policy] of policies) {
        ctx.setTimer(policy.timeoutMs(), () => {
          if (!sentAt.has(n)) return; // answered in time
          if (world.now() < world.crashAtMicros) world.livePingTimeouts[d]++;
          suspect(world, d);
        });
      }
      ctx.setTimer(PING_INTERVAL_MS, ping);
    };
    return {
      onStart: ping,
      onMessage(message) {
        const body = message.body as { type: string; seq: number };
        if (body.type !== "pong") return;
        const t0 = sentAt.get(body.seq);
        if (t0 === undefined) return;
        sentAt.delete(body.seq);
        // The monitor keeps listening after a timeout, so even a late pong's round trip is known.
        const rtt = ctx.clock.monotonicMs() - t0;
        for (const [d, policy] of policies) {
          policy.recordResponseMs(rtt);
          trust(world, d);
        }
        phi.heartbeat();
      },
    };
  };
}

/** The seed's fault schedule: GC pauses until the crash, then the crash. */
export function timeoutsFaults(seed: Seed): { faults: FaultAction[]; crashAtMs: number } {
  const rng = new Rng(seed, "timeouts/faults");
  const crashAtMs = Math.round(rng.uniform(CRASH_WINDOW_MS[0], CRASH_WINDOW_MS[1]));
  const faults: FaultAction[] = [];
  let t = rng.exponential(PAUSE_MEAN_GAP_MS);
  while (t < crashAtMs) {
    const durationMs = Math.min(
      PAUSE_MAX_MS,
      Math.max(1, Math.round(rng.lognormal(Math.log(PAUSE_MEDIAN_MS), PAUSE_SIGMA))),
    );
    faults.push({ atMs: Math.round(t), kind: "pause", node: "server", durationMs });
    t += durationMs + rng.exponential(PAUSE_MEAN_GAP_MS);
  }
  faults.push({ atMs: crashAtMs, kind: "crash", node: "server" });
  return { faults, crashAtMs };
}

const FIGURES: FigureSpec[] = [
  ...TIMEOUT_DETECTORS.flatMap((d): FigureSpec[] => [
    {
      name: `${d}.false-suspicions`,
      kind: "sum",
      description: `${d}: moves to "suspected" while the server was alive`,
    },
    {
      name: `${d}.false-suspicion-seed`,
      kind: "rate",
      description: `${d}: seeds with at least one false suspicion`,
    },
    {
      name: `${d}.suspected-live-fraction`,
      kind: "mean",
      description: `${d}: fraction of the live time the live server was suspected`,
    },
    {
      name: `${d}.detect-ms`,
      kind: "mean",
      unit: "ms",
      description: `${d}: time from the crash to the first suspicion`,
    },
    {
      name: `${d}.within-bound`,
      kind: "rate",
      description: `${d}: crash detected within ${DETECTION_BOUND_MS / 1000} s`,
    },
  ]),
  ...(["fixed-100ms", "fixed-60s", "adaptive"] as const).map((d): FigureSpec => ({
    name: `${d}.false-check-fraction`,
    kind: "mean",
    description: `${d}: fraction of pings to the live server that timed out`,
  })),
  {
    name: "acted.false-suspicions",
    kind: "sum",
    description: "the variant's detector (the one the monitor acts on): false suspicions",
  },
  {
    name: "acted.detect-ms",
    kind: "mean",
    unit: "ms",
    description: "the variant's detector: time from the crash to the first suspicion",
  },
  {
    name: "live-hours",
    kind: "sum",
    unit: "h",
    description: "simulated time the server was alive",
  },
  { name: "pauses", kind: "mean", description: "GC pauses before the crash" },
  { name: "max-pause-ms", kind: "max", unit: "ms", description: "longest GC pause" },
];

export const timeouts: Scenario = {
  name: "timeouts",
  title: "Timeouts and failure detection: short is wrong, long is slow",
  claim:
    "A long timeout means a long wait until a node is declared dead; a short timeout detects " +
    "faults faster, but carries a higher risk of incorrectly declaring a node dead when it has " +
    "only suffered a temporary slowdown (a load spike or a GC pause). Systems can instead measure " +
    "response times and their variability and adjust timeouts automatically, as the φ accrual " +
    "failure detector does.",
  variants: [
    {
      name: "unsafe",
      description:
        "the monitor acts on a fixed 100 ms ping timeout: it declares the live server dead " +
        "during GC pauses and network slowdowns (no-false-suspicion violated)",
      expectViolations: true,
    },
    {
      name: "safe",
      description:
        "the monitor acts on a φ accrual detector (Akka defaults): no false declaration, and the " +
        `real crash is declared within ${DETECTION_BOUND_MS / 1000} s (both properties held)`,
      expectViolations: false,
    },
  ],
  properties: ["no-false-suspicion", "crash-detected-within-bound"],
  figures: FIGURES,
  tourSeeds: 1000,
  keyFigures: ["acted.false-suspicions", "acted.detect-ms"],
  async run(options): Promise<SeedOutcome> {
    const detector = VARIANT_DETECTOR[options.variant];
    if (detector === undefined) throw new Error(`timeouts: unknown variant ${options.variant}`);
    const { faults, crashAtMs } = timeoutsFaults(options.seed);
    const fresh = (): DetectorStats => ({
      suspected: false,
      falseSuspicions: 0,
      suspectedSinceMicros: 0,
      suspectedLiveMicros: 0,
      detectMicros: undefined,
    });
    const world: World = {
      crashAtMicros: crashAtMs * 1000,
      now: () => sim.now,
      detectors: {
        "fixed-100ms": fresh(),
        "fixed-60s": fresh(),
        adaptive: fresh(),
        phi: fresh(),
      },
      pings: 0,
      livePings: 0,
      livePingTimeouts: { "fixed-100ms": 0, "fixed-60s": 0, adaptive: 0, phi: 0 },
    };
    const sim = new Simulation({
      seed: options.seed,
      nodes: { server, monitor: monitor(world) },
      network: NETWORK,
      faults,
      ...(options.trace?.("monitor") ? { trace: options.trace("monitor")! } : {}),
    });
    sim.at(crashAtMs, () => atCrash(world));
    const result = await sim.run({ untilMs: crashAtMs + AFTER_CRASH_MS });

    const figures: Record<string, number> = {};
    const liveMicros = world.crashAtMicros;
    for (const d of TIMEOUT_DETECTORS) {
      const s = world.detectors[d];
      figures[`${d}.false-suspicions`] = s.falseSuspicions;
      figures[`${d}.false-suspicion-seed`] = s.falseSuspicions > 0 ? 1 : 0;
      figures[`${d}.suspected-live-fraction`] = s.suspectedLiveMicros / liveMicros;
      figures[`${d}.detect-ms`] = s.detectMicros === undefined ? NaN : s.detectMicros / 1000;
      figures[`${d}.within-bound`] =
        s.detectMicros !== undefined && s.detectMicros <= DETECTION_BOUND_MS * 1000 ? 1 : 0;
    }
    for (const d of ["fixed-100ms", "fixed-60s", "adaptive"] as const) {
      figures[`${d}.false-check-fraction`] =
        world.livePings === 0 ? 0 : world.livePingTimeouts[d] / world.livePings;
    }
    figures["live-hours"] = liveMicros / 3_600e6;
    const pauses = faults.filter((f) => f.kind === "pause");
    figures.pauses = pauses.length;
    figures["max-pause-ms"] = Math.max(
      0,
      ...pauses.map((f) => (f.kind === "pause" ? f.durationMs : 0)),
    );

    const judged = world.detectors[detector];
    figures["acted.false-suspicions"] = figures[`${detector}.false-suspicions`]!;
    figures["acted.detect-ms"] = figures[`${detector}.detect-ms`]!;
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: {
        "no-false-suspicion": judged.falseSuspicions > 0 ? "violated" : "held",
        "crash-detected-within-bound":
          judged.detectMicros !== undefined && judged.detectMicros <= DETECTION_BOUND_MS * 1000
            ? "held"
            : "violated",
      },
      figures,
      traceHash: combineHashes([result.traceHash]),
      events: result.events,
    };
  },
  report(summaries) {
    return timeoutsReport(summaries);
  },
};

function timeoutsReport(summaries: readonly VariantSummary[]): string[] {
  const s = summaries[0];
  if (s === undefined) return [];
  const fig = (name: string) => s.figures[name];
  const avg = (name: string) => figureMean(s, name);
  const hours = fig("live-hours")?.sum ?? 0;
  const lines = [
    `detectors on the same pings (${s.seeds} seeds, ${hours.toFixed(1)} h of live server, ` +
      `a crash per seed; bound ${DETECTION_BOUND_MS / 1000} s):`,
    `  ${"detector".padEnd(12)} ${"false susp./h".padStart(13)} ${"seeds w/ false".padStart(14)} ` +
      `${"checks t/o".padStart(10)} ${"mean detect".padStart(11)} ${"max detect".padStart(10)} ` +
      `${"within bound".padStart(12)}`,
  ];
  for (const d of TIMEOUT_DETECTORS) {
    const falseSum = fig(`${d}.false-suspicions`)?.sum ?? 0;
    const seedsWith = fig(`${d}.false-suspicion-seed`)?.sum ?? 0;
    const checks = d === "phi" ? "—" : `${(avg(`${d}.false-check-fraction`) * 100).toFixed(2)}%`;
    const detect = fig(`${d}.detect-ms`);
    const within = fig(`${d}.within-bound`)?.sum ?? 0;
    lines.push(
      `  ${d.padEnd(12)} ${(hours > 0 ? falseSum / hours : 0).toFixed(1).padStart(13)} ` +
        `${`${seedsWith}/${s.seeds}`.padStart(14)} ${checks.padStart(10)} ` +
        `${`${(avg(`${d}.detect-ms`) / 1000).toFixed(2)} s`.padStart(11)} ` +
        `${`${((detect?.max ?? NaN) / 1000).toFixed(2)} s`.padStart(10)} ` +
        `${`${within}/${s.seeds}`.padStart(12)}`,
    );
  }
  lines.push(
    `  (${(avg("pauses") || 0).toFixed(1)} GC pauses per seed before the crash, longest ` +
      `${((fig("max-pause-ms")?.max ?? 0) / 1000).toFixed(2)} s; checks t/o = pings to the live ` +
      `server that timed out)`,
  );
  return lines;
}
