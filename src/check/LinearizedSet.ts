// The set of operations linearised so far on one search path, as a bitset with two additions
// that make memoisation cheap:
//
// - an incremental Zobrist hash (the XOR of a fixed random word per member), updated in O(1) on
//   every add and remove, so hashing the set never walks it;
// - a canonical window. The search lifts operations roughly in order, so the set is almost always
//   "everything below some point, plus a few just above it". Words below `lo` are all ones and
//   words above `hi` all zero; only words lo..hi distinguish two sets, and only they are stored
//   in the memo. That keeps a memo entry a few words long even for a 100,000-operation part.

const FULL = -1; // a 32-bit word with every bit set, as Int32Array stores it

/** The distinguishing window of a set: the first two words inline, any more in `rest`. */
export interface LinearizedSnapshot {
  readonly lo: number;
  readonly length: number;
  readonly w0: number;
  readonly w1: number;
  readonly rest: readonly number[] | undefined;
}

export class LinearizedSet {
  private readonly words: Int32Array;
  private lo = 0;
  private hi = -1;
  private count = 0;
  hash = 0;

  constructor(readonly capacity: number) {
    this.words = new Int32Array(Math.max(1, Math.ceil(capacity / 32)) + 1);
  }

  get size(): number {
    return this.count;
  }

  /** Words in the window; what a snapshot of the set costs beyond its fixed fields. */
  get windowWords(): number {
    return this.hi >= this.lo ? this.hi - this.lo + 1 : 0;
  }

  has(i: number): boolean {
    return ((this.words[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    const w = i >>> 5;
    this.words[w] = (this.words[w] as number) | (1 << (i & 31));
    this.hash ^= zobrist(i);
    this.count++;
    if (w > this.hi) this.hi = w;
    while (this.words[this.lo] === FULL) this.lo++;
  }

  remove(i: number): void {
    const w = i >>> 5;
    this.words[w] = (this.words[w] as number) & ~(1 << (i & 31));
    this.hash ^= zobrist(i);
    this.count--;
    if (w < this.lo) this.lo = w;
    while (this.hi >= 0 && this.words[this.hi] === 0) this.hi--;
  }

  /**
   * Writes the distinguishing words into `into`, for storing in the memo: the memo's entry is the
   * snapshot itself, so that remembering a pair costs one allocation.
   */
  writeSnapshot(into: { -readonly [K in keyof LinearizedSnapshot]: LinearizedSnapshot[K] }): void {
    const length = this.windowWords;
    const lo = this.lo;
    let rest: number[] | undefined;
    if (length > 2) {
      rest = [];
      for (let k = 2; k < length; k++) rest.push(this.words[lo + k] as number);
    }
    into.lo = lo;
    into.length = length;
    // Past `hi` the words are zero (the array has one spare word), so w0 and w1 are always defined.
    into.w0 = this.words[lo] as number;
    into.w1 = this.words[lo + 1] as number;
    into.rest = rest;
  }

  /** True when this set equals the one `snapshot` was taken of. */
  matches(snapshot: LinearizedSnapshot): boolean {
    const lo = this.lo;
    const length = this.windowWords;
    if (snapshot.lo !== lo || snapshot.length !== length) return false;
    if (length === 0) return true;
    if (snapshot.w0 !== this.words[lo] || (length > 1 && snapshot.w1 !== this.words[lo + 1])) {
      return false;
    }
    const rest = snapshot.rest;
    for (let k = 2; k < length; k++) {
      if ((rest as readonly number[])[k - 2] !== this.words[lo + k]) return false;
    }
    return true;
  }
}

/** A fixed pseudo-random 32-bit word per operation index (a splitmix-style finaliser). */
function zobrist(i: number): number {
  let z = Math.imul(i + 1, 0x9e3779b9);
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
}
