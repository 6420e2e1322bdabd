// Log replication and the commit rule (Raft §5.3, §5.4.2). The leader sends each follower the
// entries from where it believes the follower's log ends, with the index and term of the entry
// before them; the follower takes them only if it holds that entry too (log matching), replacing
// any conflicting suffix, and syncs before it says yes. The leader pipelines: it assumes success
// and moves on, and a failure reply tells it where to resume.
//
// Flow control: the leader keeps one append in flight per follower. Entries proposed while a
// follower's append is unanswered go out together when its reply comes, so under load one append
// carries several entries. A follower that is catching up (its last append could not carry the
// whole log) gets the next part with the next heartbeat, or at once after a failure reply. The
// heartbeat goes to every follower sent nothing for half a heartbeat interval, so it also
// replaces an append whose reply was lost.
//
// An entry is committed when a majority holds it AND it belongs to the leader's own term — an
// entry of an earlier term on a majority can still be overwritten by a later leader (the paper's
// Figure 8); it commits only together with one of the current term.

import { majorityOf } from "./RaftConfig.js";
import type { AppendReply, AppendRequest, SnapshotRequest } from "./RaftMessages.js";
import { RaftStateMachine } from "./RaftStateMachine.js";
import {
  applyCommitted,
  becomeFollower,
  hasBug,
  observeTerm,
  resetElectionDeadline,
  syncBeforeAnswering,
  type FollowerProgress,
  type ServerState,
} from "./RaftServerState.js";

/** Sends every follower what it lacks (an empty append, a heartbeat, if nothing). */
export function replicateAll(s: ServerState): void {
  for (let i = 0; i < s.followers.length; i++) sendAppend(s, s.followers[i]!);
}

/** Sends new entries to every follower that is not waiting for an answer already. */
export function replicateNew(s: ServerState): void {
  // Indexed loops here and below: these run on every message, and a for-of can allocate.
  for (let i = 0; i < s.followers.length; i++) {
    const follower = s.followers[i]!;
    if (!follower.awaitingReply) sendAppend(s, follower);
  }
}

/**
 * The leader's heartbeat: an append to every follower sent nothing for half a heartbeat
 * interval, so that no follower goes longer than 1.5 intervals without one. An append whose
 * answer is overdue is assumed lost, and this one replaces it.
 */
export function heartbeat(s: ServerState): void {
  const quietMs = s.ctx.clock.monotonicMs() - s.config.heartbeatMs / 2;
  for (let i = 0; i < s.followers.length; i++) {
    const follower = s.followers[i]!;
    if (follower.sentAtMs <= quietMs) sendAppend(s, follower);
  }
}

export function sendAppend(s: ServerState, follower: FollowerProgress): void {
  const log = s.log;
  follower.awaitingReply = true;
  follower.sentAtMs = s.ctx.clock.monotonicMs();
  const next = Math.min(follower.next, log.lastIndex + 1);
  if (next <= log.snapshotIndex) {
    // The follower needs entries this leader has compacted away: send the snapshot instead.
    const request: SnapshotRequest = { type: "snapshot", term: log.term, snapshot: log.snapshot! };
    s.ctx.send(follower.id, request);
    follower.next = log.snapshotIndex + 1;
    follower.sentAll = false;
    return;
  }
  const entries = log.slice(next, s.config.maxEntriesPerAppend);
  const request: AppendRequest = {
    type: "append",
    term: log.term,
    prevIndex: next - 1,
    prevTerm: log.termAt(next - 1),
    entries,
    commit: s.commitIndex,
  };
  s.ctx.send(follower.id, request);
  // Pipelining: assume it arrives; a failure reply resets this.
  follower.next = next + entries.length;
  follower.sentAll = follower.next > log.lastIndex;
}

/**
 * Takes `from` as the leader of `term` (an append or a snapshot from it), or answers no: to a stale
 * leader (the reply's term makes it step down) or — only under `no-step-down` — to a second leader
 * of this term. No hint: there is nothing to retry.
 */
function followLeader(s: ServerState, from: string, term: number): boolean {
  observeTerm(s, term);
  if (term < s.log.term || s.role === "leader") {
    reply(s, from, false, 0, 0);
    return false;
  }
  if (s.role === "candidate" || s.leader !== from) becomeFollower(s, term, from);
  resetElectionDeadline(s);
  return true;
}

