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
// The log is stored in segments of SEGMENT_ENTRIES consecutive indexes, one key each, so that a
// server writes once per sync (not once per entry) and compaction deletes a few keys (not one per
// entry). Appends go to the tail segment in memory and reach the disk when the log syncs: a
// crash before that loses them, as it may lose any unsynced write. A segment's value is the index
// of its first entry and then its entries, so every version of a segment a crash may leave behind
// reads back on its own; recovery chains the segments and stops at the first gap or mismatch.
//
// Compaction (Raft §7): once entries are applied, the state machine's state at an index replaces
// the log up to it. The snapshot is written and synced before the segments it covers are deleted,
// so a crash in between leaves both, and recovery ignores the entries the snapshot covers.

import { assert } from "../../core/assert.js";
import type { Storage } from "../../sim/NodeApi.js";
import type { LogEntry, RaftCommand } from "./RaftCommands.js";
import type { StateMachineSnapshot } from "./RaftStateMachine.js";

const HARD_STATE_KEY = "raft/hard";
const SNAPSHOT_KEY = "raft/snapshot";
/** Segment `n` holds indexes n * SEGMENT_ENTRIES + 1 … (n + 1) * SEGMENT_ENTRIES. */
const SEGMENT_PREFIX = "raft/log/";
const SEGMENT_ENTRIES = 32;

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

function segmentOf(index: number): number {
  return Math.floor((index - 1) / SEGMENT_ENTRIES);
}

function segmentKey(segment: number): string {
  return SEGMENT_PREFIX + segment;
}

/**
 * How an entry is stored: a line `<term of the entry before it>|<JSON of [term, command]>`,
 * after the line with the segment's first index. A string, because the disk copies what it is
 * given and a string is the cheapest thing to copy (appending to one is cheap too). The line of
 * a new entry is made once however many servers store it: in the simulator they share the
 * object a message carried, and they store it after the same entry (log matching), so with the
 * same term before it; they store it within moments of each other, so a small ring of the
 * lines made last finds it (a miss only costs making it again).
 */
const RECENT = 64;
const recentEntries: (LogEntry | undefined)[] = new Array<LogEntry | undefined>(RECENT);
const recentLines: string[] = new Array<string>(RECENT).fill("");
const recentPrevTerms: number[] = new Array<number>(RECENT).fill(-1);
let recentNext = 0;

function encode(entry: LogEntry, prevTerm: number): string {
  for (let k = 1; k <= RECENT; k++) {
    const i = (recentNext - k + RECENT) % RECENT;
    if (recentEntries[i] === entry && recentPrevTerms[i] === prevTerm) return recentLines[i]!;
  }
  const line = `\n${prevTerm}|[${entry.term},${JSON.stringify(entry.command)}]`;
  recentEntries[recentNext] = entry;
  recentLines[recentNext] = line;
  recentPrevTerms[recentNext] = prevTerm;
  recentNext = (recentNext + 1) % RECENT;
  return line;
}

