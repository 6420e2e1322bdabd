// PBFT's view change, one function per step: a backup that waits too long for a pending request
// asks for the next view (view-change, carrying its prepared certificates); f + 1 such requests
// make the others join; the next primary collects a quorum and starts the view (new-view) by
// re-proposing every certified request at its old sequence number; replicas check that new-view
// against the certificates it carries before entering the view.

import {
  distinctViewChanges,
  newViewProposals,
  validPrePrepare,
  validViewChange,
} from "./PbftCertificates.js";
import { primaryOf } from "./PbftConfig.js";
import {
  type NewView,
  type ViewChange,
  requestDigest,
  viewChangeStatement,
} from "./PbftMessages.js";
import { assign, onPrePrepare, signedPrePrepare } from "./PbftNormalCase.js";
import { type ReplicaState, isPrimary, resetTimer, sendInView } from "./PbftReplicaState.js";

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
    prepared: s.log.preparedCertificates(),
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
  // f + 1 replicas asking for a later view include a correct one: join them (liveness).
  const later = [...s.highestViewChange.values()].filter((v) => v > s.view);
  if (later.length >= s.config.f + 1) startViewChange(s, Math.min(...later));
  if (s.changing && vc.view === s.view && isPrimary(s)) tryNewView(s);
}

/** The new primary starts its view once it holds a quorum of view-changes for it. */
function tryNewView(s: ReplicaState): void {
  const quorum = (s.viewChanges.get(s.view) ?? []).slice(0, s.config.quorum);
  if (quorum.length < s.config.quorum || s.myPhases.has(`new-view|${s.view}`)) return;
  s.myPhases.add(`new-view|${s.view}`);
  const prePrepares = newViewProposals(quorum).map((p) => signedPrePrepare(s, p.seq, p.request));
  enterView(s, { type: "new-view", view: s.view, viewChanges: quorum, prePrepares });
}

export function onNewView(s: ReplicaState, from: string, nv: NewView): void {
  if (from !== primaryOf(s.config, nv.view) || nv.view < s.view) return;
  if (nv.view === s.view && !s.changing) return;
  if (validNewView(s, nv)) enterView(s, nv);
}

/** A new-view carries a quorum of valid view-changes and re-proposes exactly what they certify. */
function validNewView(s: ReplicaState, nv: NewView): boolean {
  const vcs = distinctViewChanges(nv.viewChanges);
  if (
    vcs.length < s.config.quorum ||
    vcs.some((vc) => vc.view !== nv.view || !validViewChange(s.config, vc))
  )
    return false;
  const expected = newViewProposals(vcs);
  const matches =
    expected.length === nv.prePrepares.length &&
    expected.every((p, i) => {
      const pp = nv.prePrepares[i]!;
      return pp.seq === p.seq && pp.view === nv.view && pp.digest === requestDigest(p.request);
    });
  return matches && nv.prePrepares.every((pp) => validPrePrepare(s.config, pp));
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
  for (const pp of nv.prePrepares) onPrePrepare(s, primaryOf(s.config, s.view), pp);
  const overtaken = s.early.splice(0).filter((pp) => pp.view >= s.view);
  for (const pp of overtaken) onPrePrepare(s, primaryOf(s.config, pp.view), pp);
  if (isPrimary(s)) for (const r of s.pending.values()) assign(s, r);
  resetTimer(s);
}
