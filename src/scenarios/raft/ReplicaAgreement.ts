// State machine safety (Raft's central guarantee), observed from outside the servers: no two
// servers ever apply different commands at the same log index. Each server reports what it
// applies; the first command applied at an index is remembered, and any server that applies a
// different one there is a violation, whether or not a client ever noticed.

import { report, type CheckReport, type Violation } from "../../check/CheckReport.js";
import type { LogEntry } from "../../systems/raft/RaftCommands.js";
import type { RaftObserver } from "../../systems/raft/RaftObserver.js";

interface FirstApplied {
  server: string;
  fingerprint: string;
}

export interface DivergenceViolation extends Violation {
  readonly kind: "divergent-apply";
  readonly index: number;
}

export class ReplicaAgreement {
  private readonly applied: (FirstApplied | undefined)[] = [];
  private readonly violations: DivergenceViolation[] = [];
  private appliedCount = 0;
  private leaderTerms = 0;
  private readonly leaderOf = new Map<number, string>();
  private sharedTerms = 0;

  /** The observer to hand each server. */
  readonly observer: RaftObserver = {
    onApply: (server, index, entry) => this.onApply(server, index, entry),
    onRole: (server, role, term) => {
      if (role === "leader") {
        this.leaderTerms++;
        const other = this.leaderOf.get(term);
        if (other !== undefined && other !== server) this.sharedTerms++;
        this.leaderOf.set(term, server);
      }
    },
  };

  /** How many times a server took office as leader (or, under a bug, moved terms as one). */
  get leaderships(): number {
    return this.leaderTerms;
  }

  /** Terms in which two servers took office as leader (only a planted bug allows it). */
  get twoLeaderTerms(): number {
    return this.sharedTerms;
  }

  get applies(): number {
    return this.appliedCount;
  }

  check(): CheckReport<DivergenceViolation> {
    const summary =
      this.violations.length === 0
        ? `${this.appliedCount} applies over ${this.applied.length} indexes, all servers agreed`
        : `${this.violations.length} divergent applies; first: ${this.violations[0]!.message}`;
    return report("replicas-agree", this.violations.slice(0, 20), summary);
  }

  private onApply(server: string, index: number, entry: LogEntry): void {
    this.appliedCount++;
    const c = entry.command;
    const by = c.op.f === "noop" ? ` by ${c.op.leader}` : "";
    const fingerprint = `term ${entry.term} ${c.client}#${c.seq} ${c.op.f}${by}`;
    const first = this.applied[index];
    if (first === undefined) {
      this.applied[index] = { server, fingerprint };
      return;
    }
    if (first.fingerprint === fingerprint) return;
    this.violations.push({
      kind: "divergent-apply",
      index,
      message: `${server} applied [${fingerprint}] at index ${index}, where ${first.server} applied [${first.fingerprint}]`,
    });
  }
}
