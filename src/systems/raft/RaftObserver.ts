// What a world may watch a Raft server do, for its checks and figures: never read by the servers.

import type { LogEntry, RaftResult } from "./RaftCommands.js";

export type RaftRole = "follower" | "candidate" | "leader";

export interface RaftObserver {
  /** A server applied the entry at `index` to its state machine. */
  onApply?(server: string, index: number, entry: LogEntry, result: RaftResult | undefined): void;
  /** A server changed role (or term as leader). */
  onRole?(server: string, role: RaftRole, term: number): void;
}
