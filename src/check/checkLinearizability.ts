// Decides whether a history is linearizable with respect to a model: whether every operation can
// be given one instant, within its interval, at which it took effect, so that the model run in that
// order gives every output the clients saw. `fail` operations are left out (they did not happen);
// `info` operations may take effect at any time after their invocation, or never.
//
// The history is split into the model's parts and each part is searched on its own
// (P-compositionality, Horn and Kroening). Parts are searched round robin in slices of model steps,
// so one hard part cannot hide a violation in an easy one: every undecided part gets the same
// share of the budget, and the first illegal part ends the check. When a budget runs out first,
// the answer is `unknown`, never `ok`, and it says which budget it was.
//
// The budgets are deterministic: model steps (`maxSteps`) and the bytes of the states the memo
// holds (`maxStateBytes`), measured by the model's `sizeOfState` and a fixed cost per entry, not
// read from the process. The same history, model and budgets give the same verdict and the same
// step count on any machine, under any load. Two stops can depend on the machine, and each is
// reported under its own reason: the wall-time guard `timeoutMs`, only when the caller sets it
// (`timeout`), and the last-resort stop near the V8 heap's limit, only when given a `heap` probe
// (`heap`).

import type { MonotonicClock } from "../core/Clock.js";
import { ConfigError } from "../core/errors.js";
import { requireInteger, requirePositive } from "../core/validate.js";
import { MAX_NESTING_DEPTH } from "../core/parseExactJson.js";
import type { History, Operation } from "../workload/Operation.js";
import { isValue } from "../workload/Value.js";
import type { LinearizabilityResult, LinearizabilityStats } from "./LinearizabilityResult.js";
import type { Model } from "./Model.js";
import { ModelInputError } from "./ModelInputError.js";
import { PartSearch } from "./PartSearch.js";

export interface LinearizabilityOptions {
  /** Give up with `unknown` (steps) after this many model steps in all. Default 20,000,000. */
  readonly maxSteps?: number;
  /**
   * Give up with `unknown` (memory) once the memo holds this many bytes of states and entries, as
   * measured deterministically (the model's `sizeOfState`, or a walk of the state, plus a fixed
   * cost per entry). Default 512 MiB.
   */
  readonly maxStateBytes?: number;
  /** The former name of `maxStateBytes`; used when that is not given. */
  readonly maxMemoryBytes?: number;
  /** Model steps a part gets per turn of the round robin. Default 2,000. */
  readonly sliceSteps?: number;
  /**
   * An outer guard on wall time: give up with `unknown` (timeout) after this long. Off unless set,
   * since a verdict that depends on the machine's load cannot be reproduced; needs `clock`.
   */
  readonly timeoutMs?: number;
  /** Measures `timeoutMs` and `stats.elapsedMs`; the CLI passes a real one, a simulation its own. */
  readonly clock?: MonotonicClock;
  /**
   * The process's heap, looked at between slices: a last-resort stop that answers `unknown`
   * (heap) once the heap holds `HEAP_SHARE` of its limit, so that a state budget near or above
   * what the heap can hold ends in an answer instead of an out-of-memory abort. It depends on the
   * machine, so it is reported apart from the deterministic budgets. The CLI passes V8's figures;
   * leave it out where the heap is not this search's to watch.
   */
  readonly heap?: HeapProbe;
}

/** The heap's use and its limit, in bytes. */
export interface HeapProbe {
  usedBytes(): number;
  readonly limitBytes: number;
}

/** The share of the heap limit at which the search stops, leaving room to report and exit. */
export const HEAP_SHARE = 0.75;

/** The step budget when none is given: a few seconds of search on a laptop. */
export const DEFAULT_MAX_STEPS = 20_000_000;
/** The state budget when none is given. */
export const DEFAULT_MAX_STATE_BYTES = 512 * 1024 * 1024;
/** V8's Map holds at most 2^24 entries; a part's memo stops short of that, whatever the budget. */
const MAX_VISITED_PER_PART = 16_000_000;

export function checkLinearizability<State>(
  history: History,
  model: Model<State>,
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  const budget = readBudget(options);
  const clock = options.clock;
  const startMs = clock?.monotonicMs() ?? 0;
  const parts = partition(history, model);
  const active = [...parts];
  let steps = 0;
  let visited = 0;
  let bytes = active.reduce((sum, part) => sum + part.approxBytes, 0);
  // Asked inside a slice too, so that a slice of slow model steps cannot overrun the time budget.
  const outOfTime =
    clock === undefined || budget.timeoutMs === Infinity
      ? undefined
      : () => clock.monotonicMs() - startMs > budget.timeoutMs;
  const stats = (): LinearizabilityStats => ({
    operations: history.length,
    partitions: parts.length,
    steps,
    visitedStates: visited + active.reduce((sum, part) => sum + part.visitedStates, 0),
    ...(clock ? { elapsedMs: clock.monotonicMs() - startMs } : {}),
  });
  while (active.length > 0) {
    for (let i = 0; i < active.length;) {
      const part = active[i] as PartSearch<State>;
      const stepsBefore = part.steps;
      const bytesBefore = part.approxBytes;
      const status = part.run(Math.min(budget.sliceSteps, budget.maxSteps - steps), outOfTime);
      steps += part.steps - stepsBefore;
      bytes += part.approxBytes - bytesBefore;
      if (status === "illegal") {
        const longest = part.longest();
        return {
          verdict: "illegal",
          model: model.name,
          stats: stats(),
          partition: part.name,
          unlinearizable: [
            longest.blocked,
            ...longest.candidates
              .map((c) => c.operation)
              .filter((op) => op.id !== longest.blocked.id),
          ],
          longest: [longest],
        };
      }
      if (status === "ok") {
        visited += part.visitedStates;
        bytes -= part.approxBytes;
        active.splice(i, 1);
      } else i++;
      // The deterministic budgets first, so that where one of them has run out the reason does
      // not depend on the machine.
      const reason =
        steps >= budget.maxSteps
          ? "steps"
          : bytes > budget.maxStateBytes || part.visitedStates > MAX_VISITED_PER_PART
            ? "memory"
            : heapFull(options.heap)
              ? "heap"
              : outOfTime?.()
                ? "timeout"
                : undefined;
      if (reason !== undefined && active.length > 0) {
        return {
          verdict: "unknown",
          model: model.name,
          stats: stats(),
          reason,
          undecided: active.map((p) => p.name),
        };
      }
    }
  }
  return { verdict: "ok", model: model.name, stats: stats() };
}

