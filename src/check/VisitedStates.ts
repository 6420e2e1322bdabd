// The memo of the search: every (set of linearised operations, model state) pair already
// explored. Reaching a pair again can only repeat work, because what remains to be done depends
// on nothing else. Keys combine the set's incremental hash with the model's state hash; equal
// keys are told apart by comparing the set's window and the states in full, so a hash collision
// costs time but never a wrong verdict.

import type { LinearizedSet, LinearizedSnapshot } from "./LinearizedSet.js";

interface Visited<State> {
  readonly set: LinearizedSnapshot;
  readonly state: State;
}

/** Rough bytes per memo entry beyond its window words (objects, map slot, array headers). */
const ENTRY_OVERHEAD_BYTES = 120;

export class VisitedStates<State> {
  private readonly table = new Map<number, Visited<State>[]>();
  private entries = 0;
  /** An estimate of the memory the memo holds, for the checker's memory budget. */
  approxBytes = 0;

  constructor(
    private readonly equal: (a: State, b: State) => boolean,
    private readonly hashState: (state: State) => number,
  ) {}

  get size(): number {
    return this.entries;
  }

  /** Records the pair and returns true, or returns false when it was already recorded. */
  addIfNew(set: LinearizedSet, state: State): boolean {
    const key = (set.hash ^ Math.imul(this.hashState(state), 0x9e3779b1)) & 0x3fffffff;
    let bucket = this.table.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.table.set(key, bucket);
    } else {
      for (const seen of bucket) {
        if (set.matches(seen.set) && this.equal(seen.state, state)) return false;
      }
    }
    const snapshot = set.snapshot();
    bucket.push({ set: snapshot, state });
    this.entries++;
    this.approxBytes += ENTRY_OVERHEAD_BYTES + 8 * snapshot.words.length;
    return true;
  }
}
