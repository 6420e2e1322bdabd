// Server-side deduplication by client request ID: the first time an ID is seen the effect is
// applied and its result recorded; a retry with the same ID gets the recorded result back and the
// effect is not applied again. Reusing an ID with different parameters is a client bug and throws
// RequestIdReuseError rather than silently returning the result of some other operation.
//
// Atomicity. `execute` applies the effect and records the result in one synchronous step, so no
// other request can see the effect without the record. If the effect fails (throws), nothing is
// recorded and a retry applies it afresh: an effect that throws must leave no trace. When the
// effect writes to durable storage, persist the table's entries in the same transaction as the
// effect (see `entries()` and the `entries` option), otherwise a crash between the two re-opens
// the window for a double apply. `executeAsync` serves async effects: a duplicate arriving while
// the first is still running waits for the same result, but atomicity with the effect is then the
// effect's own responsibility.
//
// Retention, and its consequence. Entries are kept for at most `maxAgeMs` and at most
// `maxEntries`, oldest dropped first. A retry that arrives after its entry was dropped is treated
// as a new request and APPLIED AGAIN. So the client's retry horizon (maxElapsedMs of its retry
// policy, plus the longest network delay) must be shorter than maxAgeMs, and maxEntries must
// exceed the request rate times maxAgeMs; `evictedCount` counts entries dropped for lack of room.

import type { MonotonicClock } from "../core/Clock.js";
import { show } from "../core/errors.js";
import { requireInteger, requirePositive } from "../core/validate.js";
import { RequestIdReuseError } from "./errors.js";

export interface DedupEntry<R> {
  readonly requestId: string;
  readonly fingerprint: string;
  readonly result: R;
  /** Monotonic time when the result was recorded. */
  readonly recordedAtMs: number;
}

export interface DedupOutcome<R> {
  readonly result: R;
  /** True when the result was replayed from the table and the effect was not applied. */
  readonly replayed: boolean;
}

export interface DedupTableOptions<P, R> {
  readonly clock: MonotonicClock;
  /** Most entries kept. Default 100_000. */
  readonly maxEntries?: number;
  /** Longest an entry is kept, in ms. Default 86_400_000 (one day, as Stripe keeps keys). */
  readonly maxAgeMs?: number;
  /** Canonical form of the parameters; default canonical JSON (object keys sorted). */
  readonly fingerprint?: (params: P) => string;
  /**
   * Entries restored from durable storage, oldest first. `recordedAtMs` is read on this process's
   * monotonic clock, which restarts with the process: rebase restored times onto it.
   */
  readonly entries?: readonly DedupEntry<R>[];
}

/** JSON with object keys sorted, so that equal parameters always print the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? show(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
}

export class DedupTable<P, R> {
  readonly maxEntries: number;
  readonly maxAgeMs: number;
  private readonly clock: MonotonicClock;
  private readonly fingerprintOf: (params: P) => string;
  /** Insertion order is recording order, hence age order: the oldest entry is first. */
  private readonly recorded = new Map<string, DedupEntry<R>>();
  private readonly inFlight = new Map<string, { fingerprint: string; promise: Promise<R> }>();
  private evicted = 0;

  constructor(options: DedupTableOptions<P, R>) {
    this.clock = options.clock;
    this.maxEntries = requireInteger("maxEntries", options.maxEntries ?? 100_000, 1);
    this.maxAgeMs = requirePositive("maxAgeMs", options.maxAgeMs ?? 86_400_000);
    this.fingerprintOf = options.fingerprint ?? canonicalJson;
    for (const entry of options.entries ?? []) this.recorded.set(entry.requestId, entry);
  }

  /** Applies `effect` once per request ID; see the module comment for the guarantees. */
  execute(requestId: string, params: P, effect: () => R): DedupOutcome<R> {
    const fingerprint = this.fingerprintOf(params);
    const replay = this.replay(requestId, fingerprint);
    if (replay !== undefined) return replay;
    if (this.inFlight.has(requestId)) {
      throw new TypeError(
        `DedupTable.execute: request ${show(requestId)} is in flight in executeAsync; ` +
          `use executeAsync for every request of this table`,
      );
    }
    const result = effect();
    this.record(requestId, fingerprint, result);
    return { result, replayed: false };
  }

  /** Like `execute` for an async effect; concurrent duplicates share the first call's result. */
  async executeAsync(
    requestId: string,
    params: P,
    effect: () => Promise<R>,
  ): Promise<DedupOutcome<R>> {
    const fingerprint = this.fingerprintOf(params);
    const replay = this.replay(requestId, fingerprint);
    if (replay !== undefined) return replay;
    const running = this.inFlight.get(requestId);
    if (running !== undefined) {
      if (running.fingerprint !== fingerprint) {
        throw new RequestIdReuseError(requestId, running.fingerprint, fingerprint);
      }
      return { result: await running.promise, replayed: true };
    }
    const promise = effect();
    this.inFlight.set(requestId, { fingerprint, promise });
    try {
      const result = await promise;
      this.record(requestId, fingerprint, result);
      return { result, replayed: false };
    } finally {
      this.inFlight.delete(requestId);
    }
  }

  /** The recorded entry for `requestId`, if it is still retained. */
  lookup(requestId: string): DedupEntry<R> | undefined {
    this.expire();
    return this.recorded.get(requestId);
  }

  /** Retained entries, oldest first, for persisting beside the effects. */
  entries(): DedupEntry<R>[] {
    this.expire();
    return [...this.recorded.values()];
  }

  size(): number {
    this.expire();
    return this.recorded.size;
  }

  /** Entries dropped because the table was full (not because they aged out). */
  get evictedCount(): number {
    return this.evicted;
  }

  private replay(requestId: string, fingerprint: string): DedupOutcome<R> | undefined {
    this.expire();
    const entry = this.recorded.get(requestId);
    if (entry === undefined) return undefined;
    if (entry.fingerprint !== fingerprint) {
      throw new RequestIdReuseError(requestId, entry.fingerprint, fingerprint);
    }
    return { result: entry.result, replayed: true };
  }

  private record(requestId: string, fingerprint: string, result: R): void {
    const recordedAtMs = this.clock.monotonicMs();
    this.recorded.set(requestId, { requestId, fingerprint, result, recordedAtMs });
    while (this.recorded.size > this.maxEntries) {
      const oldest = this.recorded.keys().next().value as string;
      this.recorded.delete(oldest);
      this.evicted++;
    }
  }

  private expire(): void {
    const cutoffMs = this.clock.monotonicMs() - this.maxAgeMs;
    for (const [id, entry] of this.recorded) {
      if (entry.recordedAtMs > cutoffMs) break;
      this.recorded.delete(id);
    }
  }
}
