// PBFT's normal case, one function per phase: a client request is assigned a sequence number by
// the primary (pre-prepare), every replica that accepts it says so (prepare), a quorum of matching
// prepares makes it prepared (commit), a quorum of matching commits makes it committed, and
// committed requests execute in sequence order and are answered.

import { validPrePrepare, validRequest } from "./PbftCertificates.js";
import { primaryOf } from "./PbftConfig.js";
import {
  type ClientRequest,
  type Commit,
  type PrePrepare,
  type Prepare,
  prePrepareStatement,
  prepareStatement,
  requestDigest,
} from "./PbftMessages.js";
import {
  MAX_IN_FLIGHT,
  MAX_RESENT,
  type ReplicaState,
  armTimer,
  broadcast,
  isPrimary,
  reply,
  resetTimer,
  sendInView,
} from "./PbftReplicaState.js";

export function onRequest(s: ReplicaState, request: ClientRequest): void {
  if (!validRequest(s.config, request)) return;
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
  const pp = signedPrePrepare(s, seq, request);
  sendInView(s, pp);
  onPrePrepare(s, s.me, pp);
}

export function signedPrePrepare(
  s: ReplicaState,
  seq: number,
  request: ClientRequest | null,
): PrePrepare {
  const view = s.view;
  const digest = requestDigest(request);
  const signature = s.signer.sign(prePrepareStatement({ view, seq, digest }));
  return { type: "pre-prepare", view, seq, digest, request, signature };
}

export function onPrePrepare(s: ReplicaState, from: string, pp: PrePrepare): void {
  if (from !== primaryOf(s.config, pp.view) || pp.view < s.view) return;
  if (s.changing || pp.view > s.view) {
    // It overtook its view's new-view: keep it until this replica enters that view.
    if (s.early.length >= MAX_RESENT) s.early.shift();
    s.early.push(pp);
    return;
  }
  // A high-water mark: a lying primary cannot make replicas reserve unbounded sequence numbers.
  if (pp.seq > s.lastExecuted + MAX_IN_FLIGHT) return;
  if (!validPrePrepare(s.config, pp) || !s.log.accept(pp)) return;
  if (pp.request !== null) s.assigned.add(pp.digest);
  sendPrepareOnce(s, pp);
  advance(s, pp.seq);
}

function sendPrepareOnce(s: ReplicaState, pp: PrePrepare): void {
  const phase = `prepare|${s.view}|${pp.seq}`;
  if (s.myPhases.has(phase)) return;
  s.myPhases.add(phase);
  const p: Omit<Prepare, "signature"> = {
    type: "prepare",
    view: s.view,
    seq: pp.seq,
    digest: pp.digest,
    replica: s.me,
  };
  const prepare: Prepare = { ...p, signature: s.signer.sign(prepareStatement(p)) };
  s.log.addPrepare(prepare);
  sendInView(s, prepare);
}

// Prepares and commits of a later view are kept: they may overtake that view's new-view.
export function onPrepare(s: ReplicaState, from: string, p: Prepare): void {
  if (p.view < s.view || p.replica !== from) return;
  if (!s.config.keyring.verify(from, prepareStatement(p), p.signature)) return;
  s.log.addPrepare(p);
  if (!s.changing && p.view === s.view) advance(s, p.seq);
}

export function onCommit(s: ReplicaState, from: string, c: Commit): void {
  if (c.view < s.view || !s.config.replicas.includes(from)) return;
  s.log.addCommit(c.view, c.seq, c.digest, from);
  if (!s.changing && c.view === s.view) advance(s, c.seq);
}

/** Moves slot `seq` of the current view on: commit once prepared, execute once committed. */
function advance(s: ReplicaState, seq: number): void {
  const pp = s.log.accepted(s.view, seq);
  if (pp === undefined || s.log.prepared(s.view, seq) === undefined) return;
  const phase = `commit|${s.view}|${seq}`;
  if (!s.myPhases.has(phase)) {
    s.myPhases.add(phase);
    s.log.addCommit(s.view, seq, pp.digest, s.me);
    sendInView(s, { type: "commit", view: s.view, seq, digest: pp.digest });
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
