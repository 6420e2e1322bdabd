// The leader's side of the lock service's leases: when each held lock's lease ends, on the
// leader's monotonic clock. Nothing here is replicated — clocks differ between servers — so each
// new leader starts every held lease afresh at its full TTL when it takes office (a lease can only
// be lengthened by a leader change, never shortened), and proposes an `expire` command through
// the log when one runs out. The command names the grant and the acquire or renew it last saw, so
// a renewal that commits before it makes it a no-op.
//
// The holder's side is the Lease primitive on the client: it counts from when it sent the
// request, minus the drift bound, so the holder stops before any leader can think the lease over.

import type { MonotonicClock } from "../../core/Clock.js";
import type { RaftOperation, RaftResult } from "./RaftCommands.js";
import type { RaftStateMachine } from "./RaftStateMachine.js";

interface LeaseEnd {
  token: number;
  /** The log index of the acquire or renew this end counts from. */
  since: number;
  endMs: number;
  proposed: boolean;
}

export class RaftLeaderLeases {
  private readonly ends = new Map<string, LeaseEnd>();

  constructor(private readonly clock: MonotonicClock) {}

  /** Takes office: every lock held in the applied state gets a full TTL from now. */
  startAll(sm: RaftStateMachine): void {
    this.ends.clear();
    const now = this.clock.monotonicMs();
    for (const [name, held] of sm.heldLocks()) {
      this.ends.set(name, {
        token: held.token,
        since: held.since,
        endMs: now + held.ttlMs,
        proposed: false,
      });
    }
  }

  /** Follows an applied lock command. */
  onApplied(index: number, op: RaftOperation, result: RaftResult | undefined): void {
    if (result === undefined) return;
    const now = this.clock.monotonicMs();
    if (op.f === "acquire" && "token" in result) {
      this.ends.set(op.name, {
        token: result.token,
        since: index,
        endMs: now + op.ttlMs,
        proposed: false,
      });
    } else if (op.f === "renew" && result.f === "renew" && result.renewed) {
      this.ends.set(op.name, {
        token: op.token,
        since: index,
        endMs: now + op.ttlMs,
        proposed: false,
      });
    } else if (
      (op.f === "release" && result.f === "release" && result.released) ||
      (op.f === "expire" && result.f === "expire" && result.expired)
    ) {
      this.ends.delete(op.name);
    }
  }

  /** Leases that have run out and have no `expire` proposed yet; marks them proposed. */
  takeExpired(): { name: string; token: number; since: number }[] {
    const now = this.clock.monotonicMs();
    const out: { name: string; token: number; since: number }[] = [];
    for (const [name, end] of this.ends) {
      if (end.proposed || now < end.endMs) continue;
      end.proposed = true;
      out.push({ name, token: end.token, since: end.since });
    }
    return out;
  }

  clear(): void {
    this.ends.clear();
  }
}
