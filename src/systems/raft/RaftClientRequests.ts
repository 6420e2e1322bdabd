// Commands from clients. Only the leader takes them: it appends the command to its log (synced
// before it counts its own copy), replicates it, and answers when the entry is applied. Reads go
// through the log too, so a read is answered only by a leader that was still leading when it
// committed — a deposed leader cannot commit, so it cannot answer. A command the state machine
// has already applied for this client (a retry) is answered from its session at once; a retry
// of one still in the log waits for it. Every other server says who it believes leads.

import type { Message } from "../../sim/NodeApi.js";
import type { LogEntry, RaftCommand } from "./RaftCommands.js";
import type { ClientReply, ClientRequest } from "./RaftMessages.js";
import { advanceCommit, heartbeat, replicateNew } from "./RaftReplication.js";
import { hasBug, syncBeforeAnswering, type ServerState } from "./RaftServerState.js";

export function onClientRequest(s: ServerState, message: Message, m: ClientRequest): void {
  if (s.role !== "leader") {
    const reply: ClientReply = { ok: false, error: "not-leader" };
    if (s.leader !== undefined && s.leader !== s.ctx.id) reply.leader = s.leader;
    return s.ctx.reply(message, reply);
  }
  const done = s.sm.resultOf(m.client, m.seq);
  if (done !== undefined) return s.ctx.reply(message, { ok: true, result: done });
  if (m.op.f === "get" && hasBug(s, "stale-read")) {
    // The bug: answer from local state, without checking that this server still leads.
    return s.ctx.reply(message, { ok: true, result: { f: "get", value: s.sm.read(m.op.key) } });
  }
  const waiting = s.waiters.get(m.client);
  if (waiting !== undefined && waiting.seq === m.seq) {
    waiting.requests.push(message);
    return;
  }
  // A late copy of an older command is proposed again, unanswered: its client has moved on.
  if (waiting === undefined || m.seq > waiting.seq) {
    s.waiters.set(m.client, { seq: m.seq, requests: [message] });
  }
  let op = m.op;
  // The bug: the leader numbers grants itself, from a counter that restarts at each election.
  if (op.f === "acquire" && hasBug(s, "token-reset")) op = { ...op, token: s.nextToken++ };
  propose(s, { client: m.client, seq: m.seq, op });
}

/** Appends a command of this leader's term and starts replicating it. */
export function propose(s: ServerState, command: RaftCommand): void {
  const entry: LogEntry = { term: s.log.term, command };
  s.log.append(entry);
  syncBeforeAnswering(s);
  if (s.peers.length === 0) return advanceCommit(s);
  if (s.config.appendBatchMs > 0) return scheduleBatch(s);
  // Followers waiting for nothing get the new entry now; the others with their next reply.
  replicateNew(s);
}

/** Group commit: what is proposed within `appendBatchMs` goes out in one append per follower. */
function scheduleBatch(s: ServerState): void {
  if (s.batchPending) return;
  s.batchPending = true;
  s.ctx.setTimer(s.config.appendBatchMs, () => {
    if (!s.batchPending) return; // stepped down meanwhile
    s.batchPending = false;
    if (s.role === "leader") replicateNew(s);
  });
}

/** The leader's periodic duties: heartbeats, and `expire` for leases that ran out. */
export function leaderTick(s: ServerState): void {
  for (const lease of s.leases.takeExpired()) {
    propose(s, { client: "", seq: 0, op: { f: "expire", ...lease } });
  }
  heartbeat(s);
}