export function onAppend(s: ServerState, from: string, request: AppendRequest): void {
  let m = request;
  if (!followLeader(s, from, m.term)) return;
  const log = s.log;
  if (m.prevIndex < log.snapshotIndex) {
    // Entries up to the snapshot are committed, so they match the leader's: skip them.
    const skip = log.snapshotIndex - m.prevIndex;
    if (skip >= m.entries.length) {
      return reply(s, from, true, m.prevIndex + m.entries.length, 0);
    }
    m = {
      ...m,
      prevIndex: log.snapshotIndex,
      prevTerm: m.entries[skip - 1]!.term,
      entries: m.entries.slice(skip),
    };
  }
  if (m.prevIndex > log.lastIndex) {
    return reply(s, from, false, 0, log.lastIndex + 1);
  }
  if (log.termAt(m.prevIndex) !== m.prevTerm) {
    return reply(s, from, false, 0, conflictStart(s, m.prevIndex));
  }
  let index = m.prevIndex;
  for (let k = 0; k < m.entries.length; k++) {
    const entry = m.entries[k]!;
    index++;
    if (index <= log.lastIndex) {
      if (log.termAt(index) === entry.term) continue; // already held: never truncate on a stale request
      log.truncateFrom(index);
    }
    log.append(entry);
  }
  syncBeforeAnswering(s);
  if (m.commit > s.commitIndex) {
    // Only up to what this request proved matches the leader's log.
    s.commitIndex = Math.max(s.commitIndex, Math.min(m.commit, index));
    applyCommitted(s);
  }
  reply(s, from, true, index, 0);
}

/** A leader's snapshot: taken unless this server has already committed as far. */
export function onSnapshot(s: ServerState, from: string, m: SnapshotRequest): void {
  if (!followLeader(s, from, m.term)) return;
  const log = s.log;
  const snapshot = m.snapshot;
  if (snapshot.index > s.commitIndex) {
    log.install(snapshot);
    s.sm = RaftStateMachine.restore(snapshot.state);
    s.commitIndex = snapshot.index;
  }
  reply(s, from, true, snapshot.index, 0);
}

function reply(
  s: ServerState,
  to: string,
  success: boolean,
  matchIndex: number,
  hintIndex: number,
): void {
  const body: AppendReply = {
    type: "append-reply",
    term: s.log.term,
    success,
    matchIndex,
    hintIndex,
  };
  s.ctx.send(to, body);
}

/** The first index of the term of the entry at `index`: the leader skips a whole term at once. */
function conflictStart(s: ServerState, index: number): number {
  const term = s.log.termAt(index);
  let i = index;
  while (i > s.commitIndex + 1 && s.log.termAt(i - 1) === term) i--;
  return Math.max(1, i);
}

export function onAppendReply(s: ServerState, from: string, m: AppendReply): void {
  observeTerm(s, m.term);
  if (s.role !== "leader" || m.term !== s.log.term) return;
  const follower = s.followers.find((f) => f.id === from);
  if (follower === undefined) return;
  if (m.success) {
    if (m.matchIndex > follower.match) {
      follower.match = m.matchIndex;
      if (follower.next < m.matchIndex + 1) follower.next = m.matchIndex + 1;
      advanceCommit(s);
    }
    // The follower is free: send what was proposed while it was busy. (A late or duplicated
    // reply may free it early; that only puts a second append in flight.) A follower catching
    // up gets the rest with the next heartbeat.
    follower.awaitingReply = false;
    if (follower.sentAll && follower.next <= s.log.lastIndex) sendAppend(s, follower);
    return;
  }
  if (m.hintIndex === 0) return; // refused outright (see onAppend)
  // A failure says where the follower's log may diverge. A hint below what the follower once
  // acknowledged comes from a late reply to an older request — or from a follower that lost
  // acknowledged entries, which only a planted bug allows; either way, resume where it says.
  const hint = Math.max(1, Math.min(m.hintIndex, s.log.lastIndex + 1));
  if (hint <= follower.match) follower.match = hint - 1;
  follower.next = hint;
  sendAppend(s, follower);
}

/**
 * Commits the highest index a majority holds, if it is of this leader's term: the largest index
 * that at least a majority of the servers hold (the leader holds its whole log).
 */
export function advanceCommit(s: ServerState): void {
  const majority = majorityOf(s.config.servers.length);
  const last = s.log.lastIndex;
  let onMajority = holdersOf(s, last) >= majority ? last : 0;
  for (let i = 0; i < s.followers.length; i++) {
    const index = s.followers[i]!.match;
    if (index > onMajority && holdersOf(s, index) >= majority) onMajority = index;
  }
  if (onMajority <= s.commitIndex) return;
  // Terms never decrease along the log, so if this entry is of an earlier term, so is every
  // entry before it: nothing more can commit until an entry of this term reaches a majority.
  if (s.log.termAt(onMajority) !== s.log.term && !hasBug(s, "commit-old-term")) return;
  s.commitIndex = onMajority;
  applyCommitted(s);
}

/** How many servers hold the log up to `index`, the leader among them. */
function holdersOf(s: ServerState, index: number): number {
  let holders = s.log.lastIndex >= index ? 1 : 0;
  for (let i = 0; i < s.followers.length; i++) if (s.followers[i]!.match >= index) holders++;
  return holders;
}
