// PBFT's normal case, one function per phase: a client request is assigned a sequence number by
// the primary (pre-prepare), every replica that accepts it says so (prepare), a quorum of matching
// prepares makes it prepared (commit), a quorum of matching commits makes it committed, and
// committed requests execute in sequence order and are answered. Every message carries an
// authenticator (one MAC per replica) and counts only if the receiver's own entry checks out.

import { authentic, validPrePrepare, validRequest } from "./PbftCertificates.js";
import { primaryOf } from "./PbftConfig.js";
import {
  type ClientRequest,
  type Commit,
  type PrePrepare,
  type Prepare,
  commitStatement,
  prePrepareStatement,
  prepareStatement,
  requestDigest,
} from "./PbftMessages.js";
import {
  MAX_IN_FLIGHT,
  MAX_RESENT,
  type ReplicaState,
  armTimer,
  authenticate,
  broadcast,
  isPrimary,
  reply,
  resetTimer,
  sendInView,
} from "./PbftReplicaState.js";

export function onRequest(s: ReplicaState, request: ClientRequest): void {
  if (!validRequest(s, request)) return;
  const digest = requestDigest(request);
  // A retransmission means something may have been lost (a reply, or protocol messages a
  // lagging replica needs), so say everything of this view again.
  if (s.seen.has(digest)) for (const m of s.sentInView) broadcast(s, m);
  s.seen.add(digest);
  const done = s.lastReply.get(request.client);
  if (done !== undefined && done.timestamp >= request.timestamp) {
    if (done.timestamp === request.timestamp) reply(s, request, done.result);
    return;
  }
  s.pending.set(digest, request);
  if (!s.changing && isPrimary(s)) assign(s, request);
  armTimer(s);
}

/** The primary gives `request` the next sequence number, once per view. */
export function assign(s: ReplicaState, request: ClientRequest): void {
  const digest = requestDigest(request);
  if (s.assigned.has(digest)) return;
  s.assigned.add(digest);
  const seq = s.nextSeq++;
  const view = s.view;
  const auth = authenticate(s, prePrepareStatement({ view, seq, digest }));
  const pp: PrePrepare = { type: "pre-prepare", view, seq, digest, request, auth };
  sendInView(s, pp);
  acceptPrePrepare(s, pp);
}

export function onPrePrepare(s: ReplicaState, from: string, pp: PrePrepare): void {
  if (from !== primaryOf(s.config, pp.view) || pp.view < s.view) return;
  if (s.changing || pp.view > s.view) {
    // It overtook its view's new-view: keep it until this replica enters that view.
    if (s.early.length >= MAX_RESENT) s.early.shift();
    s.early.push(pp);
    return;
  }
  if (validPrePrepare(s, pp)) acceptPrePrepare(s, pp);
}

/**
 * Accepts a pre-prepare of the current view already known to be authentic: checked by
 * `onPrePrepare`, made by this replica as primary, or carried by a new-view that was checked whole.
 */
export function acceptPrePrepare(s: ReplicaState, pp: PrePrepare): void {
  // A high-water mark: a lying primary cannot make replicas reserve unbounded sequence numbers.
  if (pp.seq > s.lastExecuted + MAX_IN_FLIGHT) return;
  if (!s.log.accept(pp)) return;
  if (pp.request !== null) s.assigned.add(pp.digest);
  sendPrepareOnce(s, pp);
  advance(s, pp.seq);
}

function sendPrepareOnce(s: ReplicaState, pp: PrePrepare): void {
  const phase = `prepare|${s.view}|${pp.seq}`;
  if (s.myPhases.has(phase)) return;
  s.myPhases.add(phase);
  const p = { view: s.view, seq: pp.seq, digest: pp.digest, replica: s.me };
  const prepare: Prepare = { type: "prepare", ...p, auth: authenticate(s, prepareStatement(p)) };
  s.log.addPrepare(p.view, p.seq, p.digest, s.me);
  sendInView(s, prepare);
}

// Prepares and commits of a later view are kept: they may overtake that view's new-view. The MAC
// is checked against the replica the prepare names: only that replica and this one hold the key.
export function onPrepare(s: ReplicaState, from: string, p: Prepare): void {
  if (p.view < s.view || p.replica !== from) return;
  if (!authentic(s, p.replica, prepareStatement(p), p.auth)) return;
  s.log.addPrepare(p.view, p.seq, p.digest, p.replica);
  if (!s.changing && p.view === s.view) advance(s, p.seq);
}

export function onCommit(s: ReplicaState, from: string, c: Commit): void {
  if (c.view < s.view || c.replica !== from || !s.config.replicas.includes(from)) return;
  if (!authentic(s, c.replica, commitStatement(c), c.auth)) return;
  s.log.addCommit(c.view, c.seq, c.digest, c.replica);
  if (!s.changing && c.view === s.view) advance(s, c.seq);
}

/** Moves slot `seq` of the current view on: commit once prepared, execute once committed. */
function advance(s: ReplicaState, seq: number): void {
  const pp = s.log.accepted(s.view, seq);
  if (pp === undefined || !s.log.prepared(s.view, seq)) return;
  const phase = `commit|${s.view}|${seq}`;
  if (!s.myPhases.has(phase)) {
    s.myPhases.add(phase);
    s.log.addCommit(s.view, seq, pp.digest, s.me);
    const c = { view: s.view, seq, digest: pp.digest, replica: s.me };
    sendInView(s, { type: "commit", ...c, auth: authenticate(s, commitStatement(c)) });
  }
  if (s.log.committed(s.view, seq)) execute(s);
}

/** Executes every decided slot after the last executed one, in order. */
function execute(s: ReplicaState): void {
  let progressed = false;
  for (
    let pp = s.log.decided(s.lastExecuted + 1);
    pp !== undefined;
    pp = s.log.decided(s.lastExecuted + 1)
  ) {
    s.lastExecuted++;
    progressed = true;
    s.observer.onExecute?.(s.me, s.lastExecuted, pp.request);
    if (pp.request !== null) answer(s, pp.digest, pp.request);
  }
  if (progressed) {
    s.failedViews = 0;
    resetTimer(s);
  }
}

/** Records the result of executed request `r` (slot `s.lastExecuted`) and replies if current. */
function answer(s: ReplicaState, digest: string, r: ClientRequest): void {
  s.pending.delete(digest);
  const before = s.lastReply.get(r.client);
  if (before === undefined || before.timestamp < r.timestamp) {
    s.lastReply.set(r.client, { timestamp: r.timestamp, result: s.lastExecuted });
  }
  const latest = s.lastReply.get(r.client)!;
  if (latest.timestamp === r.timestamp) reply(s, r, latest.result);
}
