// The messages of PBFT (Castro & Liskov, OSDI '99; TOCS '02) and the statements their MACs and
// signatures cover. Normal-case messages (request, pre-prepare, prepare, commit, reply) carry an
// authenticator: one MAC per receiving replica, indexed like `config.replicas` (a reply carries the
// single MAC for its client). View-change messages are signed, because a new-view forwards them to
// every replica as its evidence. Sender identity also comes from the network (`message.from`
// cannot be forged in murphy's simulator); a receiver checks both.

import { digestOf } from "./Keyring.js";

/** One MAC per replica, in the order of `config.replicas`; the sender's own entry is "". */
export type Authenticator = string[];

/** A client's operation, authenticated by the client to every replica: no replica can invent one. */
export interface ClientRequest {
  client: string;
  /** Per-client, increasing: orders a client's requests and deduplicates retransmissions. */
  timestamp: number;
  op: string;
  auth: Authenticator;
}

/**
 * The primary's proposal: `request` at `seq` in `view`. A null request fills a gap. Inside a
 * new-view its `auth` is empty: the new-view's own authenticator and evidence cover it.
 */
export interface PrePrepare {
  type: "pre-prepare";
  view: number;
  seq: number;
  digest: string;
  request: ClientRequest | null;
  auth: Authenticator;
}

export interface Prepare {
  type: "prepare";
  view: number;
  seq: number;
  digest: string;
  replica: string;
  auth: Authenticator;
}

export interface Commit {
  type: "commit";
  view: number;
  seq: number;
  digest: string;
  replica: string;
  auth: Authenticator;
}

/** In a view-change: `request` was prepared at `seq` in `view` (the highest such view) here. */
export interface PreparedClaim {
  seq: number;
  view: number;
  digest: string;
  request: ClientRequest | null;
}

/** In a view-change: this replica accepted a pre-prepare for `digest` at `seq`, last in `view`. */
export interface PrePreparedClaim {
  seq: number;
  view: number;
  digest: string;
}

/**
 * Signed by its replica: what it prepared (P) and pre-prepared (Q) before `view`. It carries no
 * other replica's statement, so it proves only what its signer says; the new-view rule
 * (PbftCertificates) asks for enough signers to agree.
 */
export interface ViewChange {
  type: "view-change";
  /** The view the sender wants to move to. */
  view: number;
  replica: string;
  prepared: PreparedClaim[];
  prePrepared: PrePreparedClaim[];
  signature: string;
}

export interface NewView {
  type: "new-view";
  view: number;
  viewChanges: ViewChange[];
  prePrepares: PrePrepare[];
  auth: Authenticator;
}

export interface Reply {
  type: "reply";
  view: number;
  timestamp: number;
  /** The sequence number at which the request was executed. */
  result: number;
  /** The replica's MAC of the reply for its client. */
  mac: string;
}

export type PbftMessage =
  | { type: "request"; request: ClientRequest }
  | PrePrepare
  | Prepare
  | Commit
  | ViewChange
  | NewView
  | Reply;

export const NULL_DIGEST = "null";

export function requestStatement(r: { client: string; timestamp: number; op: string }): string {
  return `request|${r.client}|${r.timestamp}|${r.op}`;
}

export function requestDigest(request: ClientRequest | null): string {
  return request === null ? NULL_DIGEST : digestOf(requestStatement(request));
}

export function prePrepareStatement(m: { view: number; seq: number; digest: string }): string {
  return `pre-prepare|${m.view}|${m.seq}|${m.digest}`;
}

export function prepareStatement(m: {
  view: number;
  seq: number;
  digest: string;
  replica: string;
}): string {
  return `prepare|${m.view}|${m.seq}|${m.digest}|${m.replica}`;
}

export function commitStatement(m: {
  view: number;
  seq: number;
  digest: string;
  replica: string;
}): string {
  return `commit|${m.view}|${m.seq}|${m.digest}|${m.replica}`;
}

export function replyStatement(client: string, m: Omit<Reply, "type" | "mac">): string {
  return `reply|${client}|${m.view}|${m.timestamp}|${m.result}`;
}

/** Covers both claimed sets, so no claim can be added or dropped in transit. */
export function viewChangeStatement(
  m: Pick<ViewChange, "view" | "replica" | "prepared" | "prePrepared">,
): string {
  const prepared = m.prepared.map((c) => `${c.seq}:${c.view}:${c.digest}`).join(",");
  const prePrepared = m.prePrepared.map((c) => `${c.seq}:${c.view}:${c.digest}`).join(",");
  return `view-change|${m.view}|${m.replica}|${digestOf(`${prepared};${prePrepared}`)}`;
}

/** Covers the evidence (by its signatures) and every proposal of a new-view. */
export function newViewStatement(m: Pick<NewView, "view" | "viewChanges" | "prePrepares">): string {
  const evidence = m.viewChanges.map((vc) => `${vc.replica}:${vc.signature}`).join(",");
  const proposals = m.prePrepares.map((pp) => `${pp.seq}:${pp.digest}`).join(",");
  return `new-view|${m.view}|${digestOf(`${evidence};${proposals}`)}`;
}

export function isPbftMessage(body: unknown): body is PbftMessage {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { type?: unknown }).type === "string"
  );
}
