// What the replicated state machine executes: key-value operations and lock/lease operations, each
// stamped with the client's id and a sequence number so that a command retried by its client is
// applied once (the client keeps one command in flight; see RaftStateMachine). `expire` is the
// leader's own command, proposed when a lease runs out on its monotonic clock, and so is `noop`,
// which a leader may append when it takes office.

/** Values the key-value store holds: JSON scalars. */
export type KvValue = string | number | boolean | null;

export type RaftOperation =
  /** A leader's first entry of its term, when it appends one (RaftConfig.leaderNoop). */
  | { f: "noop"; leader: string }
  | { f: "get"; key: string }
  | { f: "put"; key: string; value: KvValue }
  /**
   * Takes the lock for `ttlMs` of the leader's monotonic clock. `token` is set only by a leader
   * running the `token-reset` bug; a correct leader leaves it out and the token is the log index.
   */
  | { f: "acquire"; name: string; ttlMs: number; token?: number }
  | { f: "renew"; name: string; token: number; ttlMs: number }
  | { f: "release"; name: string; token: number }
  /** Frees the lock if grant `token` still holds it and was last acquired or renewed at `since`. */
  | { f: "expire"; name: string; token: number; since: number };

export interface RaftCommand {
  /** The client's id; "" for the leader's own commands (never deduplicated). */
  readonly client: string;
  /** The client's sequence number of this command, from 1; 0 for the leader's own. */
  readonly seq: number;
  readonly op: RaftOperation;
}

export type RaftResult =
  | { f: "noop" }
  | { f: "get"; value: KvValue }
  | { f: "put" }
  /** Granted: `token` is this grant's fencing token. Refused: `heldBy` holds it. */
  | { f: "acquire"; token: number; ttlMs: number }
  | { f: "acquire"; heldBy: string }
  | { f: "renew"; renewed: boolean }
  | { f: "release"; released: boolean }
  | { f: "expire"; expired: boolean };

export interface LogEntry {
  readonly term: number;
  readonly command: RaftCommand;
}

/** True when the operation changes nothing (a read), so a buggy leader may answer it locally. */
export function isReadOnly(op: RaftOperation): boolean {
  return op.f === "get";
}
