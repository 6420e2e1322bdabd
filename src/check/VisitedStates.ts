// The memo of the search: every (set of linearised operations, model state) pair already
// explored. Reaching a pair again can only repeat work, because what remains to be done depends
// on nothing else. Keys combine the set's incremental hash with the model's state hash; equal
// keys are told apart by comparing the set's window and the states in full, so a hash collision
// costs time but never a wrong verdict. Entries chain through `next` rather than sitting in
// per-key arrays: the memo is most of the checker's memory, so each entry is one small object.

import type { LinearizedSet, LinearizedSnapshot } from "./LinearizedSet.js";

/** A remembered pair: the set's snapshot and the state, chained to the next with the same key. */
interface Visited<State> extends LinearizedSnapshot {
  readonly state: State;
  readonly next: Visited<State> | undefined;
}

/**
 * Bytes per entry besides its state, measured on V8 (two objects and a map slot) with headroom;
 * an estimate on the safe side, since the memory budget must trip before the heap runs out. The
 * state is counted on top, by the model's measure of it.
 */
const ENTRY_BYTES = 224;

export class VisitedStates<State> {
  private readonly table = new Map<number, Visited<State>>();
  private entries = 0;
  /** An estimate of the memory the memo holds, for the checker's memory budget. */
  approxBytes = 0;

  constructor(
    private readonly equal: (a: State, b: State) => boolean,
    private readonly hashState: (state: State) => number,
    private readonly sizeOfState: (state: State) => number,
  ) {}

  get size(): number {
    return this.entries;
  }

  /** Records the pair and returns true, or returns false when it was already recorded. */
  addIfNew(set: LinearizedSet, state: State): boolean {
    const key = (set.hash ^ Math.imul(this.hashState(state), 0x9e3779b1)) & 0x3fffffff;
    const first = this.table.get(key);
    for (let seen = first; seen !== undefined; seen = seen.next) {
      if (set.matches(seen) && this.equal(seen.state, state)) return false;
    }
    // Every field at once, so that all entries share one shape.
    const entry: { -readonly [K in keyof Visited<State>]: Visited<State>[K] } = {
      lo: 0,
      length: 0,
      w0: 0,
      w1: 0,
      rest: undefined,
      state,
      next: first,
    };
    set.writeSnapshot(entry);
    this.table.set(key, entry);
    this.entries++;
    const rest = entry.rest;
    this.approxBytes +=
      ENTRY_BYTES + (rest === undefined ? 0 : 64 + 8 * rest.length) + this.sizeOfState(state);
    return true;
  }
}
