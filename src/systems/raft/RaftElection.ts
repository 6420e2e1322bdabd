// Leader election (Raft §5.2, §5.4.1). A follower that hears no leader before its randomised
// deadline becomes a candidate: it moves to the next term, votes for itself (durably, before
// asking anyone) and asks every other server for its vote. A server grants at most one vote per
// term — recorded and synced before it answers — and only to a candidate whose log is at least as
// up to date as its own (the election restriction: the last entry's term decides, then length).
// A candidate with a majority leads its term.

import { majorityOf } from "./RaftConfig.js";
import type { VoteReply, VoteRequest } from "./RaftMessages.js";
import { advanceCommit, replicateAll } from "./RaftReplication.js";
import {
  observeTerm,
  resetElectionDeadline,
  setRole,
  syncBeforeAnswering,
  type ServerState,
} from "./RaftServerState.js";

export function startElection(s: ServerState): void {
  const term = s.log.term + 1;
  s.log.setTermAndVote(term, s.ctx.id);
  setRole(s, "candidate");
  s.leader = undefined;
  s.votes = new Set([s.ctx.id]);
  resetElectionDeadline(s);
  if (s.votes.size >= majorityOf(s.config.servers.length)) return becomeLeader(s);
  requestVotes(s);
}

/** Asks every server that has not voted for this candidate yet (again, on each tick). */
export function requestVotes(s: ServerState): void {
  const request: VoteRequest = {
    type: "vote",
    term: s.log.term,
    lastLogIndex: s.log.lastIndex,
    lastLogTerm: s.log.lastTerm,
  };
  for (const peer of s.peers) if (!s.votes.has(peer)) s.ctx.send(peer, request);
}

export function onVoteRequest(s: ServerState, from: string, m: VoteRequest): void {
  observeTerm(s, m.term);
  const log = s.log;
  const upToDate =
    m.lastLogTerm > log.lastTerm ||
    (m.lastLogTerm === log.lastTerm && m.lastLogIndex >= log.lastIndex);
  const granted = m.term === log.term && (log.vote === undefined || log.vote === from) && upToDate;
  if (granted) {
    log.setTermAndVote(log.term, from); // synced: the vote survives a crash
    resetElectionDeadline(s);
  }
  const reply: VoteReply = { type: "vote-reply", term: log.term, granted };
  s.ctx.send(from, reply);
}

export function onVoteReply(s: ServerState, from: string, m: VoteReply): void {
  observeTerm(s, m.term);
  if (s.role !== "candidate" || m.term !== s.log.term || !m.granted) return;
  s.votes.add(from);
  if (s.votes.size >= majorityOf(s.config.servers.length)) becomeLeader(s);
}

function becomeLeader(s: ServerState): void {
  setRole(s, "leader");
  s.leader = s.ctx.id;
  s.followers = s.peers.map((id) => ({
    id,
    next: s.log.lastIndex + 1,
    match: 0,
    awaitingReply: false,
    sentAtMs: -Infinity,
    sentAll: false,
  }));
  s.waiters.clear();
  s.leases.startAll(s.sm);
  // The bug: tokens continue from what this server has applied, which may lag what is committed.
  s.nextToken = s.sm.lastToken + 1;
  if (s.config.leaderNoop) {
    s.log.append({
      term: s.log.term,
      command: { client: "", seq: 0, op: { f: "noop", leader: s.ctx.id } },
    });
  }
  syncBeforeAnswering(s);
  if (s.peers.length === 0) advanceCommit(s);
  replicateAll(s);
}
