// Random fault schedules in the swarm style (Groce et al., "Swarm Testing", ISSTA 2012). Turning
// every fault on in every run hides bugs: a run full of crashes never lets a partition last long
// enough to matter. So each seed first picks *which* fault kinds are on (a random non-empty subset
// of the menu) and *how hard* (an intensity in (0, 1] that scales rates, sizes and durations),
// and only then draws timed actions. Every fault that has an end gets one: partitions heal, links
// come back up, loss and duplication bursts return to their baseline, slow periods return to
// factor 1, crashed nodes recover (unless crash-stop is allowed and drawn), Byzantine nodes turn
// honest again. Each kind draws from its own stream derived from the rng, so turning one kind on
// or off does not reshuffle the others' actions — the property that makes schedules shrinkable.

import { ConfigError } from "../core/errors.js";
import type { Rng } from "../core/Rng.js";
import {
  requireInteger,
  requireNonNegative,
  requirePositive,
  requireRange,
} from "../core/validate.js";
import {
  describeFault,
  validateFaultSchedule,
  type ByzantineBehaviorName,
  type FaultAction,
  type FaultKind,
} from "./FaultAction.js";

/** Kinds the generator can draw. `heal`, `link-up` and `recover` only close other faults. */
export const RANDOM_FAULT_KINDS: readonly FaultKind[] = [
  "partition",
  "partition-majority",
  "cut",
  "isolate",
  "ring",
  "link-down",
  "slow",
  "loss",
  "duplicate",
  "pause",
  "crash",
  "clock-jump",
  "clock-drift",
  "byzantine",
];

/** The default menu: network, process and clock faults, but no Byzantine behaviour. */
export const DEFAULT_RANDOM_FAULT_KINDS: readonly FaultKind[] = RANDOM_FAULT_KINDS.filter(
  (k) => k !== "byzantine",
);

const PARTITION_KINDS: readonly FaultKind[] = [
  "partition",
  "partition-majority",
  "cut",
  "isolate",
  "ring",
];
const PAIR_KINDS: readonly FaultKind[] = [...PARTITION_KINDS, "link-down", "slow"];
const LYING: readonly ByzantineBehaviorName[] = [
  "silent",
  "corrupt",
  "replay",
  "equivocate",
  "lie",
];

export interface RandomFaultScheduleOptions {
  /** The world's node ids; every action names only these. */
  nodes: readonly string[];
  /** Every action (and every scheduled recovery) falls in [0, durationMs]. */
  durationMs: number;
  /** The menu each seed draws its enabled subset from (default DEFAULT_RANDOM_FAULT_KINDS). */
  kinds?: readonly FaultKind[];
  /** At most this many actions (default 100); whole episodes are kept or left out together. */
  maxActions?: number;
  /** Fixes the intensity instead of drawing it; in (0, 1]. */
  intensity?: number;
  /** Enables every kind of the menu instead of drawing a subset (classic, non-swarm testing). */
  enableAll?: boolean;
  /** Lets a crash occasionally be a crash-stop (never recovers); a majority always survives. */
  allowCrashStop?: boolean;
  /** Every fault has ended by `durationMs - quietTailMs`, so liveness can be checked after it. */
  quietTailMs?: number;
  /** What loss and duplication bursts return to (the network's configured probabilities). */
  baselineLossProbability?: number;
  baselineDuplicateProbability?: number;
}

export interface RandomFaultSchedule {
  enabledKinds: FaultKind[];
  intensity: number;
  /** Sorted by time, valid for `validateFaultSchedule` with the given nodes. */
  actions: FaultAction[];
}

interface Episode {
  startMs: number;
  actions: FaultAction[];
}

interface Context {
  nodes: readonly string[];
  endMs: number;
  intensity: number;
  /** Mean gap between episodes of one global lane, in ms. */
  meanGapMs: number;
  baselineLoss: number;
  baselineDuplicate: number;
  allowCrashStop: boolean;
  maxEpisodes: number;
}

/**
 * Draws a swarm-style fault schedule. Deterministic in `rng`'s seed and path: it reads only
 * streams derived from `rng` and does not advance `rng` itself.
 */
