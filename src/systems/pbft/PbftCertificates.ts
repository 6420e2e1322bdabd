// The checks a replica applies to what others forward, and the rule a new primary follows. A
// certificate is only as good as its signatures: each pre-prepare must be signed by the primary of
// its view, each prepare by its replica, each request by its client. The new-view rule is what
// carries committed requests across a view change: any request committed in an earlier view was
// prepared by a quorum, which shares a correct replica with the quorum of view-changes, so its
// certificate is among them — and it is the one of the highest view at its sequence number.

import type { PbftConfig } from "./PbftConfig.js";
import { primaryOf } from "./PbftConfig.js";
import {
  type ClientRequest,
  type PreparedCertificate,
  type PrePrepare,
  type ViewChange,
  prePrepareStatement,
  prepareStatement,
  requestDigest,
  requestStatement,
  viewChangeStatement,
} from "./PbftMessages.js";

/** Signed by its client, and the client is not a replica (replicas cannot invent requests). */
export function validRequest(config: PbftConfig, r: ClientRequest): boolean {
  return (
    !config.replicas.includes(r.client) &&
    config.keyring.verify(r.client, requestStatement(r), r.signature)
  );
}

export function validPrePrepare(config: PbftConfig, pp: PrePrepare): boolean {
  return (
    Number.isInteger(pp.seq) &&
    pp.seq >= 1 &&
    pp.digest === requestDigest(pp.request) &&
    (pp.request === null || validRequest(config, pp.request)) &&
    config.keyring.verify(primaryOf(config, pp.view), prePrepareStatement(pp), pp.signature)
  );
}

export function validCertificate(config: PbftConfig, c: PreparedCertificate): boolean {
  const { view, seq, digest } = c.prePrepare;
  const replicas = new Set(c.prepares.map((p) => p.replica));
  return (
    validPrePrepare(config, c.prePrepare) &&
    replicas.size === c.prepares.length &&
    replicas.size >= config.quorum &&
    c.prepares.every((p) =>
      config.keyring.verify(
        p.replica,
        prepareStatement({ view, seq, digest, replica: p.replica }),
        p.signature,
      ),
    )
  );
}

export function validViewChange(config: PbftConfig, vc: ViewChange): boolean {
  return (
    config.replicas.includes(vc.replica) &&
    config.keyring.verify(vc.replica, viewChangeStatement(vc), vc.signature) &&
    vc.prepared.every((c) => c.prePrepare.view < vc.view && validCertificate(config, c))
  );
}

export interface Proposal {
  seq: number;
  request: ClientRequest | null;
}

/**
 * What the primary of `view` proposes from a quorum of view-changes: at each sequence number up
 * to the highest prepared one, the request of the highest-view certificate, or a null request.
 */
export function newViewProposals(viewChanges: readonly ViewChange[]): Proposal[] {
  const best = new Map<number, PrePrepare>();
  for (const vc of viewChanges) {
    for (const { prePrepare: pp } of vc.prepared) {
      const before = best.get(pp.seq);
      if (before === undefined || before.view < pp.view) best.set(pp.seq, pp);
    }
  }
  const maxSeq = Math.max(0, ...best.keys());
  return Array.from({ length: maxSeq }, (_, i) => ({
    seq: i + 1,
    request: best.get(i + 1)?.request ?? null,
  }));
}

/** One view-change per replica, in the order given: a quorum must be of distinct replicas. */
export function distinctViewChanges(viewChanges: readonly ViewChange[]): ViewChange[] {
  const byReplica = new Map<string, ViewChange>();
  for (const vc of viewChanges) if (!byReplica.has(vc.replica)) byReplica.set(vc.replica, vc);
  return [...byReplica.values()];
}
