// A server's persistent state: its current term, its vote in that term, its latest snapshot and
// the log after it, kept in memory and written through to the node's stable storage. Nothing
// written is durable until `sync()`; the server syncs before it answers anyone (a vote, an append,
// a client), which is what makes a promise survive a crash.
//
// Under the crash-recovery model a crash may lose writes made since the last sync, in any order
// (see StableStorage), so the log is read back defensively: each stored entry also records the
// term of the entry before it, and recovery keeps only the longest prefix whose entries chain
// correctly — an unsynced tail that survived in pieces is dropped whole.
//
// Compaction (Raft §7): once entries are applied, the state machine's state at an index replaces
// the log up to it. The snapshot is written and synced before the entries it covers are deleted,
// so a crash in between leaves both, and recovery ignores the entries the snapshot covers.

import { assert } from "../../core/assert.js";
import type { Storage } from "../../sim/NodeApi.js";
import type { LogEntry, RaftCommand } from "./RaftCommands.js";
import type { StateMachineSnapshot } from "./RaftStateMachine.js";

const HARD_STATE_KEY = "raft/hard";
const SNAPSHOT_KEY = "raft/snapshot";
const LOG_PREFIX = "raft/log/";

interface HardState {
  term: number;
  vote?: string;
}

export interface Snapshot {
  /** The last log index the state includes, and that entry's term. */
  readonly index: number;
  readonly term: number;
  readonly state: StateMachineSnapshot;
}

/**
 * How an entry is stored: `<term of the entry before it>|<JSON of [term, command]>`. A string,
 * because the disk copies what it is given and a string is the cheapest thing to copy; the JSON
 * of an entry is made once however many servers store it (in the simulator they share the
 * object a message carried).
 */
const ENCODED = new WeakMap<LogEntry, string>();

function encode(entry: LogEntry, prevTerm: number): string {
  let json = ENCODED.get(entry);
  if (json === undefined) {
    json = JSON.stringify([entry.term, entry.command]);
    ENCODED.set(entry, json);
  }
  return `${prevTerm}|${json}`;
}

function decode(text: string): { prevTerm: number; entry: LogEntry } {
  const bar = text.indexOf("|");
  const [term, command] = JSON.parse(text.slice(bar + 1)) as [number, RaftCommand];
  return { prevTerm: Number(text.slice(0, bar)), entry: { term, command } };
}

export interface RaftLogOptions {
  /** False under the `forget-vote` bug: the vote lives in memory only. */
  persistVote: boolean;
}

