// The messages servers exchange (Raft's two RPCs, as one-way messages with replies of their own,
// so that a lost, late or duplicated reply is just another message) and the client protocol
// (a request answered with `ctx.reply`). A snapshot replaces the appends a follower lacks when the
// leader has compacted them away; it is answered like an append. Every message names the sender's term; whoever sees a
// higher term than its own has missed an election and moves to it.

import type { LogEntry, RaftOperation, RaftResult } from "./RaftCommands.js";
import type { Snapshot } from "./RaftLog.js";

export interface VoteRequest {
  type: "vote";
  term: number;
  lastLogIndex: number;
  lastLogTerm: number;
}

export interface VoteReply {
  type: "vote-reply";
  term: number;
  granted: boolean;
}

export interface AppendRequest {
  type: "append";
  term: number;
  prevIndex: number;
  prevTerm: number;
  entries: LogEntry[];
  /** The leader's commit index. */
  commit: number;
}

export interface AppendReply {
  type: "append-reply";
  term: number;
  success: boolean;
  /** On success: the follower holds the leader's log up to here. */
  matchIndex: number;
  /**
   * On failure: where the leader should try next (the follower's log differs before it), or 0
   * when the request was refused outright (its sender does not lead this server's term).
   */
  hintIndex: number;
}

/** A leader's snapshot, for a follower whose next entry the leader has compacted away. */
export interface SnapshotRequest {
  type: "snapshot";
  term: number;
  snapshot: Snapshot;
}

export type ServerMessage = VoteRequest | VoteReply | AppendRequest | AppendReply | SnapshotRequest;

export interface ClientRequest {
  type: "client";
  client: string;
  seq: number;
  op: RaftOperation;
}

export type ClientReply =
  | { ok: true; result: RaftResult }
  /** Definite: this server did not take the command. `leader` is its guess of who leads. */
  | { ok: false; error: "not-leader"; leader?: string };

export function isServerMessage(body: unknown): body is ServerMessage {
  if (typeof body !== "object" || body === null) return false;
  const type = (body as { type?: unknown }).type;
  return (
    type === "vote" ||
    type === "vote-reply" ||
    type === "append" ||
    type === "append-reply" ||
    type === "snapshot"
  );
}

export function isClientRequest(body: unknown): body is ClientRequest {
  return (
    typeof body === "object" && body !== null && (body as { type?: unknown }).type === "client"
  );
}
