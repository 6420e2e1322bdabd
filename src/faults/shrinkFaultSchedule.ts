// Shrinking a failing fault schedule. A random schedule that breaks a system usually holds dozens
// of actions of which one or two matter; the shrinker finds those by re-running the world on
// smaller schedules. It is Zeller and Hildebrandt's delta debugging ("Simplifying and Isolating
// Failure-Inducing Input", TSE 2002), ddmin, over *units* rather than single actions: a fault and
// the action that ends it (a partition and its heal, a crash and its recover) are kept or dropped
// together, because a partition without its heal is a different, harsher fault — shrinking to it
// would explain a failure the original run never had. A second pass then shortens what is left:
// pauses, crash downtimes and the gap between a fault and its end, halved while the run still
// fails. Everything is deterministic and bounded by a budget of runs; shrinking only works because
// a world's random streams are split per part (DESIGN.md), so that dropping a fault does not
// reshuffle every other draw of the run.

import { assert } from "../core/assert.js";
import { ConfigError } from "../core/errors.js";
import { requireInteger } from "../core/validate.js";
import { PARTITION_FAULT_KINDS, type FaultAction } from "./FaultAction.js";

export interface ShrinkFaultScheduleOptions {
  /** At most this many calls of `stillFails` (default 500), the check of the input included. */
  maxRuns?: number;
}

export interface ShrinkResult {
  /** The smallest schedule found that still fails, sorted by time. */
  actions: FaultAction[];
  /** How many times `stillFails` was called (identical candidates are asked only once). */
  runs: number;
  /**
   * True when the budget ran out before the result was 1-minimal (removing any one unit makes the
   * run pass). A budget that runs out while durations are being shortened leaves this false: the
   * result is 1-minimal, only some of its durations may be longer than they need to be.
   */
  exhausted: boolean;
}

export type StillFails = (candidate: FaultAction[]) => Promise<boolean> | boolean;

const DEFAULT_MAX_RUNS = 500;

/**
 * Shrinks a schedule for which `stillFails` returns true to a 1-minimal one (in units of a fault
 * and its end) that still fails, then shortens its durations. Each candidate keeps the input's
 * order (sorted by `atMs`, ties in input order) and is a fresh copy the predicate may keep.
 * Throws a ConfigError if the input itself passes: there is nothing to shrink.
 */
export async function shrinkFaultSchedule(
  actions: readonly FaultAction[],
  stillFails: StillFails,
  options: ShrinkFaultScheduleOptions = {},
): Promise<ShrinkResult> {
  if (!Array.isArray(actions)) {
    throw new ConfigError({
      field: "shrink.actions",
      value: actions,
      expected: "an array of fault actions",
      fix: "pass the failing run's schedule, e.g. randomFaultSchedule(...).actions",
    });
  }
  const maxRuns = requireInteger("shrink.maxRuns", options.maxRuns ?? DEFAULT_MAX_RUNS, 1);
  const input = sortStable(structuredClone(actions as FaultAction[]));
  const runner = new Runner(stillFails, maxRuns);
  const all = new Map(input.map((a, i) => [i, a]));
  if (!(await runner.fails(all))) {
    throw new ConfigError({
      field: "shrink.actions",
      value: actions,
      expected: "a schedule for which stillFails returns true",
      fix:
        "this schedule passed, so there is nothing to shrink; " +
        "check that the predicate replays the failing seed and config",
    });
  }
  const units = faultUnits(input);
  const kept = await ddmin(runner, input, units);
  if (kept === undefined) return runner.result(runner.best, true);
  await shortenDurations(runner, select(input, kept), lengthsOf(input, kept));
  return runner.result(runner.best, false);
}

// --- Units: a fault and the action that ends it ------------------------------------------------

/**
 * Groups a time-ordered schedule into the units the shrinker keeps or drops whole, as index lists
 * ordered by their first action. A fault pairs with the first later action that ends it and that
 * no earlier fault claimed: a partition, partition-majority, cut, isolate or ring with a `heal`;
 * `link-down` with `link-up` of the same two nodes (either direction); a `crash` with a `recover`
 * of its node before its own `recoverAfterMs` would bring it back. Faults that set a level pair
 * with the very next action that sets the same level, if that one returns it to baseline: `slow`
 * (same link, or both network-wide) with factor 1, `loss` and `duplicate` with a probability no
 * higher, `byzantine` with the same node turning `honest`. Everything else is a unit of one:
 * pauses, crashes that recover by themselves, clock jumps and drifts, and closers left without a
 * fault.
 */
