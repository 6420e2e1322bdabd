// The checks a replica applies to what others send, and the rule a new primary follows.
//
// Normal case: a message counts only if its sender's MAC for this replica checks out (each
// receiver holds the key of its own pair with the sender, nobody else's) and, for a pre-prepare,
// the client's MAC for this replica on the request it carries.
//
// View change — why signatures there, and only there. A MAC convinces one receiver, so prepared
// certificates built from MAC'd prepares cannot be shown to anyone else. Instead of forwarding
// other replicas' prepares, each replica's signed view-change states only its own log: P, the
// requests it prepared (with the highest view, and the request itself), and Q, the requests it
// pre-prepared (per digest, the highest view). This is the view change of the MAC variant of PBFT
// (Castro & Liskov, TOCS '02), with the view-change-acks replaced by signatures: a signed
// view-change cannot be told differently to different replicas, so the new-view can carry the
// view-changes themselves as evidence and every replica recomputes the primary's choice. From the
// set S of view-changes, the request with digest d is chosen at sequence number n when some member
// of S claims it prepared (n, d, v) and
//   A1. 2f + 1 members of S claim no prepare at n that contradicts it (none, a lower view, or the
//       same view and digest), and
//   A2. f + 1 members of S claim they pre-prepared d at n in view v or later;
// the null request is chosen at n when 2f + 1 members of S claim no prepare at n; otherwise the
// primary waits for more view-changes. Why this keeps a committed request: if d committed at n in
// view v0, 2f + 1 replicas prepared it, f + 1 of them correct, and every 2f + 1 members of S include
// one of those (it claims d at n in a view >= v0). A1 for another digest then needs a higher view,
// and A2 needs a correct replica that pre-prepared the other digest after v0 — which no correct
// replica does, because every later new-view re-proposes d at n. A faulty replica can only sign
// lies about its own log: one voice, never the f + 1 of A2 or the 2f + 1 of A1 and the null rule.
// Trailing nulls are left out: nothing above the last chosen request was committed, and a faulty
// replica claiming a prepare at a huge sequence number must not make the new-view that long.

import type { MacAuthority } from "./PairwiseMacs.js";
import type { PbftConfig } from "./PbftConfig.js";
import { primaryOf } from "./PbftConfig.js";
import {
  type Authenticator,
  type ClientRequest,
  type PrePrepare,
  type PrePreparedClaim,
  type PreparedClaim,
  type ViewChange,
  prePrepareStatement,
  requestDigest,
  requestStatement,
  viewChangeStatement,
} from "./PbftMessages.js";

/** What a replica checks MACs with: its own keys, and its place in `config.replicas`. */
export interface MacCheck {
  readonly config: PbftConfig;
  readonly macs: MacAuthority;
  /** This replica's index in `config.replicas` (its entry in an authenticator). */
  readonly index: number;
}

/** True when `from`'s authenticator holds a valid MAC of `statement` for this replica. */
export function authentic(
  check: MacCheck,
  from: string,
  statement: string,
  auth: Authenticator | undefined,
): boolean {
  return Array.isArray(auth) && check.macs.verify(from, statement, auth[check.index]);
}

/** A well-formed request whose client (not a replica: replicas cannot invent requests) MAC'd it. */
export function validRequest(check: MacCheck, r: ClientRequest): boolean {
  return (
    wellFormedRequest(r) &&
    !check.config.replicas.includes(r.client) &&
    authentic(check, r.client, requestStatement(r), r.auth)
  );
}

function wellFormedRequest(r: ClientRequest | null): boolean {
  return (
    r === null ||
    (typeof r === "object" &&
      typeof r.client === "string" &&
      Number.isInteger(r.timestamp) &&
      typeof r.op === "string")
  );
}

