// One Raft server's state, and the actions every part of the protocol shares: moving to a higher
// term, stepping down, resetting the election deadline, applying what is committed. The protocol's
// parts are RaftElection (votes), RaftReplication (the log and the commit rule) and
// RaftClientRequests (commands from clients); RaftServer wires them to the node API.

import type { Message, NodeContext } from "../../sim/NodeApi.js";
import type { RaftBug } from "./RaftBugs.js";
import type { RaftConfig } from "./RaftConfig.js";
import { RaftLeaderLeases } from "./RaftLeaderLeases.js";
import { RaftLog } from "./RaftLog.js";
import type { RaftObserver, RaftRole } from "./RaftObserver.js";
import { RaftStateMachine } from "./RaftStateMachine.js";

export interface ServerState {
  readonly ctx: NodeContext;
  readonly config: RaftConfig;
  readonly observer: RaftObserver;
  readonly log: RaftLog;
  /** Replaced wholesale when a leader's snapshot is installed. */
  sm: RaftStateMachine;
  /** The other servers. */
  readonly peers: readonly string[];
  role: RaftRole;
  /** Who this server believes leads its term, for clients' hints. */
  leader: string | undefined;
  commitIndex: number;
  /** When the election timer runs out, on the monotonic clock; pushed back by a live leader. */
  electionDeadlineMs: number;
  votes: Set<string>;
  /** The leader's view of each follower, in `peers` order; reset when it takes office. */
  followers: FollowerProgress[];
  /**
   * Client requests waiting for their command to apply, by client: a client has one command in
   * flight, so only its latest (highest `seq`) is waited for; `requests` are its copies.
   */
  readonly waiters: Map<string, { seq: number; requests: Message[] }>;
  readonly leases: RaftLeaderLeases;
  /** Only under the `token-reset` bug: the leader's own token counter. */
  nextToken: number;
  /** Set when new entries wait for the batch timer (appendBatchMs > 0). */
  batchPending: boolean;
  /** Arms the tick if it is not armed: only candidates and leaders tick (set by RaftServer). */
  startTick: () => void;
}

/** What a leader knows of one follower (Raft's nextIndex and matchIndex, and flow control). */
export interface FollowerProgress {
  readonly id: string;
  /** The next entry to send it. */
  next: number;
  /** The highest entry it is known to hold. */
  match: number;
  /**
   * Flow control: whether its last append is unanswered, and when it was last sent one
   * (monotonic ms). New entries wait for the answer and go out with those that arrive
   * meanwhile, in one append; a follower sent nothing lately gets a heartbeat.
   */
  awaitingReply: boolean;
  sentAtMs: number;
  /**
   * Whether its last append carried the leader's whole log. If so, what it lacks now was
   * proposed since, and goes out with its reply; if not, it is catching up, one append per
   * heartbeat (or per failure reply).
   */
  sentAll: boolean;
}

export function newServerState(
  ctx: NodeContext,
  config: RaftConfig,
  observer: RaftObserver,
): ServerState {
  const log = new RaftLog(ctx.storage, { persistVote: !config.bugs.has("forget-vote") });
  // What a snapshot covers was applied, hence committed: start from it.
  const snapshot = log.snapshot;
  return {
    ctx,
    config,
    observer,
    log,
    sm: snapshot === undefined ? new RaftStateMachine() : RaftStateMachine.restore(snapshot.state),
    peers: config.servers.filter((id) => id !== ctx.id),
    role: "follower",
    leader: undefined,
    commitIndex: snapshot?.index ?? 0,
    electionDeadlineMs: 0,
    votes: new Set(),
    followers: [],
    waiters: new Map(),
    leases: new RaftLeaderLeases(ctx.clock),
    nextToken: 0,
    batchPending: false,
    startTick: () => {},
  };
}

export function hasBug(s: ServerState, bug: RaftBug): boolean {
  return s.config.bugs.has(bug);
}

/** A fresh random election deadline from now. */
export function resetElectionDeadline(s: ServerState): void {
  const { electionTimeoutMsMin: min, electionTimeoutMsMax: max } = s.config;
  s.electionDeadlineMs = s.ctx.clock.monotonicMs() + s.ctx.random.uniform(min, max);
}

export function setRole(s: ServerState, role: RaftRole): void {
  s.role = role;
  if (role !== "follower") s.startTick();
  s.observer.onRole?.(s.ctx.id, role, s.log.term);
}

/** Steps down to follower of `term` (moving to it if it is higher), dropping leader state. */
export function becomeFollower(s: ServerState, term: number, leader: string | undefined): void {
  if (term > s.log.term) s.log.setTermAndVote(term, undefined);
  const wasLeader = s.role === "leader";
  if (s.role !== "follower") setRole(s, "follower");
  s.leader = leader;
  if (wasLeader) {
    // The commands still waiting may or may not commit under the next leader: their clients
    // time out and retry with the same id, and the state machine applies each once.
    s.waiters.clear();
    s.leases.clear();
    s.batchPending = false;
  }
}

/**
 * Every message carries its sender's term: a higher one means this server missed an election,
 * so it moves to that term and steps down. (Under `no-step-down`, a leader adopts the term and
 * carries on leading — now in a term that has, or will have, a leader of its own.)
 */
export function observeTerm(s: ServerState, term: number): void {
  if (term <= s.log.term) return;
  if (s.role === "leader" && hasBug(s, "no-step-down")) {
    s.log.setTermAndVote(term, undefined);
    s.observer.onRole?.(s.ctx.id, "leader", term);
    return;
  }
  becomeFollower(s, term, undefined);
}

/** Makes the log's recent writes durable before this server answers anyone. */
export function syncBeforeAnswering(s: ServerState): void {
  // The bug: the answer goes out now and the log reaches the disk at the next periodic flush.
  if (!hasBug(s, "ack-before-sync")) s.log.sync();
}

/** Applies every committed entry not yet applied, answering the clients that wait for them. */
export function applyCommitted(s: ServerState): void {
  // Bounded by the log too: only a planted bug can truncate a committed entry, and then this
  // server has applied entries its log no longer holds (the world's checks see the divergence).
  while (s.sm.appliedIndex < Math.min(s.commitIndex, s.log.lastIndex)) {
    const index = s.sm.appliedIndex + 1;
    const entry = s.log.entry(index);
    const { result } = s.sm.apply(index, entry.command);
    s.observer.onApply?.(s.ctx.id, index, entry, result);
    if (s.role !== "leader") continue;
    s.leases.onApplied(index, entry.command.op, result);
    if (s.waiters.size === 0) continue;
    const { client, seq } = entry.command;
    const waiting = s.waiters.get(client);
    if (waiting === undefined || waiting.seq !== seq) continue;
    s.waiters.delete(client);
    if (result !== undefined)
      for (const m of waiting.requests) s.ctx.reply(m, { ok: true, result });
  }
  compactIfDue(s);
}

/** Every `snapshotEvery` applied entries, the state machine's state replaces the log up to it. */
function compactIfDue(s: ServerState): void {
  const every = s.config.snapshotEvery;
  const applied = s.sm.appliedIndex;
  if (every === 0 || applied - s.log.snapshotIndex < every || applied > s.log.lastIndex) return;
  s.log.compact({ index: applied, term: s.log.termAt(applied), state: s.sm.snapshot() });
}
