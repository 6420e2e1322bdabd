// A PBFT replica (Castro & Liskov, OSDI '99), without checkpoints or state transfer: small
// workloads keep the whole log. Normal case: the primary assigns a client request a sequence
// number (pre-prepare); every replica that accepts it tells the others (prepare); with a quorum of
// matching prepares it is *prepared* and says so (commit); with a quorum of matching commits it is
// *committed*, and requests execute in sequence order and are answered. A backup that waits too
// long for a pending request suspects the primary and asks for the next view (view-change, carrying
// its prepared certificates); the next primary collects a quorum of them and starts the view
// (new-view) by re-proposing every certified request at its old sequence number.
//
// Authentication: `message.from` cannot be forged in murphy's simulator (over a real network it
// would be an authenticated channel); forwarded statements are signed (see Keyring). A Byzantine
// replica can still lie about content, equivocate, stay silent or replay — the quorums handle it.

import type { TimerId } from "../../core/Clock.js";
import type { Message, NodeFactory } from "../../sim/NodeApi.js";
import {
  distinctViewChanges,
  newViewProposals,
  validPrePrepare,
  validRequest,
  validViewChange,
} from "./PbftCertificates.js";
import { type PbftConfig, primaryOf } from "./PbftConfig.js";
import { PbftLog } from "./PbftLog.js";
import {
  type ClientRequest,
  type Commit,
  type NewView,
  type PbftMessage,
  type PrePrepare,
  type Prepare,
  type ViewChange,
  isPbftMessage,
  prePrepareStatement,
  prepareStatement,
  requestDigest,
  viewChangeStatement,
} from "./PbftMessages.js";

/** What a replica reports as it goes: the scenario checks agreement and validity from these. */
export interface PbftObserver {
  onExecute?(replica: string, seq: number, request: ClientRequest | null): void;
  onNewView?(replica: string, view: number): void;
}

/** Protocol messages kept for retransmission when a client retries (the network may lose them). */
const MAX_RESENT = 64;
/** Sequence numbers a replica accepts beyond the last one it executed. */
const MAX_IN_FLIGHT = 64;

