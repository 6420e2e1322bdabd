// A seeded, fast, splittable pseudo-random generator: xoshiro128** (Blackman and Vigna) on 32-bit
// words. A run has one 64-bit seed; every node, link and fault source draws from its own stream,
// derived from the seed and a label path, so that adding draws to one stream never shifts another.
// That independence is what makes a failing schedule shrinkable and a config change local.

import { ConfigError } from "./errors.js";

const TWO_POW_32 = 4294967296;

/** A 64-bit run seed, printed as `0x` followed by 16 hex digits. */
export class Seed {
  private constructor(
    readonly hi: number,
    readonly lo: number,
  ) {}

  static of(hi: number, lo: number): Seed {
    return new Seed(hi >>> 0, lo >>> 0);
  }

  /** Parses `0x…` hex, a decimal string, a safe integer, a bigint or a Seed (of any copy). */
  static parse(input: string | number | bigint | Seed): Seed {
    if (input instanceof Seed) return input;
    let value: bigint;
    try {
      if (typeof input === "bigint") value = input;
      // A Seed from another copy of this module (two installs of murphy) is still a seed.
      else if (typeof input === "object") value = (input as Seed).toBigInt();
      else if (typeof input === "number") {
        if (!Number.isSafeInteger(input) || input < 0) throw new Error("not a safe integer");
        value = BigInt(input);
      } else {
        const text = input.trim();
        if (!/^(0x[0-9a-fA-F]{1,16}|[0-9]+)$/.test(text)) throw new Error("bad text");
        value = BigInt(text);
      }
    } catch {
      throw new ConfigError({
        field: "seed",
        value: input,
        expected: "a 64-bit unsigned integer (decimal or 0x-prefixed hex)",
        fix: "pass e.g. --seed 42 or --seed 0x2a",
      });
    }
    if (value < 0n || value >= 1n << 64n) {
      throw new ConfigError({
        field: "seed",
        value: input,
        expected: "in [0, 2^64)",
        fix: "pass at most 16 hex digits",
      });
    }
    return new Seed(Number(value >> 32n), Number(value & 0xffffffffn));
  }

  toBigInt(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  toString(): string {
    return "0x" + this.toBigInt().toString(16).padStart(16, "0");
  }

  toJSON(): string {
    return this.toString();
  }
}

/** FNV-1a over a string, 32-bit. */
function hashLabel(label: string, h = 0x811c9dc5): number {
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One splitmix32 step: a good 32-bit mixer used only to fill generator state. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  /** Prefer `Rng.fromSeed(seed).derive("label")`; the raw constructor takes the stream's path. */
  constructor(
    readonly seed: Seed,
    readonly path: string = "",
  ) {
    const h = hashLabel(path);
    this.a = mix32(seed.lo ^ h);
    this.b = mix32(seed.hi ^ this.a);
    this.c = mix32(h ^ this.b ^ 0x6a09e667);
    this.d = mix32(this.c ^ seed.lo ^ 0xbb67ae85);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
    for (let i = 0; i < 8; i++) this.nextU32();
  }

  static fromSeed(seed: Seed | string | number | bigint): Rng {
    return new Rng(Seed.parse(seed));
  }

  /** An independent stream named `label` under this one; depends only on seed and path. */
  derive(label: string): Rng {
    return new Rng(this.seed, this.path === "" ? label : `${this.path}/${label}`);
  }

  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  float53(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    if (maxExclusive <= TWO_POW_32) return Math.floor(this.float() * maxExclusive);
    return Math.floor(this.float53() * maxExclusive);
  }

  /** Uniform integer in [min, maxInclusive]. */
  intBetween(min: number, maxInclusive: number): number {
    return min + this.int(maxInclusive - min + 1);
  }

  /** Uniform real in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.float() < p);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.int(items.length)] as T;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float53());
  }

  /** Normal (Gaussian) by the Box–Muller transform. */
  normal(mean = 0, stdDev = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + stdDev * z;
    }
    let u = this.float53();
    while (u === 0) u = this.float53();
    const v = this.float53();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + stdDev * r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal: exp of a normal with parameters `mu`, `sigma`. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Pareto (type I) with minimum `scale` and tail index `shape`. */
  pareto(scale: number, shape: number): number {
    return scale / Math.pow(1 - this.float53(), 1 / shape);
  }

  /** An RFC 4122 version-4 UUID made from this stream. */
  uuid(): string {
    const hex = (n: number) => n.toString(16).padStart(8, "0");
    const w = [this.nextU32(), this.nextU32(), this.nextU32(), this.nextU32()];
    const s =
      hex(w[0]!) +
      hex(((w[1]! & 0xffff0fff) | 0x4000) >>> 0) +
      hex(((w[2]! & 0x3fffffff) | 0x80000000) >>> 0) +
      hex(w[3]!);
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
