// A server's persistent state: its current term, its vote in that term and its log, kept in memory
// and written through to the node's stable storage. Nothing written is durable until `sync()`; the
// server syncs before it answers anyone (a vote, an append, a client), which is what makes a
// promise survive a crash. Under the crash-recovery model a crash may lose writes made since the
// last sync, in any order (see StableStorage), so the log is read back defensively: each stored
// entry also records the term of the entry before it, and recovery keeps only the longest prefix
// whose entries chain correctly — an unsynced tail that survived in pieces is dropped whole.

import { assert } from "../../core/assert.js";
import type { Storage } from "../../sim/NodeApi.js";
import type { LogEntry, RaftCommand } from "./RaftCommands.js";

const HARD_STATE_KEY = "raft/hard";
const LOG_PREFIX = "raft/log/";

interface HardState {
  term: number;
  vote?: string;
}

/** How an entry is stored: its term, the term of the entry before it, its command. */
type StoredEntry = [term: number, prevTerm: number, command: RaftCommand];

export interface RaftLogOptions {
  /** False under the `forget-vote` bug: the vote lives in memory only. */
  persistVote: boolean;
}

export class RaftLog {
  private readonly entries: LogEntry[] = [];
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

  get lastIndex(): number {
    return this.entries.length;
  }

  get lastTerm(): number {
    return this.termAt(this.entries.length);
  }

  /** The term of the entry at `index` (0 for index 0), or -1 past the end. */
  termAt(index: number): number {
    if (index === 0) return 0;
    return this.entries[index - 1]?.term ?? -1;
  }

  entry(index: number): LogEntry {
    const e = this.entries[index - 1];
    assert(e !== undefined, () => `no log entry ${index} (last ${this.entries.length})`);
    return e;
  }

  /** Up to `max` entries from `from` on. */
  slice(from: number, max: number): LogEntry[] {
    return this.entries.slice(from - 1, from - 1 + max);
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
    const index = this.entries.length + 1;
    const stored: StoredEntry = [entry.term, this.lastTerm, entry.command];
    this.entries.push(entry);
    this.storage.set(LOG_PREFIX + index, stored);
  }

  /** Removes the entries from `index` on (a conflicting suffix); durable after `sync()`. */
  truncateFrom(index: number): void {
    assert(index >= 1, () => `truncate from ${index}`);
    for (let i = this.entries.length; i >= index; i--) this.storage.delete(LOG_PREFIX + i);
    this.entries.length = Math.min(this.entries.length, index - 1);
  }

  sync(): void {
    this.storage.sync();
  }

  private load(): void {
    const hard = this.storage.get<HardState>(HARD_STATE_KEY);
    let prevTerm = 0;
    for (let i = 1; ; i++) {
      const stored = this.storage.get<StoredEntry>(LOG_PREFIX + i);
      if (stored === undefined || stored[1] !== prevTerm || stored[0] < prevTerm) break;
      this.entries.push({ term: stored[0], command: stored[2] });
      prevTerm = stored[0];
    }
    // What lies beyond the chain is debris of an unsynced truncation or append: forget it.
    const last = this.entries.length;
    const debris = this.storage
      .keys()
      .filter((k) => k.startsWith(LOG_PREFIX) && Number(k.slice(LOG_PREFIX.length)) > last);
    for (const key of debris) this.storage.delete(key);
    // An entry's term never exceeds its server's term, even when the term was lost unsynced.
    this.currentTerm = Math.max(hard?.term ?? 0, this.lastTerm);
    this.votedFor = this.currentTerm === hard?.term ? hard.vote : undefined;
    this.storage.sync();
  }
}
