// Quartz clocks drift. A node's oscillator runs up to ±50 ppm fast or slow, so two unsynchronised
// clocks at opposite ends of that range part by 100 µs every second: 8.64 s after a day. NTP pulls
// each clock back towards true time, but only to within its measurement error (about ±35 ms on a
// LAN, ±100 ms over the internet), so skew stays bounded, not zero. And when NTP finds a clock far
// ahead it steps it back: the wall clock then repeats times it already showed, and anything ordered
// by wall-clock timestamps on that one node comes out of order. The monotonic clock is never
// stepped, so it never goes back.
//
// Each seed runs four worlds. Three only sample clocks, once a simulated minute for a day (cheap:
// no messages, a few thousand events): free-running, NTP on a LAN, NTP over the internet. The
// fourth is an application node stamping events every 1–3 ms for 2.5 s while its clock, set up to
// ±300 ms off, gets its first NTP sync; a clock more than 128 ms ahead is stepped back. The unsafe
// variant orders events by the wall-clock stamps, the safe one by the monotonic clock.

import { Simulation } from "../../world/Simulation.js";
import type { NodeSpec } from "../../world/SimulationConfig.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const DRIFT_PPM_MAX = 50;
/** The chapter's figures for NTP's error: a LAN, and the public internet. */
const NTP_LAN_ERROR_MS = 35;
const NTP_INTERNET_ERROR_MS = 100;
const NTP_INTERVAL_MS = 64_000;

const STAMP_RUN_MS = 2_500;
const STAMP_GAP_MS_MIN = 1.1;
const STAMP_GAP_MS_MAX = 3;
const STAMP_OFFSET_MS_MAX = 300;
/** The first sync falls somewhere in the first two seconds of the stamping run. */
const STAMP_NTP_INTERVAL_MS = 2_000;

type World = { hash: string; events: number };

/**
 * Five nodes for a day, sampled once a minute: the largest spread between the fastest and the
 * slowest clock, at the end of the day and at any minute. The two extreme nodes sit at the edges
 * of the ±50 ppm spec (the chapter's worst case); the others draw their drift from it.
 */
async function runDay(
  options: RunSeedOptions,
  label: string,
  ntpErrorMs: number | undefined,
): Promise<World & { skewEndMs: number; skewMaxMs: number }> {
  const ids = ["fast", "slow", "n3", "n4", "n5"];
  const nodes: NodeSpec[] = ids.map((id) => ({
    id,
    factory: () => ({}),
    ...(id === "fast" ? { clock: { driftPpm: DRIFT_PPM_MAX } } : {}),
    ...(id === "slow" ? { clock: { driftPpm: -DRIFT_PPM_MAX } } : {}),
  }));
  const sim = new Simulation({
    seed: options.seed,
    nodes,
    clocks: {
      driftPpmMax: DRIFT_PPM_MAX,
      ...(ntpErrorMs !== undefined
        ? { ntp: { intervalMs: NTP_INTERVAL_MS, errorMs: ntpErrorMs } }
        : {}),
    },
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  let skewMaxMs = 0;
  let skewEndMs = 0;
  for (let t = MINUTE_MS; t <= DAY_MS; t += MINUTE_MS) {
    sim.at(t, () => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const id of ids) {
        const offset = sim.clockOf(id).offsetMicros(sim.now);
        lo = Math.min(lo, offset);
        hi = Math.max(hi, offset);
      }
      const skewMs = (hi - lo) / 1000;
      skewMaxMs = Math.max(skewMaxMs, skewMs);
      skewEndMs = skewMs;
    });
  }
  const result = await sim.run({ untilMs: DAY_MS });
  return { hash: result.traceHash, events: result.events, skewEndMs, skewMaxMs };
}

interface StampCounts {
  /** Stamps equal to one issued before. */
  repeated: number;
  /** Stamps smaller than one issued before: ordering by stamp puts them too early. */
  outOfOrder: number;
  /** How far the stamps went back at most, in ms. */
  backMs: number;
}

/** What ordering the events by these stamps (whole ms, as a millisecond wall clock gives) gets wrong. */
function countDisorder(stamps: readonly number[]): StampCounts {
  const seen = new Set<number>();
  let highest = -Infinity;
  const counts: StampCounts = { repeated: 0, outOfOrder: 0, backMs: 0 };
  for (const stamp of stamps) {
    if (seen.has(stamp)) counts.repeated++;
    if (stamp < highest) {
      counts.outOfOrder++;
      counts.backMs = Math.max(counts.backMs, highest - stamp);
    }
    seen.add(stamp);
    highest = Math.max(highest, stamp);
  }
  return counts;
}