function heapFull(heap: HeapProbe | undefined): boolean {
  return heap !== undefined && heap.usedBytes() > HEAP_SHARE * heap.limitBytes;
}

function readBudget(options: LinearizabilityOptions) {
  if (options.timeoutMs !== undefined && options.clock === undefined) {
    throw new ConfigError({
      field: "clock",
      value: undefined,
      expected: "a MonotonicClock when timeoutMs is set",
      fix: "pass the clock that measures the time budget (the real one, or the simulator's)",
    });
  }
  return {
    timeoutMs:
      options.timeoutMs === undefined ? Infinity : requirePositive("timeoutMs", options.timeoutMs),
    maxStateBytes:
      options.maxStateBytes !== undefined
        ? requirePositive("maxStateBytes", options.maxStateBytes)
        : requirePositive("maxMemoryBytes", options.maxMemoryBytes ?? DEFAULT_MAX_STATE_BYTES),
    maxSteps:
      options.maxSteps === Infinity
        ? Infinity
        : requireInteger("maxSteps", options.maxSteps ?? DEFAULT_MAX_STEPS, 1),
    sliceSteps: requireInteger("sliceSteps", options.sliceSteps ?? 2_000, 1),
  };
}

/** Validates every operation, drops `fail`s, and groups the rest by the model's partition. */
function partition<State>(history: History, model: Model<State>): PartSearch<State>[] {
  const groups = new Map<string, Operation[]>();
  for (const [index, op] of history.entries()) {
    requireValidOperation(op, index);
    if (op.status === "fail") continue;
    requireCompleted(op, index);
    const call = { f: op.f, input: op.input, output: op.status === "ok" ? op.output : undefined };
    const expected = model.validate?.(call);
    if (expected !== undefined) throw new ModelInputError(model.name, op, expected);
    const name = model.partition?.(call) ?? "all";
    let group = groups.get(name);
    if (group === undefined) {
      group = [];
      groups.set(name, group);
    }
    group.push(op);
  }
  return [...groups].map(([name, ops]) => new PartSearch(name, ops, model));
}

/**
 * Times are whole microseconds a float holds exactly (larger ones would collapse together and
 * reorder operations); inputs and outputs are JSON data (a NaN would equal nothing, a cycle or a
 * deep nest would overflow the stack of every comparison).
 */
function requireValidOperation(op: Operation, index: number): void {
  const times: [string, unknown][] = [["invokeMicros", op.invokeMicros]];
  if (op.status === "ok") times.push(["completeMicros", op.completeMicros]);
  for (const [name, time] of times) {
    if (typeof time === "number" && Number.isSafeInteger(time)) continue;
    if (name === "completeMicros" && time === undefined) continue; // requireCompleted names it
    throw new ConfigError({
      field: `history[${index}].${name}`,
      value: time,
      expected: "a whole number of microseconds within ±(2^53 - 1)",
      fix: "record integer times; rebase times past 2^53 to the history's start",
    });
  }
  const values: [string, unknown][] = [["input", op.input]];
  if (op.status === "ok") values.push(["output", op.output ?? null]);
  for (const [name, value] of values) {
    if (isValue(value)) continue;
    throw new ConfigError({
      field: `history[${index}].${name}`,
      value,
      expected: `JSON data (finite numbers, strings, booleans, null, arrays, plain objects; nested at most ${MAX_NESTING_DEPTH} deep)`,
      fix: "record plain data; write numbers JSON cannot hold (NaN, bigints) as strings",
    });
  }
}

/**
 * An `ok` call returned, so it must say when. Left open it would be searched like an `info` call,
 * which may be put off past every other operation, and a stale read could pass.
 */
function requireCompleted(op: Operation, index: number): void {
  if (op.status !== "ok" || Number.isFinite(op.completeMicros)) return;
  const where = op.line === undefined ? "" : ` (line ${op.line})`;
  throw new ConfigError({
    field: `history[${index}].completeMicros`,
    value: op.completeMicros,
    expected: "a finite time for an ok operation",
    fix: `set when operation ${op.id}${where} returned, or mark it info if its outcome is unknown`,
  });
}
