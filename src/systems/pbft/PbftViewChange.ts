// PBFT's view change, one function per step: a backup that waits too long for a pending request
// asks for the next view (a signed view-change stating what it prepared and pre-prepared); f + 1
// such requests make the others join; the next primary collects view-changes until the new-view
// rule (PbftCertificates) decides every sequence number, and starts the view (new-view) by
// re-proposing the chosen requests at their old sequence numbers. Replicas recompute that choice
// from the view-changes the new-view carries before entering the view.

import {
  authentic,
  distinctViewChanges,
  newViewProposals,
  validViewChange,
} from "./PbftCertificates.js";
import { primaryOf } from "./PbftConfig.js";
import {
  type NewView,
  type PrePrepare,
  type ViewChange,
  newViewStatement,
  requestDigest,
  viewChangeStatement,
} from "./PbftMessages.js";
import { acceptPrePrepare, assign, onPrePrepare } from "./PbftNormalCase.js";
import {
  type ReplicaState,
  armTimer,
  authenticate,
  isPrimary,
  resetTimer,
  sendInView,
} from "./PbftReplicaState.js";

export function startViewChange(s: ReplicaState, target: number): void {
  if (target < s.view || (target === s.view && s.changing)) return;
  s.view = target;
  s.changing = true;
  s.failedViews++;
  s.sentInView.length = 0;
  s.assigned.clear();
  const body: Omit<ViewChange, "signature"> = {
    type: "view-change",
    view: s.view,
    replica: s.me,
    prepared: s.log.preparedClaims(),
    prePrepared: s.log.prePreparedClaims(),
  };
  const vc: ViewChange = { ...body, signature: s.signer.sign(viewChangeStatement(body)) };
  sendInView(s, vc);
  onViewChange(s, s.me, vc);
  resetTimer(s);
}

export function onViewChange(s: ReplicaState, from: string, vc: ViewChange): void {
  if (vc.replica !== from || vc.view < s.view || !validViewChange(s.config, vc)) return;
  const list = s.viewChanges.get(vc.view) ?? [];
  s.viewChanges.set(vc.view, distinctViewChanges([...list, vc]));
  s.highestViewChange.set(from, Math.max(vc.view, s.highestViewChange.get(from) ?? 0));
  // The view this replica is changing to may just have gathered its quorum: start waiting.
  if (s.changing && vc.view === s.view) armTimer(s);
  // f + 1 replicas asking for a later view include a correct one: join them (liveness).
  const later = [...s.highestViewChange.values()].filter((v) => v > s.view);
  if (later.length >= s.config.f + 1) startViewChange(s, Math.min(...later));
  if (s.changing && vc.view === s.view && isPrimary(s)) tryNewView(s);
}

/**
 * The new primary starts its view once its view-changes (a quorum, or more when the rule cannot
 * decide some sequence number yet) determine every proposal.
 */
function tryNewView(s: ReplicaState): void {
  const evidence = s.viewChanges.get(s.view) ?? [];
  if (evidence.length < s.config.quorum || s.myPhases.has(`new-view|${s.view}`)) return;
  const proposals = newViewProposals(s.config, evidence);
  if (proposals === undefined) return;
  s.myPhases.add(`new-view|${s.view}`);
  const prePrepares = proposals.map(({ seq, request }): PrePrepare => ({
    type: "pre-prepare",
    view: s.view,
    seq,
    digest: requestDigest(request),
    request,
    auth: [],
  }));
  const body = { view: s.view, viewChanges: [...evidence], prePrepares };
  enterView(s, { type: "new-view", ...body, auth: authenticate(s, newViewStatement(body)) });
}

export function onNewView(s: ReplicaState, from: string, nv: NewView): void {
  if (from !== primaryOf(s.config, nv.view) || nv.view < s.view) return;
  if (nv.view === s.view && !s.changing) return;
  if (validNewView(s, from, nv)) enterView(s, nv);
}

/** A new-view carries a quorum of valid view-changes and proposes exactly what they decide. */
function validNewView(s: ReplicaState, from: string, nv: NewView): boolean {
  if (!Array.isArray(nv.viewChanges) || !Array.isArray(nv.prePrepares)) return false;
  if (!authentic(s, from, newViewStatement(nv), nv.auth)) return false;
  const vcs = distinctViewChanges(nv.viewChanges);
  if (
    vcs.length !== nv.viewChanges.length ||
    vcs.length < s.config.quorum ||
    vcs.some((vc) => vc.view !== nv.view || !validViewChange(s.config, vc))
  )
    return false;
  const expected = newViewProposals(s.config, vcs);
  return (
    expected !== undefined &&
    expected.length === nv.prePrepares.length &&
    expected.every((p, i) => {
      const pp = nv.prePrepares[i]!;
      const digest = requestDigest(p.request);
      return (
        pp.seq === p.seq &&
        pp.view === nv.view &&
        pp.digest === digest &&
        requestDigest(pp.request) === digest
      );
    })
  );
}

function enterView(s: ReplicaState, nv: NewView): void {
  s.view = nv.view;
  s.changing = false;
  s.sentInView.length = 0;
  s.assigned.clear();
  s.observer.onNewView?.(s.me, s.view);
  // The new primary announces the view before its own prepares, so they do not arrive early.
  if (isPrimary(s)) sendInView(s, nv);
  s.nextSeq = Math.max(s.lastExecuted, ...nv.prePrepares.map((pp) => pp.seq)) + 1;
  // Checked whole with the new-view (or made here): no authenticator of their own.
  for (const pp of nv.prePrepares) acceptPrePrepare(s, pp);
  const overtaken = s.early.splice(0).filter((pp) => pp.view >= s.view);
  for (const pp of overtaken) onPrePrepare(s, primaryOf(s.config, pp.view), pp);
  if (isPrimary(s)) for (const r of s.pending.values()) assign(s, r);
  resetTimer(s);
}