function decode(line: string): { prevTerm: number; entry: LogEntry } {
  const bar = line.indexOf("|");
  const [term, command] = JSON.parse(line.slice(bar + 1)) as [number, RaftCommand];
  return { prevTerm: Number(line.slice(0, bar)), entry: { term, command } };
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
  /** The segment the last entry is in (-1 when the log is empty), its text, and its key. */
  private tailSegment = -1;
  private tailText = "";
  private tailKey = "";
  /** Whether the tail segment has appends the disk has not been given yet. */
  private tailDirty = false;
  /** Whether anything was written to the disk since the last sync. */
  private unsynced = false;

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
    if (e === undefined) {
      assert(false, `no log entry ${index} (${this.snapshotIndex}+ … ${this.lastIndex})`);
    }
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
    this.write(HARD_STATE_KEY, hard);
    this.sync();
  }

  /** Appends at the end; durable after the next `sync()`. */
  append(entry: LogEntry): void {
    const index = this.lastIndex + 1;
    const segment = segmentOf(index);
    if (segment !== this.tailSegment) this.startTail(segment, index);
    this.tailText += encode(entry, this.lastTerm);
    this.tailDirty = true;
    this.entries.push(entry);
  }

  /** Removes the entries from `index` on (a conflicting suffix); durable after `sync()`. */
  truncateFrom(index: number): void {
    assert(index > this.snapshotIndex, () => `truncate from ${index}, inside the snapshot`);
    if (index > this.lastIndex) return;
    // The segments after the one the log now ends in go; that one is rewritten.
    const keptUpTo =
      index - 1 > this.snapshotIndex ? segmentOf(index - 1) : segmentOf(this.snapshotIndex + 1) - 1;
    for (let s = this.tailSegment; s > keptUpTo; s--) this.remove(segmentKey(s));
    this.entries.length = index - this.snapshotIndex - 1;
    this.rewriteTail();
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
    this.writeSnapshot(snapshot, keep);
  }

  /** Gives the disk the appends it lacks and makes everything written durable. */
  sync(): void {
    if (this.tailDirty) {
      this.write(this.tailKey, this.tailText);
      this.tailDirty = false;
    }
    // Nothing written since the last sync (a heartbeat appends nothing): nothing to make durable.
    if (!this.unsynced) return;
    this.storage.sync();
    this.unsynced = false;
  }

  /** Every write goes through here and `remove`, so that `sync` knows whether it has work. */
  private write(key: string, value: unknown): void {
    this.storage.set(key, value);
    this.unsynced = true;
  }

  private remove(key: string): void {
    this.storage.delete(key);
    this.unsynced = true;
  }

  /** A new tail segment whose first entry will be `index`; the old tail goes to the disk. */
  private startTail(segment: number, index: number): void {
    if (this.tailDirty) this.write(this.tailKey, this.tailText);
    this.tailSegment = segment;
    this.tailKey = segmentKey(segment);
    this.tailText = String(index);
    this.tailDirty = false;
  }

  /**
   * Rebuilds the tail segment's text from the entries in memory, after the log lost its end,
   * and writes it: the segment of the last entry, from its first index after the snapshot.
   * (With no entry left, the caller has deleted every segment.)
   */
  private rewriteTail(): void {
    const last = this.lastIndex;
    if (last === this.snapshotIndex) {
      this.tailSegment = -1;
      this.tailDirty = false;
      return;
    }
    const segment = segmentOf(last);
    const first = Math.max(segment * SEGMENT_ENTRIES + 1, this.snapshotIndex + 1);
    this.tailSegment = segment;
    this.tailKey = segmentKey(segment);
    let text = String(first);
    for (let i = first; i <= last; i++) text += encode(this.entry(i), this.termAt(i - 1));
    this.tailText = text;
    this.write(this.tailKey, text);
    this.tailDirty = false;
  }

  private writeSnapshot(snapshot: Snapshot, rest: LogEntry[]): void {
    this.sync();
    const firstSegment = segmentOf(this.snapshotIndex + 1);
    // Segments wholly inside the snapshot go; so does everything after it, when nothing is kept.
    const lastToDelete = rest.length === 0 ? this.tailSegment : segmentOf(snapshot.index + 1) - 1;
    this.write(SNAPSHOT_KEY, snapshot);
    this.sync();
    for (let s = firstSegment; s <= lastToDelete; s++) this.remove(segmentKey(s));
    this.base = snapshot;
    this.entries = rest;
    if (rest.length === 0) this.tailSegment = -1;
    this.sync();
  }

  private load(): void {
    const hard = this.storage.get<HardState>(HARD_STATE_KEY);
    this.base = this.storage.get<Snapshot>(SNAPSHOT_KEY);
    const segments = this.storage
      .keys()
      .filter((k) => k.startsWith(SEGMENT_PREFIX))
      .map((k) => Number(k.slice(SEGMENT_PREFIX.length)))
      .sort((a, b) => a - b);
    let prevTerm = this.base?.term ?? 0;
    chain: for (const segment of segments) {
      const lines = this.storage.get<string>(segmentKey(segment))!.split("\n");
      const first = Number(lines[0]);
      for (let j = 1; j < lines.length; j++) {
        const index = first + j - 1;
        if (index <= this.snapshotIndex) continue;
        if (index !== this.lastIndex + 1) break chain;
        const { prevTerm: before, entry } = decode(lines[j]!);
        if (before !== prevTerm || entry.term < prevTerm) break chain;
        this.entries.push(entry);
        prevTerm = entry.term;
      }
    }
    // Outside the snapshot and the chain lies debris of unsynced writes or deletes: forget it,
    // and write the tail segment as the chain ends.
    const tail = this.entries.length === 0 ? -1 : segmentOf(this.lastIndex);
    const kept = segmentOf(this.snapshotIndex + 1);
    for (const segment of segments) {
      if (segment < kept || segment > tail) this.remove(segmentKey(segment));
    }
    this.rewriteTail();
    // An entry's term never exceeds its server's term, even when the term was lost unsynced.
    this.currentTerm = Math.max(hard?.term ?? 0, this.lastTerm);
    this.votedFor = this.currentTerm === hard?.term ? hard.vote : undefined;
    this.storage.sync();
    this.unsynced = false;
  }
}
