// How a PBFT group is sized. n replicas tolerate f Byzantine ones when n >= 3f + 1: a quorum of
// 2f + 1 can form with f replicas silent, and any two quorums share f + 1 replicas, at least one of
// them correct — so two conflicting proposals can never both gather a quorum.

import { ConfigError } from "../../core/errors.js";
import type { Backoff } from "../../primitives/Backoff.js";
import { exponentialBackoff } from "../../primitives/Backoff.js";
import type { Keyring } from "./Keyring.js";

export interface PbftConfig {
  /** Replica ids; the primary of view v is `replicas[v mod n]`. */
  readonly replicas: readonly string[];
  /** Byzantine replicas tolerated. */
  readonly f: number;
  /** Matching prepares (or commits, or view-changes) needed: 2f + 1 when n = 3f + 1. */
  readonly quorum: number;
  readonly keyring: Keyring;
  /** How long a backup waits for a pending request before it suspects the primary. */
  readonly viewChangeBackoff: Backoff;
}

export interface PbftOptions {
  replicas: readonly string[];
  f: number;
  keyring: Keyring;
  /**
   * Overrides 2f + 1. Only for demonstrating what goes wrong when n < 3f + 1: with n = 3 and
   * f = 1, a quorum of n − f = 2 stays live with one replica silent, but two quorums then share a
   * single replica, which may be the traitor.
   */
  unsafeQuorum?: number;
  /** First view-change timeout, doubling while views keep failing (default 300 ms, cap 5 s). */
  viewChangeTimeoutMs?: number;
}

export function pbftConfig(options: PbftOptions): PbftConfig {
  const n = options.replicas.length;
  const { f } = options;
  if (!Number.isInteger(f) || f < 0) {
    throw new ConfigError({
      field: "f",
      value: f,
      expected: "a whole number >= 0",
      fix: "use f = 1",
    });
  }
  if (options.unsafeQuorum === undefined && n < 3 * f + 1) {
    throw new ConfigError({
      field: "replicas",
      value: n,
      expected: `at least 3f + 1 = ${3 * f + 1} replicas to tolerate f = ${f}`,
      fix: `add replicas or lower f to ${Math.floor((n - 1) / 3)}`,
    });
  }
  const viewChangeTimeoutMs = options.viewChangeTimeoutMs ?? 300;
  return {
    replicas: options.replicas,
    f,
    quorum: options.unsafeQuorum ?? 2 * f + 1,
    keyring: options.keyring,
    viewChangeBackoff: exponentialBackoff({
      baseMs: viewChangeTimeoutMs,
      capMs: Math.max(viewChangeTimeoutMs, 5_000),
    }),
  };
}

export function primaryOf(config: PbftConfig, view: number): string {
  return config.replicas[view % config.replicas.length]!;
}