export function randomFaultSchedule(
  rng: Rng,
  options: RandomFaultScheduleOptions,
): RandomFaultSchedule {
  const o = validateOptions(options);
  const swarm = rng.derive("swarm");
  // Intensity is drawn in (0, 1]: rounded to three digits, never below 0.001.
  let enabledKinds = o.menu.filter(() => o.enableAll || swarm.chance(0.5));
  if (enabledKinds.length === 0) enabledKinds = [swarm.pick(o.menu)];
  // 1 - float() lies in (0, 1]: never zero, sometimes exactly the maximum.
  const intensity = o.intensity ?? Math.max(0.001, round(1 - swarm.float(), 3));
  const ctx: Context = {
    nodes: o.nodes,
    endMs: o.durationMs - o.quietTailMs,
    intensity,
    meanGapMs: o.durationMs / (1 + 8 * intensity),
    baselineLoss: o.baselineLoss,
    baselineDuplicate: o.baselineDuplicate,
    allowCrashStop: o.allowCrashStop,
    maxEpisodes: o.maxActions,
  };
  const episodes: Episode[] = [];
  const partitionKinds = enabledKinds.filter((k) => PARTITION_KINDS.includes(k));
  if (partitionKinds.length > 0)
    episodes.push(...partitionLane(rng.derive("swarm/partition"), ctx, partitionKinds));
  for (const kind of enabledKinds) {
    if (PARTITION_KINDS.includes(kind)) continue;
    episodes.push(...LANES[kind]!(rng.derive(`swarm/${kind}`), ctx));
  }
  // Keep whole episodes, earliest first, within the action budget.
  episodes.sort((a, b) => a.startMs - b.startMs);
  const kept: FaultAction[] = [];
  for (const e of episodes) {
    if (kept.length + e.actions.length > o.maxActions) continue;
    kept.push(...e.actions);
  }
  return { enabledKinds, intensity, actions: validateFaultSchedule(kept, o.nodes) };
}

/** One line for tables: the enabled kinds, the intensity and the number of actions. */
export function describeSchedule(schedule: RandomFaultSchedule): string {
  const kinds = schedule.enabledKinds.join(",");
  return `${kinds} @${schedule.intensity.toFixed(2)} (${schedule.actions.length} actions)`;
}

/** The schedule as one action per line, in the order `validateFaultSchedule` returns. */
export function describeActions(actions: readonly FaultAction[]): string[] {
  return actions.map((a) => `${a.atMs}ms ${describeFault(a)}`);
}

// --- Lanes --------------------------------------------------------------------------------------
// A lane is a sequence of non-overlapping episodes of one kind: gap, episode, gap, episode... Kinds
// that share network state (every partition form is undone by the same `heal`) share one lane.

type Lane = (rng: Rng, ctx: Context) => Episode[];

/**
 * Walks a lane from 0 to ctx.endMs. `draw(startMs, roomMs)` returns an episode that must end by
 * startMs + roomMs, or undefined to end the lane. `gapScale` stretches gaps for per-node lanes.
 */
function walk(
  rng: Rng,
  ctx: Context,
  gapScale: number,
  draw: (startMs: number, roomMs: number) => Episode | undefined,
): Episode[] {
  const out: Episode[] = [];
  let t = 0;
  while (out.length < ctx.maxEpisodes) {
    t += Math.max(1, Math.round(rng.exponential(ctx.meanGapMs * gapScale)));
    const room = ctx.endMs - t;
    if (room < 1) break;
    const e = draw(t, room);
    if (e === undefined) break;
    out.push(e);
    t = Math.max(t, ...e.actions.map(faultEndMs));
  }
  return out;
}

/** When an action's effect ends: a crash at its recovery, a pause when the node resumes. */
export function faultEndMs(a: FaultAction): number {
  if (a.kind === "crash" && a.recoverAfterMs !== undefined) return a.atMs + a.recoverAfterMs;
  if (a.kind === "pause") return a.atMs + a.durationMs;
  return a.atMs;
}

/** A duration for a network episode: a few percent of the run, longer when intense. */
function spanMs(rng: Rng, ctx: Context, roomMs: number): number {
  const total = ctx.endMs;
  const ms = Math.round(total * rng.uniform(0.01, 0.05 + 0.2 * ctx.intensity));
  return Math.min(roomMs, Math.max(1, ms));
}

/** Log-uniform in [lo, hi]: spreads draws evenly over orders of magnitude (ms … s). */
function logUniform(rng: Rng, lo: number, hi: number): number {
  if (hi <= lo) return lo;
  return Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
}

function partitionLane(rng: Rng, ctx: Context, kinds: readonly FaultKind[]): Episode[] {
  return walk(rng, ctx, 1, (t, room) => {
    const d = spanMs(rng, ctx, room);
    const open = partitionAction(rng, ctx.nodes, rng.pick(kinds), t);
    return { startMs: t, actions: [open, { atMs: t + d, kind: "heal" }] };
  });
}