export class RaftLog {
  /** Entries after the snapshot: entries[i] has index snapshotIndex + 1 + i. */
  private entries: LogEntry[] = [];
  private base: Snapshot | undefined;
  private currentTerm = 0;
  private votedFor: string | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly options: RaftLogOptions,
  ) {
    this.load();
  }

  get term(): number {
    return this.currentTerm;
  }

  get vote(): string | undefined {
    return this.votedFor;
  }

  /** The snapshot the log starts after, if any. */
  get snapshot(): Snapshot | undefined {
    return this.base;
  }

  get snapshotIndex(): number {
    return this.base?.index ?? 0;
  }

  get lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  get lastTerm(): number {
    return this.termAt(this.lastIndex);
  }

  /** The term of the entry at `index` (0 for index 0), -1 past the end, -2 inside the snapshot. */
  termAt(index: number): number {
    const base = this.snapshotIndex;
    if (index === base) return this.base?.term ?? 0;
    if (index < base) return -2;
    return this.entries[index - base - 1]?.term ?? -1;
  }

  entry(index: number): LogEntry {
    const e = this.entries[index - this.snapshotIndex - 1];
    assert(
      e !== undefined,
      () => `no log entry ${index} (${this.snapshotIndex}+ … ${this.lastIndex})`,
    );
    return e;
  }

  /** Up to `max` entries from `from` on (after the snapshot). */
  slice(from: number, max: number): LogEntry[] {
    const at = from - this.snapshotIndex - 1;
    assert(at >= 0, () => `entries from ${from} are compacted into the snapshot`);
    return this.entries.slice(at, at + max);
  }

  /** Moves to `term` (never backwards) with `vote`, and syncs: a vote is a promise. */
  setTermAndVote(term: number, vote: string | undefined): void {
    assert(term >= this.currentTerm, () => `term ${term} after ${this.currentTerm}`);
    if (term === this.currentTerm && vote === this.votedFor) return;
    this.currentTerm = term;
    this.votedFor = vote;
    const hard: HardState = { term };
    if (vote !== undefined && this.options.persistVote) hard.vote = vote;
    this.storage.set(HARD_STATE_KEY, hard);
    this.storage.sync();
  }

  /** Appends at the end; durable after the next `sync()`. */
  append(entry: LogEntry): void {
    const index = this.lastIndex + 1;
    const stored = encode(entry, this.lastTerm);
    this.entries.push(entry);
    this.storage.set(LOG_PREFIX + index, stored);
  }

  /** Removes the entries from `index` on (a conflicting suffix); durable after `sync()`. */
  truncateFrom(index: number): void {
    assert(index > this.snapshotIndex, () => `truncate from ${index}, inside the snapshot`);
    for (let i = this.lastIndex; i >= index; i--) this.storage.delete(LOG_PREFIX + i);
    this.entries.length = Math.max(0, index - this.snapshotIndex - 1);
  }

  /** Replaces the log up to `snapshot.index` (applied, so committed) with the snapshot; syncs. */
  compact(snapshot: Snapshot): void {
    assert(
      snapshot.index > this.snapshotIndex && snapshot.index <= this.lastIndex,
      () => `compact to ${snapshot.index}`,
    );
    this.writeSnapshot(snapshot, this.entries.slice(snapshot.index - this.snapshotIndex));
  }

  /**
   * Takes a leader's snapshot: the log after it is kept if it continues the snapshot (holds its
   * last entry), else discarded. Syncs.
   */
  install(snapshot: Snapshot): void {
    const keep =
      this.termAt(snapshot.index) === snapshot.term
        ? this.entries.slice(snapshot.index - this.snapshotIndex)
        : [];
    for (let i = this.lastIndex; i > snapshot.index + keep.length; i--) {
      this.storage.delete(LOG_PREFIX + i);
    }
    this.writeSnapshot(snapshot, keep);
  }

  sync(): void {
    this.storage.sync();
  }

  private writeSnapshot(snapshot: Snapshot, rest: LogEntry[]): void {
    const from = this.snapshotIndex;
    const upTo = Math.min(snapshot.index, this.lastIndex);
    this.storage.set(SNAPSHOT_KEY, snapshot);
    this.storage.sync();
    for (let i = from + 1; i <= upTo; i++) this.storage.delete(LOG_PREFIX + i);
    this.base = snapshot;
    this.entries = rest;
    this.storage.sync();
  }

  private load(): void {
    const hard = this.storage.get<HardState>(HARD_STATE_KEY);
    this.base = this.storage.get<Snapshot>(SNAPSHOT_KEY);
    let prevTerm = this.base?.term ?? 0;
    for (let i = this.snapshotIndex + 1; ; i++) {
      const stored = this.storage.get<string>(LOG_PREFIX + i);
      if (stored === undefined) break;
      const { prevTerm: before, entry } = decode(stored);
      if (before !== prevTerm || entry.term < prevTerm) break;
      this.entries.push(entry);
      prevTerm = entry.term;
    }
    // Outside the snapshot and the chain lies debris of unsynced writes or deletes: forget it.
    const first = this.snapshotIndex;
    const last = this.lastIndex;
    const debris = this.storage.keys().filter((k) => {
      if (!k.startsWith(LOG_PREFIX)) return false;
      const i = Number(k.slice(LOG_PREFIX.length));
      return i <= first || i > last;
    });
    for (const key of debris) this.storage.delete(key);
    // An entry's term never exceeds its server's term, even when the term was lost unsynced.
    this.currentTerm = Math.max(hard?.term ?? 0, this.lastTerm);
    this.votedFor = this.currentTerm === hard?.term ? hard.vote : undefined;
    this.storage.sync();
  }
}
