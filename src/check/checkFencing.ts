// Fencing safety: the protected resource (a disk, a storage service) never accepted a write from
// an older epoch after it had accepted one from a newer epoch. A lock holder paused by a GC may
// wake up still believing it holds the lock; fencing tokens are what let the resource refuse it.
//
// Input: the writes the resource accepted, in the order it accepted them. Each carries the
// fencing token (epoch) it was sent with, and optionally who sent it: two writers sharing one
// epoch is also a violation, since tokens must identify one holder.

import { ConfigError } from "../core/errors.js";
import { report, type CheckReport, type Violation } from "./CheckReport.js";

export interface AcceptedWrite {
  readonly epoch: number;
  readonly atMicros: number;
  readonly writer?: string;
}

export interface FencingViolation extends Violation {
  readonly kind: "stale-epoch" | "shared-epoch";
  /** Index in the input of the write that should have been refused. */
  readonly index: number;
  readonly write: AcceptedWrite;
  /** The earlier accepted write it conflicts with. */
  readonly after: AcceptedWrite;
}

export function checkFencing(accepted: readonly AcceptedWrite[]): CheckReport<FencingViolation> {
  const violations: FencingViolation[] = [];
  let newest: AcceptedWrite | undefined;
  /** The first write of each epoch that names its writer. */
  const holders = new Map<number, AcceptedWrite>();
  accepted.forEach((write, index) => {
    if (typeof write.epoch !== "number" || !Number.isFinite(write.epoch)) {
      throw new ConfigError({
        field: `accepted[${index}].epoch`,
        value: write.epoch,
        expected: "a finite number (the fencing token)",
        fix: "record the token each accepted write carried",
      });
    }
    const who = (w: AcceptedWrite) => (w.writer === undefined ? "" : ` from ${w.writer}`);
    if (newest !== undefined && write.epoch < newest.epoch) {
      violations.push({
        kind: "stale-epoch",
        index,
        write,
        after: newest,
        message:
          `at ${write.atMicros} µs the resource accepted a write${who(write)} with epoch ${write.epoch} ` +
          `after accepting epoch ${newest.epoch}${who(newest)} at ${newest.atMicros} µs`,
      });
    }
    // An unnamed write may be any holder's, so only named writers are compared.
    if (write.writer !== undefined) {
      const holder = holders.get(write.epoch);
      if (holder === undefined) holders.set(write.epoch, write);
      else if (holder.writer !== write.writer) {
        violations.push({
          kind: "shared-epoch",
          index,
          write,
          after: holder,
          message: `epoch ${write.epoch} was used by both ${holder.writer} and ${write.writer}`,
        });
      }
    }
    if (newest === undefined || write.epoch > newest.epoch) newest = write;
  });
  const summary =
    violations.length === 0
      ? `${accepted.length} accepted writes, epochs never went backwards`
      : `${violations.length} of ${accepted.length} accepted writes broke fencing; first: ${violations[0]?.message}`;
  return report("fencing", violations, summary);
}