export function faultUnits(actions: readonly FaultAction[]): number[][] {
  const closerOf = new Map<number, number>();
  const claimed = new Set<number>();
  actions.forEach((_, i) => {
    if (claimed.has(i)) return;
    const j = findCloser(actions, i, claimed);
    if (j === undefined) return;
    closerOf.set(i, j);
    claimed.add(j);
  });
  const units: number[][] = [];
  actions.forEach((_, i) => {
    if (claimed.has(i)) return;
    const j = closerOf.get(i);
    units.push(j === undefined ? [i] : [i, j]);
  });
  return units;
}

function findCloser(
  actions: readonly FaultAction[],
  i: number,
  claimed: ReadonlySet<number>,
): number | undefined {
  const a = actions[i]!;
  // The first unclaimed later action that ends `a`.
  const first = (ends: (b: FaultAction) => boolean): number | undefined => {
    for (let j = i + 1; j < actions.length; j++) if (!claimed.has(j) && ends(actions[j]!)) return j;
    return undefined;
  };
  // The next action that sets the same level, if it is unclaimed and returns it to baseline.
  const next = (
    same: (b: FaultAction) => boolean,
    returns: (b: FaultAction) => boolean,
  ): number | undefined => {
    for (let j = i + 1; j < actions.length; j++) {
      const b = actions[j]!;
      if (same(b)) return !claimed.has(j) && returns(b) ? j : undefined;
    }
    return undefined;
  };
  if (PARTITION_FAULT_KINDS.has(a.kind)) return first((b) => b.kind === "heal");
  switch (a.kind) {
    case "link-down":
      return first(
        (b) =>
          b.kind === "link-up" &&
          ((b.from === a.from && b.to === a.to) || (b.from === a.to && b.to === a.from)),
      );
    case "crash": {
      const endMs = a.recoverAfterMs === undefined ? Infinity : a.atMs + a.recoverAfterMs;
      return first((b) => b.kind === "recover" && b.node === a.node && b.atMs <= endMs);
    }
    case "slow":
      if (a.factor === 1) return undefined;
      return next(
        (b) => b.kind === "slow" && b.from === a.from && b.to === a.to,
        (b) => b.kind === "slow" && b.factor === 1,
      );
    case "loss":
    case "duplicate":
      return next(
        (b) => b.kind === a.kind,
        (b) => (b.kind === "loss" || b.kind === "duplicate") && b.probability <= a.probability,
      );
    case "byzantine":
      if (a.behavior === "honest") return undefined;
      return next(
        (b) => b.kind === "byzantine" && b.node === a.node,
        (b) => b.kind === "byzantine" && b.behavior === "honest",
      );
    default:
      return undefined;
  }
}

// --- Running candidates within the budget ------------------------------------------------------

/** A candidate: actions by their index in the sorted input, which breaks ties of `atMs`. */
type Candidate = ReadonlyMap<number, FaultAction>;

class Runner {
  runs = 0;
  /** The last candidate that failed. */
  best: Candidate = new Map();
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly stillFails: StillFails,
    private readonly maxRuns: number,
  ) {}

  /** Whether the candidate fails; undefined once the budget is spent. Each one is asked once. */
  async fails(candidate: Candidate): Promise<boolean | undefined> {
    const actions = ordered(candidate);
    const key = JSON.stringify(actions);
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      if (this.runs >= this.maxRuns) return undefined;
      this.runs++;
      verdict = await this.stillFails(structuredClone(actions));
      assert(
        typeof verdict === "boolean",
        () => `stillFails must return a boolean, got ${verdict}`,
      );
      this.verdicts.set(key, verdict);
    }
    if (verdict) this.best = candidate;
    return verdict;
  }

  result(candidate: Candidate, exhausted: boolean): ShrinkResult {
    return { actions: structuredClone(ordered(candidate)), runs: this.runs, exhausted };
  }
}

function ordered(candidate: Candidate): FaultAction[] {
  return [...candidate]
    .sort(([i, a], [j, b]) => a.atMs - b.atMs || i - j)
    .map(([, action]) => action);
}

