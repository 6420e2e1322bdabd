// Randomness from the operating system's cryptographic generator, for production: request IDs
// that cannot be guessed, jitter that clients cannot synchronise on. Draws are buffered to keep the
// cost of the system call off the hot path. Not reproducible, by design: simulations use Rng.

import { webcrypto } from "node:crypto";
import type { Random } from "../core/Clock.js";

const BUFFER_WORDS = 256;
const TWO_POW_32 = 4294967296;

export class CryptoRandom implements Random {
  private readonly words = new Uint32Array(BUFFER_WORDS);
  private next = BUFFER_WORDS;

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    if (this.next === BUFFER_WORDS) {
      webcrypto.getRandomValues(this.words);
      this.next = 0;
    }
    return this.words[this.next++]!;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  float(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, maxExclusive), without modulo bias. */
  int(maxExclusive: number): number {
    if (!(Number.isSafeInteger(maxExclusive) && maxExclusive > 0)) {
      throw new RangeError(`maxExclusive must be a positive safe integer, got ${maxExclusive}`);
    }
    if (maxExclusive > TWO_POW_32) return Math.floor(this.float() * maxExclusive);
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % maxExclusive;
    }
  }
}