export function pbftReplica(config: PbftConfig, observer: PbftObserver = {}): NodeFactory {
  return (ctx) => {
    const me = ctx.id;
    const signer = config.keyring.signer(me);
    const others = config.replicas.filter((r) => r !== me);
    const log = new PbftLog(config);
    let view = 0;
    /** Between sending a view-change for `view` and entering it. */
    let changing = false;
    let lastExecuted = 0;
    let nextSeq = 1;
    let failedViews = 0;
    let timer: TimerId | undefined;
    const pending = new Map<string, ClientRequest>();
    /** Digests of client requests received directly from their clients. */
    const seen = new Set<string>();
    const assigned = new Set<string>();
    const lastReply = new Map<string, { timestamp: number; result: number }>();
    const sentInView: PbftMessage[] = [];
    /** Pre-prepares of a view this replica has not entered yet. */
    const early: PrePrepare[] = [];
    const myPhases = new Set<string>();
    const viewChanges = new Map<number, ViewChange[]>();
    const highestViewChange = new Map<string, number>();

    const broadcast = (body: PbftMessage) => {
      for (const r of others) ctx.send(r, body);
    };
    const sendInView = (body: PbftMessage) => {
      if (sentInView.length >= MAX_RESENT) sentInView.shift();
      sentInView.push(body);
      broadcast(body);
    };
    const isPrimary = () => primaryOf(config, view) === me;

    function armTimer(): void {
      if (timer !== undefined || (pending.size === 0 && !changing)) return;
      const delayMs = config.viewChangeBackoff.delayMs(failedViews, undefined, ctx.random);
      timer = ctx.setTimer(delayMs, () => {
        timer = undefined;
        startViewChange(view + 1);
      });
    }
    function resetTimer(): void {
      if (timer !== undefined) ctx.clearTimer(timer);
      timer = undefined;
      armTimer();
    }

    function onRequest(request: ClientRequest): void {
      if (!validRequest(config, request)) return;
      const digest = requestDigest(request);
      // A retransmission means something may have been lost (a reply, or protocol messages a
      // lagging replica needs), so say everything of this view again.
      if (seen.has(digest)) for (const m of sentInView) broadcast(m);
      seen.add(digest);
      const done = lastReply.get(request.client);
      if (done !== undefined && done.timestamp >= request.timestamp) {
        if (done.timestamp === request.timestamp) reply(request, done.result);
        return;
      }
      pending.set(digest, request);
      if (!changing && isPrimary()) assign(request);
      armTimer();
    }

    function assign(request: ClientRequest): void {
      const digest = requestDigest(request);
      if (assigned.has(digest)) return;
      assigned.add(digest);
      const seq = nextSeq++;
      const pp = signedPrePrepare(seq, request);
      sendInView(pp);
      onPrePrepare(me, pp);
    }

    function signedPrePrepare(seq: number, request: ClientRequest | null): PrePrepare {
      const digest = requestDigest(request);
      const signature = signer.sign(prePrepareStatement({ view, seq, digest }));
      return { type: "pre-prepare", view, seq, digest, request, signature };
    }

    function onPrePrepare(from: string, pp: PrePrepare): void {
      if (from !== primaryOf(config, pp.view) || pp.view < view) return;
      if (changing || pp.view > view) {
        // It overtook its view's new-view: keep it until this replica enters that view.
        if (early.length >= MAX_RESENT) early.shift();
        early.push(pp);
        return;
      }
      // A high-water mark: a lying primary cannot make replicas reserve unbounded sequence numbers.
      if (pp.seq > lastExecuted + MAX_IN_FLIGHT) return;
      if (!validPrePrepare(config, pp) || !log.accept(pp)) return;
      if (pp.request !== null) assigned.add(pp.digest);
      const phase = `prepare|${view}|${pp.seq}`;
      if (!myPhases.has(phase)) {
        myPhases.add(phase);
        const p: Omit<Prepare, "signature"> = {
          type: "prepare",
          view,
          seq: pp.seq,
          digest: pp.digest,
          replica: me,
        };
        const prepare: Prepare = { ...p, signature: signer.sign(prepareStatement(p)) };
        log.addPrepare(prepare);
        sendInView(prepare);
      }
      advance(pp.seq);
    }

    // Prepares and commits of a later view are kept: they may overtake that view's new-view.
    function onPrepare(from: string, p: Prepare): void {
      if (p.view < view || p.replica !== from) return;
      if (!config.keyring.verify(from, prepareStatement(p), p.signature)) return;
      log.addPrepare(p);
      if (!changing && p.view === view) advance(p.seq);
    }

    function onCommit(from: string, c: Commit): void {
      if (c.view < view || !config.replicas.includes(from)) return;
      log.addCommit(c.view, c.seq, c.digest, from);
      if (!changing && c.view === view) advance(c.seq);
    }

    /** Moves slot `seq` of the current view on: commit once prepared, execute once committed. */
    function advance(seq: number): void {
      const pp = log.accepted(view, seq);
      if (pp === undefined || log.prepared(view, seq) === undefined) return;
      const phase = `commit|${view}|${seq}`;
      if (!myPhases.has(phase)) {
        myPhases.add(phase);
        log.addCommit(view, seq, pp.digest, me);
        sendInView({ type: "commit", view, seq, digest: pp.digest });
      }
      if (log.committed(view, seq)) execute();
    }

    function execute(): void {
      let progressed = false;
      for (
        let pp = log.decided(lastExecuted + 1);
        pp !== undefined;
        pp = log.decided(lastExecuted + 1)
      ) {
        lastExecuted++;
        progressed = true;
        observer.onExecute?.(me, lastExecuted, pp.request);
        const r = pp.request;
        if (r === null) continue;
        pending.delete(pp.digest);
        const before = lastReply.get(r.client);
        if (before === undefined || before.timestamp < r.timestamp) {
          lastReply.set(r.client, { timestamp: r.timestamp, result: lastExecuted });
        }
        const answer = lastReply.get(r.client)!;
        if (answer.timestamp === r.timestamp) reply(r, answer.result);
      }
      if (progressed) {
        failedViews = 0;
        resetTimer();
      }
    }

    function reply(r: ClientRequest, result: number): void {
      ctx.send(r.client, { type: "reply", view, timestamp: r.timestamp, result });
    }

    function startViewChange(target: number): void {
      if (target < view || (target === view && changing)) return;
      view = target;
      changing = true;
      failedViews++;
      sentInView.length = 0;
      assigned.clear();
      const body: Omit<ViewChange, "signature"> = {
        type: "view-change",
        view,
        replica: me,
        prepared: log.preparedCertificates(),
      };
      const vc: ViewChange = { ...body, signature: signer.sign(viewChangeStatement(body)) };
      sendInView(vc);
      onViewChange(me, vc);
      resetTimer();
    }

    function onViewChange(from: string, vc: ViewChange): void {
      if (vc.replica !== from || vc.view < view || !validViewChange(config, vc)) return;
      const list = viewChanges.get(vc.view) ?? [];
      viewChanges.set(vc.view, distinctViewChanges([...list, vc]));
      highestViewChange.set(from, Math.max(vc.view, highestViewChange.get(from) ?? 0));
      // f + 1 replicas asking for a later view include a correct one: join them (liveness).
      const later = [...highestViewChange.values()].filter((v) => v > view);
      if (later.length >= config.f + 1) startViewChange(Math.min(...later));
      if (changing && vc.view === view && isPrimary()) tryNewView();
    }

    function tryNewView(): void {
      const quorum = (viewChanges.get(view) ?? []).slice(0, config.quorum);
      if (quorum.length < config.quorum || myPhases.has(`new-view|${view}`)) return;
      myPhases.add(`new-view|${view}`);
      const prePrepares = newViewProposals(quorum).map((p) => signedPrePrepare(p.seq, p.request));
      enterView({ type: "new-view", view, viewChanges: quorum, prePrepares });
    }

    function onNewView(from: string, nv: NewView): void {
      if (from !== primaryOf(config, nv.view) || nv.view < view || (nv.view === view && !changing))
        return;
      const vcs = distinctViewChanges(nv.viewChanges);
      if (
        vcs.length < config.quorum ||
        vcs.some((vc) => vc.view !== nv.view || !validViewChange(config, vc))
      )
        return;
      const expected = newViewProposals(vcs);
      const matches =
        expected.length === nv.prePrepares.length &&
        expected.every((p, i) => {
          const pp = nv.prePrepares[i]!;
          return pp.seq === p.seq && pp.view === nv.view && pp.digest === requestDigest(p.request);
        });
      if (!matches || !nv.prePrepares.every((pp) => validPrePrepare(config, pp))) return;
      enterView(nv);
    }

    function enterView(nv: NewView): void {
      view = nv.view;
      changing = false;
      sentInView.length = 0;
      assigned.clear();
      observer.onNewView?.(me, view);
      // The new primary announces the view before its own prepares, so they do not arrive early.
      if (isPrimary()) sendInView(nv);
      nextSeq = Math.max(lastExecuted, ...nv.prePrepares.map((pp) => pp.seq)) + 1;
      for (const pp of nv.prePrepares) onPrePrepare(primaryOf(config, view), pp);
      const overtaken = early.splice(0).filter((pp) => pp.view >= view);
      for (const pp of overtaken) onPrePrepare(primaryOf(config, pp.view), pp);
      if (isPrimary()) for (const r of pending.values()) assign(r);
      resetTimer();
    }

    function onMessage(message: Message): void {
      const body = message.body;
      if (!isPbftMessage(body)) return;
      const from = message.from;
      switch (body.type) {
        case "request":
          return onRequest(body.request);
        case "pre-prepare":
          return onPrePrepare(from, body);
        case "prepare":
          return onPrepare(from, body);
        case "commit":
          return onCommit(from, body);
        case "view-change":
          return onViewChange(from, body);
        case "new-view":
          return onNewView(from, body);
        case "reply":
          return;
      }
    }

    return { onMessage };
  };
}
