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

  /** Words in the window; what storing the set in the memo costs. */
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

  /** The first word of the window: every word below it is all ones. */
  get windowStart(): number {
    return this.lo;
  }

  /** Copies the window's words into `pool` at `at`, for storing in the memo. */
  copyWindow(pool: Int32Array, at: number): void {
    const length = this.windowWords;
    for (let k = 0; k < length; k++) pool[at + k] = this.words[this.lo + k] as number;
  }

  /** True when this set equals the one whose window `copyWindow` stored at `at`. */
  windowEquals(start: number, length: number, pool: Int32Array, at: number): boolean {
    if (start !== this.lo || length !== this.windowWords) return false;
    for (let k = 0; k < length; k++) {
      if (pool[at + k] !== this.words[start + k]) return false;
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
