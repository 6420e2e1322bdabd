// What one PBFT replica remembers between messages, and the small actions every phase shares:
// sending in the current view, answering a client, and the view-change timer. The phases
// (PbftNormalCase, PbftViewChange) are functions over this state, so each can be read whole.

import type { TimerId } from "../../core/Clock.js";
import type { NodeContext } from "../../sim/NodeApi.js";
import type { Signer } from "./Keyring.js";
import type { MacAuthority } from "./PairwiseMacs.js";
import { type PbftConfig, primaryOf } from "./PbftConfig.js";
import { PbftLog } from "./PbftLog.js";
import {
  type Authenticator,
  type ClientRequest,
  type PbftMessage,
  type PrePrepare,
  type ViewChange,
  replyStatement,
} from "./PbftMessages.js";

/** What a replica reports as it goes: the scenario checks agreement and validity from these. */
export interface PbftObserver {
  onExecute?(replica: string, seq: number, request: ClientRequest | null): void;
  onNewView?(replica: string, view: number): void;
}

/** Protocol messages kept for retransmission when a client retries (the network may lose them). */
export const MAX_RESENT = 64;
/** Sequence numbers a replica accepts beyond the last one it executed. */
export const MAX_IN_FLIGHT = 64;

export interface ReplicaState {
  readonly ctx: NodeContext;
  readonly config: PbftConfig;
  readonly observer: PbftObserver;
  readonly me: string;
  readonly signer: Signer;
  /** MACs with the keys of this replica's pairs; `index` is its entry in an authenticator. */
  readonly macs: MacAuthority;
  readonly index: number;
  readonly others: readonly string[];
  readonly log: PbftLog;
  view: number;
  /** Between sending a view-change for `view` and entering it. */
  changing: boolean;
  lastExecuted: number;
  nextSeq: number;
  failedViews: number;
  timer: TimerId | undefined;
  /** What the view-change timer does when it fires (set by the replica: start the next view). */
  onViewTimeout: () => void;
  readonly pending: Map<string, ClientRequest>;
  /** Digests of client requests received directly from their clients. */
  readonly seen: Set<string>;
  readonly assigned: Set<string>;
  readonly lastReply: Map<string, { timestamp: number; result: number }>;
  readonly sentInView: PbftMessage[];
  /** Pre-prepares of a view this replica has not entered yet. */
  readonly early: PrePrepare[];
  readonly myPhases: Set<string>;
  readonly viewChanges: Map<number, ViewChange[]>;
  readonly highestViewChange: Map<string, number>;
}

export function newReplicaState(
  ctx: NodeContext,
  config: PbftConfig,
  observer: PbftObserver,
): ReplicaState {
  const me = ctx.id;
  return {
    ctx,
    config,
    observer,
    me,
    signer: config.keyring.signer(me),
    macs: config.keyring.macs(me),
    index: config.replicas.indexOf(me),
    others: config.replicas.filter((r) => r !== me),
    log: new PbftLog(config),
    view: 0,
    changing: false,
    lastExecuted: 0,
    nextSeq: 1,
    failedViews: 0,
    timer: undefined,
    onViewTimeout: () => {},
    pending: new Map(),
    seen: new Set(),
    assigned: new Set(),
    lastReply: new Map(),
    sentInView: [],
    early: [],
    myPhases: new Set(),
    viewChanges: new Map(),
    highestViewChange: new Map(),
  };
}

export function broadcast(s: ReplicaState, body: PbftMessage): void {
  for (const r of s.others) s.ctx.send(r, body);
}

/** Broadcasts `body` and keeps it to say again if a client retries within this view. */
export function sendInView(s: ReplicaState, body: PbftMessage): void {
  if (s.sentInView.length >= MAX_RESENT) s.sentInView.shift();
  s.sentInView.push(body);
  broadcast(s, body);
}

export function isPrimary(s: ReplicaState): boolean {
  return primaryOf(s.config, s.view) === s.me;
}

/** This replica's authenticator of `statement`: one MAC per replica, "" for itself. */
export function authenticate(s: ReplicaState, statement: string): Authenticator {
  return s.macs.authenticator(s.config.replicas, statement);
}

export function reply(s: ReplicaState, r: ClientRequest, result: number): void {
  const body = { view: s.view, timestamp: r.timestamp, result };
  const mac = s.macs.mac(r.client, replyStatement(r.client, body));
  s.ctx.send(r.client, { type: "reply", ...body, mac });
}

/**
 * Arms the view-change timer while a request is pending in a view, or while a view change has a
 * quorum behind it. A replica that asked for view v + 1 starts its timer only once it holds 2f + 1
 * view-changes for v + 1 (Castro & Liskov, OSDI '99, §4.5.2): alone, it has no new primary to
 * wait for, and moving on to v + 2, v + 3, … would only sign more view-changes nobody joins. A
 * replica that fell behind (its pending request executed elsewhere, its client already answered)
 * so waits quietly; f + 1 replicas asking for a later view, or a new-view, still move it on.
 */
export function armTimer(s: ReplicaState): void {
  if (s.timer !== undefined) return;
  if (s.changing ? !viewChangeQuorum(s) : s.pending.size === 0) return;
  const delayMs = s.config.viewChangeBackoff.delayMs(s.failedViews, undefined, s.ctx.random);
  s.timer = s.ctx.setTimer(delayMs, () => {
    s.timer = undefined;
    s.onViewTimeout();
  });
}

/** A quorum of (distinct) view-changes for the view this replica is changing to. */
function viewChangeQuorum(s: ReplicaState): boolean {
  return (s.viewChanges.get(s.view)?.length ?? 0) >= s.config.quorum;
}

export function resetTimer(s: ReplicaState): void {
  if (s.timer !== undefined) s.ctx.clearTimer(s.timer);
  s.timer = undefined;
  armTimer(s);
}
