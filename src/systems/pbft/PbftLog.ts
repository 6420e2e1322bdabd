// A replica's message log: per sequence number, the pre-prepare it accepted in each view and the
// prepares and commits it has seen for each (view, digest). From these it decides the two
// predicates of the protocol: *prepared* (the pre-prepare plus a quorum of matching prepares —
// no conflicting request can be prepared at this sequence number in this view) and *committed*
// (prepared plus a quorum of matching commits — the request will survive any view change). For a
// view-change it states what it prepared (P) and pre-prepared (Q); see PbftCertificates.

import type { PbftConfig } from "./PbftConfig.js";
import type { PrePrepare, PrePreparedClaim, PreparedClaim } from "./PbftMessages.js";

interface Slot {
  /** The pre-prepare accepted in each view: at most one per view, which is what stops a lying primary. */
  readonly accepted: Map<number, PrePrepare>;
  /** `${view}|${digest}` → replicas that sent a matching (authenticated) prepare. */
  readonly prepares: Map<string, Set<string>>;
  /** `${view}|${digest}` → replicas that sent a matching commit. */
  readonly commits: Map<string, Set<string>>;
  /** The highest view in which this replica saw the slot prepared. */
  prepared?: PreparedClaim;
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

  addPrepare(view: number, seq: number, digest: string, replica: string): void {
    add(this.slot(seq).prepares, key(view, digest), replica);
  }

  addCommit(view: number, seq: number, digest: string, replica: string): void {
    add(this.slot(seq).commits, key(view, digest), replica);
  }

  /** True if (view, seq) is prepared here (accepted pre-prepare + a quorum of prepares); records it. */
  prepared(view: number, seq: number): boolean {
    const s = this.slots.get(seq);
    const pp = s?.accepted.get(view);
    if (s === undefined || pp === undefined) return false;
    if ((s.prepares.get(key(view, pp.digest))?.size ?? 0) < this.config.quorum) return false;
    if (s.prepared === undefined || s.prepared.view < view) {
      s.prepared = { seq, view, digest: pp.digest, request: pp.request };
    }
    return true;
  }

  /** True once (view, seq) is prepared and a quorum of matching commits arrived; records it. */
  committed(view: number, seq: number): boolean {
    const s = this.slots.get(seq);
    const pp = s?.accepted.get(view);
    if (s === undefined || pp === undefined || !this.prepared(view, seq)) return false;
    if ((s.commits.get(key(view, pp.digest))?.size ?? 0) < this.config.quorum) return false;
    s.committed ??= pp;
    return true;
  }

  /** The request committed at `seq`, if any. */
  decided(seq: number): PrePrepare | undefined {
    return this.slots.get(seq)?.committed;
  }

  /** P of a view-change: per sequence number, the highest view in which it prepared here. */
  preparedClaims(): PreparedClaim[] {
    return this.sortedSlots().flatMap(([, s]) => (s.prepared === undefined ? [] : [s.prepared]));
  }

  /** Q of a view-change: per sequence number and digest, the highest view it was accepted in. */
  prePreparedClaims(): PrePreparedClaim[] {
    return this.sortedSlots().flatMap(([seq, s]) => {
      const highest = new Map<string, number>();
      for (const [view, pp] of s.accepted) {
        highest.set(pp.digest, Math.max(view, highest.get(pp.digest) ?? -1));
      }
      return [...highest]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([digest, view]) => ({ seq, view, digest }));
    });
  }

  private sortedSlots(): [number, Slot][] {
    return [...this.slots.entries()].sort(([a], [b]) => a - b);
  }
}

function add(map: Map<string, Set<string>>, k: string, replica: string): void {
  let replicas = map.get(k);
  if (replicas === undefined) map.set(k, (replicas = new Set()));
  replicas.add(replica);
}
