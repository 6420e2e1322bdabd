// The mistakes that can be planted in the Raft service, each one a bug real implementations have
// shipped. All are off by default; a world turns one on to show that murphy finds it. Each name
// says what the server gets wrong, and the description says what that lets happen.

import { ConfigError } from "../../core/errors.js";

export const RAFT_BUGS = {
  "forget-vote":
    "the vote is kept in memory only (the term is persisted): a server that crashes and recovers " +
    "may vote a second time in the same term, so one term can have two leaders",
  "commit-old-term":
    "the leader commits an entry of an earlier term as soon as a majority holds it (Figure 8 of " +
    "the Raft paper): a later leader may overwrite it after it was applied and answered",
  "ack-before-sync":
    "servers answer (append replies, and so the client) before the log entry is synced; the log " +
    "is flushed every few ms, so a crash can lose an acknowledged write",
  "no-step-down":
    "a leader that sees a higher term adopts the term but keeps leading, so two servers lead the " +
    "same term and the logs diverge",
  "stale-read":
    "a leader answers reads from its own state without checking it still leads: a deposed leader " +
    "behind a partition serves stale values",
  "token-reset":
    "the leader hands out lock tokens from a counter it starts at election from the state it has " +
    "applied, which may lag: after a leader change a token can repeat or go backwards",
} as const;

export type RaftBug = keyof typeof RAFT_BUGS;

export const RAFT_BUG_NAMES = Object.keys(RAFT_BUGS) as RaftBug[];

/** Checks a list of bug names; `field` names it in the error. */
export function validateRaftBugs(field: string, value: unknown): RaftBug[] {
  if (!Array.isArray(value)) {
    throw new ConfigError({
      field,
      value,
      expected: "an array of planted-bug names",
      fix: `pass [] (no bug) or some of ${RAFT_BUG_NAMES.join(", ")}`,
    });
  }
  value.forEach((name, i) => {
    if (!RAFT_BUG_NAMES.includes(name as RaftBug)) {
      throw new ConfigError({
        field: `${field}[${i}]`,
        value: name,
        expected: `one of ${RAFT_BUG_NAMES.join(", ")}`,
        fix: "name a planted bug of the Raft service",
      });
    }
  });
  return [...(value as RaftBug[])];
}