/** From the primary of its view, for a valid request (or null) whose digest it names. */
export function validPrePrepare(check: MacCheck, pp: PrePrepare): boolean {
  return (
    Number.isInteger(pp.view) &&
    Number.isInteger(pp.seq) &&
    pp.seq >= 1 &&
    pp.digest === requestDigest(pp.request) &&
    (pp.request === null || validRequest(check, pp.request)) &&
    authentic(check, primaryOf(check.config, pp.view), prePrepareStatement(pp), pp.auth)
  );
}

const isClaim = (c: PrePreparedClaim, before: number) =>
  typeof c === "object" &&
  c !== null &&
  Number.isInteger(c.seq) &&
  c.seq >= 1 &&
  Number.isInteger(c.view) &&
  c.view >= 0 &&
  c.view < before &&
  typeof c.digest === "string";

/** Signed by a replica, about earlier views only, one prepared claim per sequence number. */
export function validViewChange(config: PbftConfig, vc: ViewChange): boolean {
  if (!config.replicas.includes(vc.replica) || !Number.isInteger(vc.view)) return false;
  if (!Array.isArray(vc.prepared) || !Array.isArray(vc.prePrepared)) return false;
  const seqs = new Set<number>();
  for (const c of vc.prepared) {
    if (!isClaim(c, vc.view) || seqs.has(c.seq) || !wellFormedRequest(c.request)) return false;
    if (c.digest !== requestDigest(c.request)) return false;
    seqs.add(c.seq);
  }
  if (!vc.prePrepared.every((c) => isClaim(c, vc.view))) return false;
  return config.keyring.verify(vc.replica, viewChangeStatement(vc), vc.signature);
}

export interface Proposal {
  seq: number;
  request: ClientRequest | null;
}

/**
 * What the primary of a view proposes from the view-changes `S` (distinct, valid, at least a
 * quorum): the rule in this file's opening comment. `undefined` while some sequence number is
 * not decidable yet — the primary waits for more view-changes.
 */
export function newViewProposals(
  config: PbftConfig,
  viewChanges: readonly ViewChange[],
): Proposal[] | undefined {
  const prepared = viewChanges.map((vc) => new Map(vc.prepared.map((c) => [c.seq, c])));
  const seqs = [...new Set(viewChanges.flatMap((vc) => vc.prepared.map((c) => c.seq)))];
  const chosen = new Map<number, ClientRequest | null>();
  for (const seq of seqs.sort((a, b) => a - b)) {
    const claims = prepared.flatMap((p) => (p.has(seq) ? [p.get(seq)!] : []));
    const choice = claims
      .sort((a, b) => b.view - a.view || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0))
      .find((c) => supported(config, viewChanges, prepared, c));
    if (choice !== undefined) chosen.set(seq, choice.request);
    else if (prepared.filter((p) => !p.has(seq)).length < config.quorum) return undefined;
  }
  const top = Math.max(0, ...chosen.keys());
  return Array.from({ length: top }, (_, i) => ({
    seq: i + 1,
    request: chosen.get(i + 1) ?? null,
  }));
}

/** Conditions A1 and A2 for the prepared claim `c`. */
function supported(
  config: PbftConfig,
  viewChanges: readonly ViewChange[],
  prepared: readonly Map<number, PreparedClaim>[],
  c: PreparedClaim,
): boolean {
  const consistent = prepared.filter((p) => {
    const other = p.get(c.seq);
    return (
      other === undefined ||
      other.view < c.view ||
      (other.view === c.view && other.digest === c.digest)
    );
  }).length;
  const vouched = viewChanges.filter((vc) =>
    vc.prePrepared.some((q) => q.seq === c.seq && q.digest === c.digest && q.view >= c.view),
  ).length;
  return consistent >= config.quorum && vouched >= config.f + 1;
}

/** One view-change per replica, in the order given: a quorum must be of distinct replicas. */
export function distinctViewChanges(viewChanges: readonly ViewChange[]): ViewChange[] {
  const byReplica = new Map<string, ViewChange>();
  for (const vc of viewChanges) if (!byReplica.has(vc.replica)) byReplica.set(vc.replica, vc);
  return [...byReplica.values()];
}