function partitionAction(
  rng: Rng,
  nodes: readonly string[],
  kind: FaultKind,
  atMs: number,
): FaultAction {
  const shuffled = rng.shuffle([...nodes]);
  switch (kind) {
    case "partition": {
      const groupCount = Math.min(nodes.length, 2 + (nodes.length > 3 && rng.chance(0.3) ? 1 : 0));
      const groups: string[][] = Array.from({ length: groupCount }, () => []);
      shuffled.forEach((id, i) => groups[i < groupCount ? i : rng.int(groupCount)]!.push(id));
      return { atMs, kind, groups };
    }
    case "partition-majority": {
      const size = 1 + rng.int(Math.max(1, Math.floor((nodes.length - 1) / 2)));
      return { atMs, kind, minority: shuffled.slice(0, size) };
    }
    case "cut":
      return { atMs, kind, from: shuffled[0]!, to: shuffled[1]! };
    case "isolate":
      return { atMs, kind, node: shuffled[0]! };
    case "ring":
      return { atMs, kind, order: shuffled };
    default:
      throw new RangeError(`not a partition kind: ${kind}`);
  }
}

const LANES: Partial<Record<FaultKind, Lane>> = {
  "link-down": (rng, ctx) =>
    walk(rng, ctx, 1, (t, room) => {
      const [a, b] = rng.shuffle([...ctx.nodes]) as [string, string];
      const d = spanMs(rng, ctx, room);
      return {
        startMs: t,
        actions: [
          { atMs: t, kind: "link-down", from: a, to: b },
          { atMs: t + d, kind: "link-up", from: a, to: b },
        ],
      };
    }),
  slow: (rng, ctx) =>
    walk(rng, ctx, 1, (t, room) => {
      const factor = round(1 + logUniform(rng, 0.5, 1 + 49 * ctx.intensity), 2);
      const d = spanMs(rng, ctx, room);
      const link = rng.chance(0.3) ? rng.shuffle([...ctx.nodes]) : undefined;
      const on = link ? { from: link[0]!, to: link[1]! } : {};
      return {
        startMs: t,
        actions: [
          { atMs: t, kind: "slow", factor, ...on },
          { atMs: t + d, kind: "slow", factor: 1, ...on },
        ],
      };
    }),
  loss: (rng, ctx) => burstLane(rng, ctx, "loss", 0.5, ctx.baselineLoss),
  duplicate: (rng, ctx) => burstLane(rng, ctx, "duplicate", 0.3, ctx.baselineDuplicate),
  pause: (rng, ctx) =>
    perNode(rng, ctx, (node, r, t, room) => {
      // GC pauses are ms; VM suspensions are seconds. Intensity stretches the tail.
      const hi = Math.min(room, 50 + 5_000 * ctx.intensity);
      const durationMs = Math.max(1, Math.min(room, Math.round(logUniform(r, 1, hi))));
      return { startMs: t, actions: [{ atMs: t, kind: "pause", node, durationMs }] };
    }),
  crash: (rng, ctx) => {
    const canStop = ctx.allowCrashStop ? Math.floor((ctx.nodes.length - 1) / 2) : 0;
    let stopped = 0;
    return perNode(rng, ctx, (node, r, t, room) => {
      if (stopped < canStop && r.chance(0.1 + 0.1 * ctx.intensity)) {
        stopped++;
        return { startMs: t, actions: [{ atMs: t, kind: "crash", node }] };
      }
      const hi = Math.min(room, 50 + 0.2 * ctx.endMs * ctx.intensity);
      const recoverAfterMs = Math.max(1, Math.min(room, Math.round(logUniform(r, 1, hi))));
      return { startMs: t, actions: [{ atMs: t, kind: "crash", node, recoverAfterMs }] };
    });
  },
  "clock-jump": (rng, ctx) =>
    perNode(rng, ctx, (node, r, t) => {
      const magnitude = Math.round(logUniform(r, 1, 100 + 10_000 * ctx.intensity));
      const deltaMs = r.chance(0.5) ? magnitude : -magnitude;
      return { startMs: t, actions: [{ atMs: t, kind: "clock-jump", node, deltaMs }] };
    }),
  "clock-drift": (rng, ctx) =>
    perNode(rng, ctx, (node, r, t) => {
      const bound = 20 + 480 * ctx.intensity;
      const driftPpm = round(r.uniform(-bound, bound), 1);
      return { startMs: t, actions: [{ atMs: t, kind: "clock-drift", node, driftPpm }] };
    }),
  byzantine: (rng, ctx) =>
    walk(rng, ctx, 1, (t, room) => {
      const node = rng.pick(ctx.nodes);
      const behavior = rng.pick(LYING);
      const d = spanMs(rng, ctx, room);
      return {
        startMs: t,
        actions: [
          { atMs: t, kind: "byzantine", node, behavior },
          { atMs: t + d, kind: "byzantine", node, behavior: "honest" },
        ],
      };
    }),
};