/** One node stamps events from both clocks while NTP syncs it for the first time. */
async function runStamps(
  options: RunSeedOptions,
): Promise<World & { wall: StampCounts; monotonic: StampCounts; stepped: boolean }> {
  const wall: number[] = [];
  const monotonic: number[] = [];
  const sim = new Simulation({
    seed: options.seed,
    nodes: {
      app: (ctx) => ({
        async onStart() {
          while (ctx.clock.monotonicMs() < STAMP_RUN_MS) {
            wall.push(Math.floor(ctx.clock.wallMs()));
            monotonic.push(Math.floor(ctx.clock.monotonicMs()));
            await ctx.sleep(ctx.random.uniform(STAMP_GAP_MS_MIN, STAMP_GAP_MS_MAX));
          }
        },
      }),
    },
    clocks: {
      driftPpmMax: DRIFT_PPM_MAX,
      initialOffsetMsMax: STAMP_OFFSET_MS_MAX,
      ntp: { intervalMs: STAMP_NTP_INTERVAL_MS, errorMs: NTP_LAN_ERROR_MS },
    },
    ...(options.trace?.("stamps") ? { trace: options.trace("stamps")! } : {}),
  });
  const result = await sim.run({ untilMs: STAMP_RUN_MS + 100 });
  const w = countDisorder(wall);
  return {
    hash: result.traceHash,
    events: result.events,
    wall: w,
    monotonic: countDisorder(monotonic),
    stepped: w.backMs > 0,
  };
}

export const clockDrift: Scenario = {
  name: "clock-drift",
  title: "Clock drift, NTP's bounded skew, and a wall clock that steps back",
  claim:
    "The quartz clock in a computer drifts: Google assumes 200 ppm, 17 seconds for a clock " +
    "resynchronised once a day. NTP synchronisation can only be as good as the network delay, " +
    "and a clock too far off is forcibly reset, so applications see time go backward. " +
    "Time-of-day clocks are unsuitable for ordering or measuring; monotonic clocks are for that.",
  variants: [
    {
      name: "unsafe",
      description: "order a node's events by wall-clock timestamps",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "order a node's events by the monotonic clock",
      expectViolations: false,
    },
  ],
  properties: ["timestamps-monotonic"],
  figures: [
    {
      name: "free.skew-day-s",
      kind: "mean",
      unit: "s",
      description: "no sync: skew fastest–slowest after a day",
    },
    {
      name: "lan.skew-max-ms",
      kind: "max",
      unit: "ms",
      description: "NTP ±35 ms (LAN): largest skew seen in a day",
    },
    {
      name: "lan.skew-mean-max-ms",
      kind: "mean",
      unit: "ms",
      description: "NTP ±35 ms (LAN): a day's largest skew, mean",
    },
    {
      name: "internet.skew-max-ms",
      kind: "max",
      unit: "ms",
      description: "NTP ±100 ms (internet): largest skew in a day",
    },
    {
      name: "internet.skew-mean-max-ms",
      kind: "mean",
      unit: "ms",
      description: "NTP ±100 ms (internet): a day's largest skew, mean",
    },
    {
      name: "step.stepped-back",
      kind: "rate",
      description: "stamping runs whose clock NTP stepped back",
    },
    {
      name: "step.back-ms",
      kind: "max",
      unit: "ms",
      description: "largest backward step seen by the stamps",
    },
    {
      name: "step.wall-repeated",
      kind: "sum",
      description: "wall-clock stamps repeating an earlier one",
    },
    {
      name: "step.wall-out-of-order",
      kind: "sum",
      description: "wall-clock stamps below an earlier one",
    },
    {
      name: "step.monotonic-repeated",
      kind: "sum",
      description: "monotonic stamps repeating an earlier one",
    },
    {
      name: "step.monotonic-out-of-order",
      kind: "sum",
      description: "monotonic stamps below an earlier one",
    },
  ],
  keyFigures: ["step.wall-out-of-order", "step.monotonic-out-of-order", "lan.skew-max-ms"],
  tourSeeds: 600,
  async run(options): Promise<SeedOutcome> {
    const free = await runDay(options, "day/free", undefined);
    const lan = await runDay(options, "day/ntp-lan", NTP_LAN_ERROR_MS);
    const internet = await runDay(options, "day/ntp-internet", NTP_INTERNET_ERROR_MS);
    const stamps = await runStamps(options);
    const ordered = options.variant === "safe" ? stamps.monotonic : stamps.wall;
    const worlds = [free, lan, internet, stamps];
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: {
        "timestamps-monotonic": ordered.outOfOrder + ordered.repeated > 0 ? "violated" : "held",
      },
      figures: {
        "free.skew-day-s": free.skewEndMs / 1000,
        "lan.skew-max-ms": lan.skewMaxMs,
        "lan.skew-mean-max-ms": lan.skewMaxMs,
        "internet.skew-max-ms": internet.skewMaxMs,
        "internet.skew-mean-max-ms": internet.skewMaxMs,
        "step.stepped-back": stamps.stepped ? 1 : 0,
        "step.back-ms": stamps.wall.backMs,
        "step.wall-repeated": stamps.wall.repeated,
        "step.wall-out-of-order": stamps.wall.outOfOrder,
        "step.monotonic-repeated": stamps.monotonic.repeated,
        "step.monotonic-out-of-order": stamps.monotonic.outOfOrder,
      },
      traceHash: combineHashes(worlds.map((w) => w.hash)),
      events: worlds.reduce((sum, w) => sum + w.events, 0),
    };
  },
};
