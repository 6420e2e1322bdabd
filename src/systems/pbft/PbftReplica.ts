// A PBFT replica (Castro & Liskov, OSDI '99), without checkpoints or state transfer: small
// workloads keep the whole log. Normal case: the primary assigns a client request a sequence
// number (pre-prepare); every replica that accepts it tells the others (prepare); with a quorum of
// matching prepares it is *prepared* and says so (commit); with a quorum of matching commits it is
// *committed*, and requests execute in sequence order and are answered. A backup that waits too
// long for a pending request suspects the primary and asks for the next view (view-change, carrying
// its prepared certificates); the next primary collects a quorum of them and starts the view
// (new-view) by re-proposing every certified request at its old sequence number.
//
// Authentication: `message.from` cannot be forged in murphy's simulator; as over a real network,
// normal-case messages also carry MAC authenticators (PairwiseMacs), and only view-changes, whose
// statements the new-view forwards, are signed (Keyring; the rule is in PbftCertificates). A
// Byzantine replica can still lie about content, equivocate, stay silent or replay — the quorums
// handle it.
//
// The replica's state and shared actions are in PbftReplicaState; the phases are in PbftNormalCase
// and PbftViewChange. This file wires them to the node API.

import type { Message, NodeFactory } from "../../sim/NodeApi.js";
import { isPbftMessage } from "./PbftMessages.js";
import { onCommit, onPrePrepare, onPrepare, onRequest } from "./PbftNormalCase.js";
import { type PbftObserver, type ReplicaState, newReplicaState } from "./PbftReplicaState.js";
import { onNewView, onViewChange, startViewChange } from "./PbftViewChange.js";
import type { PbftConfig } from "./PbftConfig.js";

export type { PbftObserver } from "./PbftReplicaState.js";

export function pbftReplica(config: PbftConfig, observer: PbftObserver = {}): NodeFactory {
  return (ctx) => {
    const s = newReplicaState(ctx, config, observer);
    s.onViewTimeout = () => startViewChange(s, s.view + 1);
    return { onMessage: (message) => dispatch(s, message) };
  };
}

/** Hands a protocol message to the phase that handles its type; ignores anything else. */
function dispatch(s: ReplicaState, message: Message): void {
  const body = message.body;
  if (!isPbftMessage(body)) return;
  const from = message.from;
  switch (body.type) {
    case "request":
      return onRequest(s, body.request);
    case "pre-prepare":
      return onPrePrepare(s, from, body);
    case "prepare":
      return onPrepare(s, from, body);
    case "commit":
      return onCommit(s, from, body);
    case "view-change":
      return onViewChange(s, from, body);
    case "new-view":
      return onNewView(s, from, body);
    case "reply":
      return;
  }
}
