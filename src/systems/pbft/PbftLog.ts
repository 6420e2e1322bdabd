// A replica's message log: per sequence number, the pre-prepare it accepted in each view and the
// prepares and commits it has seen for each (view, digest). From these it decides the two
// predicates of the protocol: *prepared* (the pre-prepare plus a quorum of matching prepares —
// no conflicting request can be prepared at this sequence number in this view) and *committed*
// (prepared plus a quorum of matching commits — the request will survive any view change).

import type { PbftConfig } from "./PbftConfig.js";
import type { PreparedCertificate, PrePrepare, Prepare } from "./PbftMessages.js";

interface Slot {
  /** The pre-prepare accepted in each view: at most one per view, which is what stops a lying primary. */
  readonly accepted: Map<number, PrePrepare>;
  /** `${view}|${digest}` → replica → signature. */
  readonly prepares: Map<string, Map<string, string>>;
  /** `${view}|${digest}` → replicas that sent a matching commit. */
  readonly commits: Map<string, Set<string>>;
  /** The certificate of the highest view in which this replica saw the slot prepared. */
  prepared?: PreparedCertificate;
  committed?: PrePrepare;
}

const key = (view: number, digest: string) => `${view}|${digest}`;

export class PbftLog {
  private readonly slots = new Map<number, Slot>();

  constructor(private readonly config: PbftConfig) {}

  private slot(seq: number): Slot {
    let s = this.slots.get(seq);
    if (s === undefined) {
      s = { accepted: new Map(), prepares: new Map(), commits: new Map() };
      this.slots.set(seq, s);
    }
    return s;
  }

  /** Accepts the first pre-prepare for (view, seq); false for a conflicting second one. */
  accept(pp: PrePrepare): boolean {
    const s = this.slot(pp.seq);
    const before = s.accepted.get(pp.view);
    if (before !== undefined) return before.digest === pp.digest;
    s.accepted.set(pp.view, pp);
    return true;
  }

  accepted(view: number, seq: number): PrePrepare | undefined {
    return this.slots.get(seq)?.accepted.get(view);
  }

  addPrepare(p: Prepare): void {
    const k = key(p.view, p.digest);
    const s = this.slot(p.seq);
    let byReplica = s.prepares.get(k);
    if (byReplica === undefined) s.prepares.set(k, (byReplica = new Map()));
    if (!byReplica.has(p.replica)) byReplica.set(p.replica, p.signature);
  }

  addCommit(view: number, seq: number, digest: string, replica: string): void {
    const s = this.slot(seq);
    const k = key(view, digest);
    let replicas = s.commits.get(k);
    if (replicas === undefined) s.commits.set(k, (replicas = new Set()));
    replicas.add(replica);
  }

  /** The certificate if (view, seq) is prepared here: accepted pre-prepare + a quorum of prepares. */
  prepared(view: number, seq: number): PreparedCertificate | undefined {
    const s = this.slots.get(seq);
    const pp = s?.accepted.get(view);
    if (s === undefined || pp === undefined) return undefined;
    const prepares = s.prepares.get(key(view, pp.digest));
    if (prepares === undefined || prepares.size < this.config.quorum) return undefined;
    const certificate: PreparedCertificate = {
      prePrepare: pp,
      prepares: [...prepares].slice(0, this.config.quorum).map(([replica, signature]) => ({
        replica,
        signature,
      })),
    };
    if (s.prepared === undefined || s.prepared.prePrepare.view < view) s.prepared = certificate;
    return certificate;
  }

  /** True once (view, seq) is prepared and a quorum of matching commits arrived; records it. */
  committed(view: number, seq: number): boolean {
    const s = this.slots.get(seq);
    const pp = s?.accepted.get(view);
    if (s === undefined || pp === undefined || this.prepared(view, seq) === undefined) return false;
    if ((s.commits.get(key(view, pp.digest))?.size ?? 0) < this.config.quorum) return false;
    s.committed ??= pp;
    return true;
  }

  /** The request committed at `seq`, if any. */
  decided(seq: number): PrePrepare | undefined {
    return this.slots.get(seq)?.committed;
  }

  /** Every prepared certificate (highest view per slot), for a view-change message. */
  preparedCertificates(): PreparedCertificate[] {
    return [...this.slots.entries()]
      .filter(([, s]) => s.prepared !== undefined)
      .sort(([a], [b]) => a - b)
      .map(([, s]) => s.prepared!);
  }
}
