// The configuration of a Raft cluster: its fixed membership (dynamic membership is out of scope),
// its timing, its batching, and the planted bugs it runs with (none by default). Validated when it
// is built; a bad value fails with a ConfigError naming the field, the value and the fix.

import { ConfigError } from "../../core/errors.js";
import { requireInteger, requireKnownKeys, requirePositive } from "../../core/validate.js";
import { validateRaftBugs, type RaftBug } from "./RaftBugs.js";

export interface RaftConfigOptions {
  /** The ids of the servers, in a fixed order; every server and client gets the same list. */
  servers: readonly string[];
  /** A follower that hears no leader for a time drawn from [min, max] starts an election. */
  electionTimeoutMsMin?: number;
  electionTimeoutMsMax?: number;
  /** How often a leader sends append requests when it has nothing new (its heartbeat). */
  heartbeatMs?: number;
  /** Most log entries one append request carries. */
  maxEntriesPerAppend?: number;
  /**
   * 0: the leader replicates each new entry at once. Above 0: it gathers new entries for this
   * long and replicates them together (group commit), which trades latency for fewer messages.
   */
  appendBatchMs?: number;
  /**
   * A new leader appends an empty entry of its term at once (Raft §8), so it learns what is
   * committed without waiting for a client. Correct either way; the default is true.
   */
  leaderNoop?: boolean;
  /** Applied entries between snapshots that compact the log (Raft §7); 0 never compacts. */
  snapshotEvery?: number;
  /** With the `ack-before-sync` bug only: how often the lazily synced log is flushed. */
  lazySyncMs?: number;
  /** Planted bugs (default none). */
  bugs?: readonly RaftBug[];
}

export interface RaftConfig {
  readonly servers: readonly string[];
  readonly electionTimeoutMsMin: number;
  readonly electionTimeoutMsMax: number;
  readonly heartbeatMs: number;
  readonly maxEntriesPerAppend: number;
  readonly appendBatchMs: number;
  readonly leaderNoop: boolean;
  readonly snapshotEvery: number;
  readonly lazySyncMs: number;
  readonly bugs: ReadonlySet<RaftBug>;
}

const KEYS: readonly (keyof RaftConfigOptions)[] = [
  "servers",
  "electionTimeoutMsMin",
  "electionTimeoutMsMax",
  "heartbeatMs",
  "maxEntriesPerAppend",
  "appendBatchMs",
  "leaderNoop",
  "snapshotEvery",
  "lazySyncMs",
  "bugs",
];

export function raftConfig(options: RaftConfigOptions): RaftConfig {
  requireKnownKeys("raft", options, KEYS);
  const servers = options.servers;
  if (!Array.isArray(servers) || servers.length === 0 || new Set(servers).size !== servers.length) {
    throw new ConfigError({
      field: "raft.servers",
      value: servers,
      expected: "a non-empty list of distinct server ids",
      fix: 'pass e.g. ["n1", "n2", "n3"] (an odd number tolerates the most failures)',
    });
  }
  const min = requirePositive("raft.electionTimeoutMsMin", options.electionTimeoutMsMin ?? 150);
  const max = requirePositive("raft.electionTimeoutMsMax", options.electionTimeoutMsMax ?? 300);
  if (max < min) {
    throw new ConfigError({
      field: "raft.electionTimeoutMsMax",
      value: max,
      expected: `>= electionTimeoutMsMin (${min})`,
      fix: "give the election timeout a range, e.g. 150 to 300 ms",
    });
  }
  const heartbeatMs = requirePositive("raft.heartbeatMs", options.heartbeatMs ?? 50);
  if (heartbeatMs >= min) {
    throw new ConfigError({
      field: "raft.heartbeatMs",
      value: heartbeatMs,
      expected: `below electionTimeoutMsMin (${min})`,
      fix: "send heartbeats several times per election timeout, e.g. every 50 ms for 150–300 ms",
    });
  }
  const appendBatchMs = options.appendBatchMs ?? 0;
  if (appendBatchMs !== 0) requirePositive("raft.appendBatchMs", appendBatchMs);
  return {
    servers: [...servers],
    electionTimeoutMsMin: min,
    electionTimeoutMsMax: max,
    heartbeatMs,
    maxEntriesPerAppend: requireInteger(
      "raft.maxEntriesPerAppend",
      options.maxEntriesPerAppend ?? 64,
      1,
    ),
    appendBatchMs,
    leaderNoop: requireBoolean("raft.leaderNoop", options.leaderNoop ?? true),
    snapshotEvery: requireInteger("raft.snapshotEvery", options.snapshotEvery ?? 1_000, 0),
    lazySyncMs: requirePositive("raft.lazySyncMs", options.lazySyncMs ?? 100),
    bugs: new Set(validateRaftBugs("raft.bugs", options.bugs ?? [])),
  };
}

function requireBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new ConfigError({ field, value, expected: "true or false", fix: "pass a boolean" });
  }
  return value;
}

/** Votes (or copies) that make a majority of `servers` servers. */
export function majorityOf(servers: number): number {
  return Math.floor(servers / 2) + 1;
}
