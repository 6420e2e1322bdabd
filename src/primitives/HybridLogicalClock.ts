// Hybrid logical clocks (Kulkarni, Demirbas, Madappa, Avva and Leone, 2014). A timestamp is a pair
// (wallMs, logical): wallMs follows the largest physical time seen, so timestamps stay close to
// real time and can be compared with it, and the logical counter orders events that share a
// wallMs. Like Lamport time, if a happened before b then stamp(a) < stamp(b), and every event on a
// node gets a strictly larger stamp than the one before.
//
//   send / local event:  l' = max(l, pt); c = (l' == l) ? c + 1 : 0
//   receive (lm, cm):    l' = max(l, lm, pt); c = l' == l == lm ? max(c, cm) + 1
//                                              : l' == l ? c + 1 : l' == lm ? cm + 1 : 0
//
// Encoding: 48 bits of wallMs (good until the year 10889) then 16 bits of logical counter, as a
// 64-bit bigint or 16 hex digits; both sort in timestamp order. Should the counter pass 65535
// within one millisecond, wallMs is carried forward by one (the clock then leads physical time by
// that much until physical time catches up), so order and encoding are kept.
//
// A remote stamp more than `maxOffsetMs` ahead of the local physical clock is rejected with
// ClockOffsetError and the clock is left untouched: accepting it would drag this node's clock
// (and every clock it talks to) into the future. CockroachDB's default bound is 500 ms.

import type { WallClock } from "../core/Clock.js";
import { ConfigError } from "../core/errors.js";
import { requireNonNegative } from "../core/validate.js";
import { ClockOffsetError } from "./errors.js";

export interface HlcTimestamp {
  /** Physical component, whole ms since the Unix epoch, below 2^48. */
  readonly wallMs: number;
  /** Logical component, 0 … 65535. */
  readonly logical: number;
}

const MAX_WALL_MS = 2 ** 48 - 1;
const MAX_LOGICAL = 0xffff;

export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  return 0;
}

function checkTimestamp(ts: HlcTimestamp, field: string): void {
  const { wallMs, logical } = ts;
  if (!Number.isInteger(wallMs) || wallMs < 0 || wallMs > MAX_WALL_MS) {
    throw new ConfigError({
      field: `${field}.wallMs`,
      value: wallMs,
      expected: "an integer in [0, 2^48)",
      fix: "pass a timestamp made by a HybridLogicalClock or decoded by decodeHlc",
    });
  }
  if (!Number.isInteger(logical) || logical < 0 || logical > MAX_LOGICAL) {
    throw new ConfigError({
      field: `${field}.logical`,
      value: logical,
      expected: "an integer in [0, 65535]",
      fix: "pass a timestamp made by a HybridLogicalClock or decoded by decodeHlc",
    });
  }
}

/** (wallMs << 16) | logical. */
export function hlcToBigInt(ts: HlcTimestamp): bigint {
  checkTimestamp(ts, "timestamp");
  return (BigInt(ts.wallMs) << 16n) | BigInt(ts.logical);
}

export function hlcFromBigInt(value: bigint): HlcTimestamp {
  const ts = { wallMs: Number(value >> 16n), logical: Number(value & 0xffffn) };
  if (value < 0n || value >= 1n << 64n) {
    throw new ConfigError({
      field: "timestamp",
      value,
      expected: "a 64-bit unsigned integer",
      fix: "pass a value made by hlcToBigInt",
    });
  }
  return ts;
}

/** 16 lower-case hex digits; lexicographic order is timestamp order. */
export function encodeHlc(ts: HlcTimestamp): string {
  return hlcToBigInt(ts).toString(16).padStart(16, "0");
}

export function decodeHlc(text: string): HlcTimestamp {
  if (!/^[0-9a-f]{16}$/.test(text)) {
    throw new ConfigError({
      field: "timestamp",
      value: text,
      expected: "16 lower-case hex digits",
      fix: "pass a string made by encodeHlc",
    });
  }
  return hlcFromBigInt(BigInt("0x" + text));
}

export interface HybridLogicalClockOptions {
  readonly clock: WallClock;
  /** Largest lead a remote stamp may have over the local physical clock, in ms. Default 500. */
  readonly maxOffsetMs?: number;
}

export class HybridLogicalClock {
  readonly maxOffsetMs: number;
  private readonly clock: WallClock;
  private last: HlcTimestamp = { wallMs: 0, logical: 0 };

  constructor(options: HybridLogicalClockOptions) {
    this.clock = options.clock;
    this.maxOffsetMs = requireNonNegative("maxOffsetMs", options.maxOffsetMs ?? 500);
  }

  /** The latest timestamp issued or received, without creating an event. */
  peek(): HlcTimestamp {
    return this.last;
  }

  /** A local or send event: returns its timestamp, strictly greater than every earlier one. */
  now(): HlcTimestamp {
    const pt = this.physicalMs();
    const l = Math.max(this.last.wallMs, pt);
    const c = l === this.last.wallMs ? this.last.logical + 1 : 0;
    return this.set(l, c);
  }

  /** Same as `now()`: the timestamp to put on an outgoing message. */
  send(): HlcTimestamp {
    return this.now();
  }

  /**
   * A receive event: returns a timestamp greater than both the message's and every earlier local
   * one. Throws ClockOffsetError, changing nothing, if the message is too far ahead.
   */
  receive(message: HlcTimestamp): HlcTimestamp {
    checkTimestamp(message, "message");
    const pt = this.physicalMs();
    if (message.wallMs - pt > this.maxOffsetMs) {
      throw new ClockOffsetError(message.wallMs, pt, this.maxOffsetMs);
    }
    const { wallMs: lOld, logical: cOld } = this.last;
    const l = Math.max(lOld, message.wallMs, pt);
    let c: number;
    if (l === lOld && l === message.wallMs) c = Math.max(cOld, message.logical) + 1;
    else if (l === lOld) c = cOld + 1;
    else if (l === message.wallMs) c = message.logical + 1;
    else c = 0;
    return this.set(l, c);
  }

  private physicalMs(): number {
    return Math.floor(this.clock.wallMs());
  }

  private set(wallMs: number, logical: number): HlcTimestamp {
    const next = logical > MAX_LOGICAL ? { wallMs: wallMs + 1, logical: 0 } : { wallMs, logical };
    checkTimestamp(next, "clock");
    this.last = next;
    return next;
  }
}