function burstLane(
  rng: Rng,
  ctx: Context,
  kind: "loss" | "duplicate",
  maxProbability: number,
  baseline: number,
): Episode[] {
  return walk(rng, ctx, 1, (t, room) => {
    const p = round(rng.uniform(0.01, 0.05 + (maxProbability - 0.05) * ctx.intensity), 3);
    const d = spanMs(rng, ctx, room);
    return {
      startMs: t,
      actions: [
        { atMs: t, kind, probability: Math.max(p, baseline) },
        { atMs: t + d, kind, probability: baseline },
      ],
    };
  });
}

/** One lane per node, each with gaps n times longer, so the world-wide rate matches one lane. */
function perNode(
  rng: Rng,
  ctx: Context,
  draw: (node: string, rng: Rng, startMs: number, roomMs: number) => Episode | undefined,
): Episode[] {
  const out: Episode[] = [];
  for (const node of ctx.nodes) {
    const r = rng.derive(node);
    let ended = false;
    out.push(
      ...walk(r, ctx, ctx.nodes.length, (t, room) => {
        if (ended) return undefined;
        const e = draw(node, r, t, room);
        // A crash-stop ends the node's lane: nothing more happens to a node that is gone.
        if (e?.actions.some((a) => a.kind === "crash" && a.recoverAfterMs === undefined))
          ended = true;
        return e;
      }),
    );
  }
  return out;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// --- Options ------------------------------------------------------------------------------------

function validateOptions(options: RandomFaultScheduleOptions) {
  const nodes = options.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0 || new Set(nodes).size !== nodes.length) {
    throw new ConfigError({
      field: "randomFaults.nodes",
      value: nodes,
      expected: "a non-empty list of distinct node ids",
      fix: "pass the world's node ids",
    });
  }
  const durationMs = requirePositive("randomFaults.durationMs", options.durationMs);
  const requested = options.kinds ?? DEFAULT_RANDOM_FAULT_KINDS;
  requested.forEach((k, i) => {
    if (!RANDOM_FAULT_KINDS.includes(k)) {
      throw new ConfigError({
        field: `randomFaults.kinds[${i}]`,
        value: k,
        expected: `one of ${RANDOM_FAULT_KINDS.join(", ")}`,
        fix: "heal, link-up and recover are generated as the ends of other faults; leave them out",
      });
    }
  });
  // Faults between two nodes mean nothing in a world of one.
  const menu = [...new Set(requested)].filter((k) => nodes.length > 1 || !PAIR_KINDS.includes(k));
  if (menu.length === 0) {
    throw new ConfigError({
      field: "randomFaults.kinds",
      value: requested,
      expected: "at least one kind that applies to this world",
      fix: "name some kinds (a one-node world has no network faults)",
    });
  }
  const quietTailMs = requireNonNegative("randomFaults.quietTailMs", options.quietTailMs ?? 0);
  if (quietTailMs >= durationMs) {
    throw new ConfigError({
      field: "randomFaults.quietTailMs",
      value: quietTailMs,
      expected: `less than durationMs (${durationMs})`,
      fix: "leave some time for faults",
    });
  }
  const intensity =
    options.intensity === undefined
      ? undefined
      : requireRange("randomFaults.intensity", options.intensity, Number.MIN_VALUE, 1);
  return {
    nodes,
    durationMs,
    menu,
    quietTailMs,
    intensity,
    enableAll: options.enableAll ?? false,
    maxActions: requireInteger("randomFaults.maxActions", options.maxActions ?? 100, 1),
    allowCrashStop: options.allowCrashStop ?? false,
    baselineLoss: requireRange(
      "randomFaults.baselineLossProbability",
      options.baselineLossProbability ?? 0,
      0,
      1,
    ),
    baselineDuplicate: requireRange(
      "randomFaults.baselineDuplicateProbability",
      options.baselineDuplicateProbability ?? 0,
      0,
      1,
    ),
  };
}
