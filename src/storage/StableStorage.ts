// A node's disk. Writes land first in the page cache and become durable only when the node calls
// `sync()` (fsync); a crash may lose any write made since the last sync. The kernel keeps one
// StableStorage per node across crash and recovery and calls `crash()` when the node dies: that
// decides which unsynced writes survive, and the recovered node reads exactly the synced state
// plus those survivors. Volatile memory is the node's own objects, and vanishes with it.
//
// Values are deep-copied with `structuredClone` on every write and every read (strings and
// numbers, being immutable, are kept as they are), so a node cannot change its "disk" by mutating
// an object it wrote or read. Keys iterate in sorted order so that
// nothing depends on insertion history.
//
// Crash policies say how much of the unsynced tail survives: `lose-all` (a power cut before any
// writeback), `keep-all` (the OS flushed everything; only the process died), `random-prefix` (the
// default: a random number of unsynced writes survive, in write order, like an OS that flushed
// some dirty pages in order) and `random-subset` (each unsynced write survives independently, like
// writeback that reorders without barriers: a later write can survive an earlier one's loss).

import { assert } from "../core/assert.js";
import type { Rng } from "../core/Rng.js";
import { requireOneOf } from "../core/validate.js";

export const CRASH_POLICIES = ["lose-all", "keep-all", "random-prefix", "random-subset"] as const;
export type CrashPolicy = (typeof CRASH_POLICIES)[number];
export const DEFAULT_CRASH_POLICY: CrashPolicy = "random-prefix";

/** Checks a crash policy name; `field` is its path, e.g. `faults.crash.storagePolicy`. */
export function validateCrashPolicy(value: unknown, field: string): CrashPolicy {
  return requireOneOf(field, value ?? DEFAULT_CRASH_POLICY, CRASH_POLICIES);
}

export interface CrashOutcome {
  /** Unsynced writes (sets and deletes) that did not survive. */
  lostWrites: number;
  /** Unsynced writes that reached the disk anyway. */
  keptWrites: number;
}

interface PendingWrite {
  key: string;
  /** The cloned value, or `undefined` for a delete. */
  value: unknown;
}

export class StableStorage {
  /** `crashPolicy` is what a crash does to unsynced writes unless `crash()` is told otherwise. */
  constructor(readonly crashPolicy: CrashPolicy = DEFAULT_CRASH_POLICY) {
    validateCrashPolicy(crashPolicy, "storage.crashPolicy");
  }

  /** What a crash cannot take away. */
  private readonly durable = new Map<string, unknown>();
  /** What the running node sees: durable plus every unsynced write. */
  private current = new Map<string, unknown>();
  /** Writes since the last sync, in order. */
  private pending: PendingWrite[] = [];

  /** Counters for reports. */
  readonly stats = { writes: 0, syncs: 0, crashes: 0, lostWrites: 0, keptWrites: 0 };

  /** A deep copy of the value under `key`, or undefined. */
  get<T = unknown>(key: string): T | undefined {
    const value = this.current.get(key);
    return value === undefined ? undefined : (copyOf(value) as T);
  }

  has(key: string): boolean {
    return this.current.has(key);
  }

  /** Writes a deep copy of `value`; durable only after `sync()`. */
  set(key: string, value: unknown): void {
    assert(typeof key === "string", () => `storage key must be a string, got ${typeof key}`);
    assert(value !== undefined, () => `storage.set("${key}", undefined): use delete("${key}")`);
    const copy = copyOf(value);
    this.current.set(key, copy);
    this.pending.push({ key, value: copy });
    this.stats.writes++;
  }

  /** Removes `key`; returns whether it was there. The removal is durable only after `sync()`. */
  delete(key: string): boolean {
    const existed = this.current.delete(key);
    this.pending.push({ key, value: undefined });
    this.stats.writes++;
    return existed;
  }

  /** Keys in sorted order. */
  keys(): string[] {
    return [...this.current.keys()].sort();
  }

  get size(): number {
    return this.current.size;
  }

  /** Writes made since the last sync, which a crash may lose. */
  get unsyncedCount(): number {
    return this.pending.length;
  }

  /** Makes every write so far durable (fsync); returns how many were pending. */
  sync(): number {
    const count = this.pending.length;
    this.applyToDurable(this.pending);
    this.pending = [];
    this.stats.syncs++;
    return count;
  }

  /**
   * The node crashed: decides which unsynced writes reach the disk (drawing from `rng` only for
   * the random policies, and only when there are unsynced writes), then resets the node's view to
   * the disk. Synced writes always survive.
   */
  crash(rng: Rng, policy: CrashPolicy = this.crashPolicy): CrashOutcome {
    validateCrashPolicy(policy, "crash.policy");
    const n = this.pending.length;
    let kept: PendingWrite[];
    if (n === 0 || policy === "lose-all") kept = [];
    else if (policy === "keep-all") kept = this.pending;
    else if (policy === "random-prefix") kept = this.pending.slice(0, rng.int(n + 1));
    else kept = this.pending.filter(() => rng.chance(0.5));
    this.applyToDurable(kept);
    this.pending = [];
    this.current = new Map(this.durable);
    const outcome = { lostWrites: n - kept.length, keptWrites: kept.length };
    this.stats.crashes++;
    this.stats.lostWrites += outcome.lostWrites;
    this.stats.keptWrites += outcome.keptWrites;
    return outcome;
  }

  /** A deep copy of the durable state, keys sorted: what a crash right now would at least keep. */
  durableSnapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of [...this.durable.keys()].sort()) out[key] = copyOf(this.durable.get(key));
    return out;
  }

  private applyToDurable(writes: readonly PendingWrite[]): void {
    for (const { key, value } of writes) {
      if (value === undefined) this.durable.delete(key);
      else this.durable.set(key, value);
    }
  }
}

/** A deep copy of a stored value; strings, numbers, booleans and bigints are immutable as they are. */
function copyOf(value: unknown): unknown {
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" || type === "bigint"
    ? value
    : structuredClone(value);
}