function sortStable(actions: FaultAction[]): FaultAction[] {
  return ordered(new Map(actions.map((a, i) => [i, a])));
}

function select(
  input: readonly FaultAction[],
  units: readonly number[][],
): Map<number, FaultAction> {
  return new Map(units.flat().map((i) => [i, input[i]!]));
}

// --- Pass 1: delta debugging over units --------------------------------------------------------

/**
 * ddmin, in the complement-only form of Zeller's "The Debugging Book": split the units into n
 * chunks; drop a chunk if the rest still fails, else split finer. With two chunks each complement
 * is the other chunk, so trying the chunks alone as well (the 2002 paper's first step) costs runs
 * and, on schedules like those of the tests, finds nothing the complements miss. Ends when no
 * single unit can be dropped (1-minimal), or returns undefined when the budget runs out first. An
 * empty schedule is tried first, so that a failure that needs no fault at all shrinks to nothing.
 */
async function ddmin(
  runner: Runner,
  input: readonly FaultAction[],
  units: readonly number[][],
): Promise<number[][] | undefined> {
  const empty = await runner.fails(new Map());
  if (empty === undefined) return undefined;
  if (empty) return [];
  let kept = [...units];
  let n = 2;
  while (kept.length >= 2) {
    n = Math.min(n, kept.length);
    const chunks = split(kept, n);
    let reduced = false;
    for (let c = 0; c < n && !reduced; c++) {
      const complement = chunks.filter((_, d) => d !== c).flat();
      const verdict = await runner.fails(select(input, complement));
      if (verdict === undefined) return undefined;
      if (!verdict) continue;
      kept = complement;
      n = Math.max(n - 1, 2);
      reduced = true;
    }
    if (reduced) continue;
    if (n === kept.length) break;
    n = Math.min(2 * n, kept.length);
  }
  return kept;
}

/** n contiguous chunks of near-equal size. */
function split<T>(items: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, c) =>
    items.slice(Math.floor((c * items.length) / n), Math.floor(((c + 1) * items.length) / n)),
  );
}

// --- Pass 2: shorter durations -----------------------------------------------------------------

/** One duration of a candidate: how to read it from an action and write a shorter one. */
interface Length {
  index: number;
  read: (a: FaultAction) => number;
  write: (a: FaultAction, ms: number) => FaultAction;
}

/**
 * Halves each duration of the 1-minimal schedule while the run still fails: pauses, crash
 * downtimes, and the time from a fault to the action that ends it (the closer moves earlier; the
 * fault stays where it was). Durations stay at least 1 ms. Stops quietly when the budget runs out.
 */
async function shortenDurations(
  runner: Runner,
  start: Candidate,
  lengths: readonly Length[],
): Promise<void> {
  let candidate = start;
  for (const length of lengths) {
    for (;;) {
      const action = candidate.get(length.index)!;
      const ms = length.read(action);
      const shorter = Math.floor(ms / 2);
      if (shorter < 1 || shorter >= ms) break;
      const next = new Map(candidate).set(length.index, length.write(action, shorter));
      const verdict = await runner.fails(next);
      if (verdict === undefined) return;
      if (!verdict) break;
      candidate = next;
    }
  }
}

/** The durations of the kept units, in unit order. */
function lengthsOf(input: readonly FaultAction[], units: readonly number[][]): Length[] {
  const out: Length[] = [];
  for (const [index, closer] of units) {
    const opener = input[index!]!;
    if (opener.kind === "pause") {
      out.push({
        index: index!,
        read: (a) => (a.kind === "pause" ? a.durationMs : 0),
        write: (a, ms) => ({ ...a, durationMs: ms }),
      });
    }
    if (opener.kind === "crash" && opener.recoverAfterMs !== undefined) {
      out.push({
        index: index!,
        read: (a) => (a.kind === "crash" ? (a.recoverAfterMs ?? 0) : 0),
        write: (a, ms) => ({ ...a, recoverAfterMs: ms }),
      });
    }
    if (closer !== undefined) {
      // The fault never moves, so its start is the input's.
      out.push({
        index: closer,
        read: (a) => a.atMs - opener.atMs,
        write: (a, ms) => ({ ...a, atMs: opener.atMs + ms }),
      });
    }
  }
  return out;
}
