// The memo of the search: every (set of linearised operations, model state) pair already
// explored. Reaching a pair again can only repeat work, because what remains to be done depends
// on nothing else. Keys combine the set's incremental hash with the model's state hash; equal
// keys are told apart by comparing the set's window and the states in full, so a hash collision
// costs time but never a wrong verdict.
//
// The memo is most of the checker's memory and most of its allocation, so it is a hash table of
// typed arrays (chained through `next`, entry i's fields in slot i of each array, the sets'
// windows in one pool of words) rather than a Map of objects: remembering a pair allocates
// nothing but the state the model made, and the garbage collector has no entries to trace.

import type { LinearizedSet } from "./LinearizedSet.js";

/**
 * Bytes per entry besides its state: six 32-bit fields, a slot for the state, a bucket at a load
 * of at most one, and the window's two usual words, with room for the arrays' doubling. The
 * budget counts this figure, not what the process happens to hold, so that it is the same on any
 * machine; the state is counted on top, by the model's measure of it.
 */
const ENTRY_BYTES = 96;
/** Bytes per window word beyond the first two, with room for the pool's doubling. */
const WORD_BYTES = 8;
const INITIAL_CAPACITY = 1024;

export class VisitedStates<State> {
  /** Entry index + 1 of each bucket's first entry; 0 when empty. */
  private buckets = new Int32Array(INITIAL_CAPACITY);
  private keys = new Int32Array(INITIAL_CAPACITY);
  private next = new Int32Array(INITIAL_CAPACITY);
  private starts = new Int32Array(INITIAL_CAPACITY);
  private lengths = new Int32Array(INITIAL_CAPACITY);
  private wordsAt = new Int32Array(INITIAL_CAPACITY);
  private pool = new Int32Array(4 * INITIAL_CAPACITY);
  private poolUsed = 0;
  private readonly states: State[] = [];
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
    const key = set.hash ^ Math.imul(this.hashState(state), 0x9e3779b1);
    const bucket = key & (this.buckets.length - 1);
    const { keys, next, starts, lengths, wordsAt, pool } = this;
    for (let i = (this.buckets[bucket] as number) - 1; i >= 0; i = (next[i] as number) - 1) {
      if (
        keys[i] === key &&
        set.windowEquals(starts[i] as number, lengths[i] as number, pool, wordsAt[i] as number) &&
        this.equal(this.states[i] as State, state)
      ) {
        return false;
      }
    }
    this.insert(set, state, key);
    return true;
  }

  private insert(set: LinearizedSet, state: State, key: number): void {
    if (this.entries === this.keys.length) this.grow();
    const length = set.windowWords;
    if (this.poolUsed + length > this.pool.length) {
      this.pool = copyInto(new Int32Array(2 * (this.poolUsed + length)), this.pool);
    }
    const i = this.entries++;
    this.keys[i] = key;
    this.starts[i] = set.windowStart;
    this.lengths[i] = length;
    this.wordsAt[i] = this.poolUsed;
    set.copyWindow(this.pool, this.poolUsed);
    this.poolUsed += length;
    this.states.push(state);
    // After grow() the table is larger, so the bucket is worked out here, not passed in.
    const b = key & (this.buckets.length - 1);
    this.next[i] = this.buckets[b] as number;
    this.buckets[b] = i + 1;
    this.approxBytes +=
      ENTRY_BYTES + WORD_BYTES * Math.max(0, length - 2) + this.sizeOfState(state);
  }

  /** Doubles every per-entry array and the buckets, rehashing the chains. */
  private grow(): void {
    const capacity = 2 * this.keys.length;
    this.keys = copyInto(new Int32Array(capacity), this.keys);
    this.starts = copyInto(new Int32Array(capacity), this.starts);
    this.lengths = copyInto(new Int32Array(capacity), this.lengths);
    this.wordsAt = copyInto(new Int32Array(capacity), this.wordsAt);
    this.next = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < this.entries; i++) {
      const b = (this.keys[i] as number) & mask;
      this.next[i] = this.buckets[b] as number;
      this.buckets[b] = i + 1;
    }
  }
}

function copyInto(target: Int32Array<ArrayBuffer>, source: Int32Array): Int32Array<ArrayBuffer> {
  target.set(source);
  return target;
}
