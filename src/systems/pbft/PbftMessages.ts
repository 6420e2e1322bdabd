// The messages of PBFT (Castro & Liskov, OSDI '99) and the statements their signatures cover.
// Sender identity comes from the network (`message.from` cannot be forged in murphy's simulator,
// nor over an authenticated channel in production); signatures are only on what gets forwarded:
// client requests, pre-prepares, prepares and view-changes.

import { digestOf } from "./Keyring.js";

/** A client's operation, signed by the client: no replica can invent one. */
export interface ClientRequest {
  client: string;
  /** Per-client, increasing: orders a client's requests and deduplicates retransmissions. */
  timestamp: number;
  op: string;
  signature: string;
}

/** The primary's proposal: `request` at `seq` in `view`. A null request fills a gap. */
export interface PrePrepare {
  type: "pre-prepare";
  view: number;
  seq: number;
  digest: string;
  request: ClientRequest | null;
  signature: string;
}

export interface Prepare {
  type: "prepare";
  view: number;
  seq: number;
  digest: string;
  replica: string;
  signature: string;
}

export interface Commit {
  type: "commit";
  view: number;
  seq: number;
  digest: string;
}

/** Proof that 2f+1 replicas accepted one pre-prepare: survives into later views. */
export interface PreparedCertificate {
  prePrepare: PrePrepare;
  prepares: { replica: string; signature: string }[];
}

export interface ViewChange {
  type: "view-change";
  /** The view the sender wants to move to. */
  view: number;
  replica: string;
  prepared: PreparedCertificate[];
  signature: string;
}

export interface NewView {
  type: "new-view";
  view: number;
  viewChanges: ViewChange[];
  prePrepares: PrePrepare[];
}

export interface Reply {
  type: "reply";
  view: number;
  timestamp: number;
  /** The sequence number at which the request was executed. */
  result: number;
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

export function requestStatement(r: Omit<ClientRequest, "signature">): string {
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

/** Covers the whole prepared set, so no certificate can be added or dropped in transit. */
export function viewChangeStatement(m: Omit<ViewChange, "type" | "signature">): string {
  const certificates = m.prepared.map(
    (c) => `${prePrepareStatement(c.prePrepare)}:${c.prepares.map((p) => p.replica).join(",")}`,
  );
  return `view-change|${m.view}|${m.replica}|${digestOf(certificates.join(";"))}`;
}

export function isPbftMessage(body: unknown): body is PbftMessage {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { type?: unknown }).type === "string"
  );
}
