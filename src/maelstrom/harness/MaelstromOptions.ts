// The settings of one Maelstrom test, with Maelstrom's own names where it has them (so that
// scripts written for `maelstrom test` carry over) and murphy's extras beside them. Everything is
// validated here, once, with errors that name the flag, the value and the fix; nothing is clamped.

import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { probability } from "../../core/units.js";
import {
  requireInteger,
  requireKnownKeys,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  requireRange,
} from "../../core/validate.js";
import type { LatencySpec } from "../../net/Latency.js";
import { TOPOLOGIES, type TopologyName } from "./topology.js";

export const WORKLOAD_NAMES = [
  "echo",
  "unique-ids",
  "broadcast",
  "g-set",
  "g-counter",
  "pn-counter",
  "lin-kv",
  "kafka",
  "txn-rw-register",
] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export const NEMESIS_KINDS = ["partition", "pause", "kill"] as const;
export type NemesisKind = (typeof NEMESIS_KINDS)[number];

/** Maelstrom's three, plus murphy's heavier tails. */
export const LATENCY_DISTS = ["constant", "uniform", "exponential", "lognormal", "pareto"] as const;
export type LatencyDist = (typeof LATENCY_DISTS)[number];

export const CONSISTENCY_MODELS = ["read-uncommitted", "read-committed"] as const;
export type ConsistencyModel = (typeof CONSISTENCY_MODELS)[number];

/** What a caller may pass: every field optional but the workload. */
export interface MaelstromTestInput {
  workload: string;
  nodeCount?: number;
  /** Seconds the clients issue operations for (Maelstrom's --time-limit). */
  timeLimitS?: number;
  /** Operations per second over all clients. */
  rate?: number;
  /** Clients: a number, or `"2n"` for twice the node count. */
  concurrency?: number | string;
  /** Mean one-way latency of every message, ms (Maelstrom's --latency). */
  latencyMs?: number;
  latencyDist?: string;
  nemesis?: readonly string[];
  /** Mean seconds between nemesis actions. */
  nemesisIntervalS?: number;
  topology?: string;
  /** "total" (every operation must succeed) or the fraction that must. */
  availability?: number | "total";
  consistencyModels?: readonly string[];
  keyCount?: number;
  maxTxnLength?: number;
  maxWritesPerKey?: number;
  /** murphy: the run's seed (workload, latency draws, nemesis). */
  seed?: string | number | bigint | Seed;
  /** murphy: loss and duplication on links between nodes (clients and services stay reliable). */
  lossProbability?: number;
  duplicateProbability?: number;
  /** murphy: a client gives up on a request (recording `info`) after this long. */
  requestTimeoutMs?: number;
  /** murphy: seconds between the end of the workload (faults healed) and the final reads. */
  recoveryS?: number;
  /** murphy: how long a node has to answer `init` (default 10 s; the workload waits for all). */
  initTimeoutMs?: number;
}

export interface MaelstromTestOptions {
  readonly workload: WorkloadName;
  readonly nodeCount: number;
  readonly timeLimitMs: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly latency: LatencySpec;
  readonly latencyMs: number;
  readonly latencyDist: LatencyDist;
  readonly nemesis: readonly NemesisKind[];
  readonly nemesisIntervalMs: number;
  readonly topology: TopologyName;
  readonly availability: number | undefined;
  readonly consistencyModels: readonly ConsistencyModel[];
  readonly keyCount: number;
  readonly maxTxnLength: number;
  readonly maxWritesPerKey: number;
  readonly seed: Seed;
  readonly lossProbability: number;
  readonly duplicateProbability: number;
  readonly requestTimeoutMs: number;
  readonly recoveryMs: number;
  readonly initTimeoutMs: number;
}

const KEYS: readonly (keyof MaelstromTestInput)[] = [
  "workload",
  "nodeCount",
  "timeLimitS",
  "rate",
  "concurrency",
  "latencyMs",
  "latencyDist",
  "nemesis",
  "nemesisIntervalS",
  "topology",
  "availability",
  "consistencyModels",
  "keyCount",
  "maxTxnLength",
  "maxWritesPerKey",
  "seed",
  "lossProbability",
  "duplicateProbability",
  "requestTimeoutMs",
  "recoveryS",
  "initTimeoutMs",
];

/** Checks every setting and fills in Maelstrom's defaults (and murphy's for its extras). */
export function maelstromTestOptions(input: MaelstromTestInput): MaelstromTestOptions {
  requireKnownKeys("", input, KEYS);
  const workload = requireOneOf("--workload", input.workload, WORKLOAD_NAMES);
  const nodeCount = requireRange(
    "--node-count",
    requireInteger("--node-count", input.nodeCount ?? 5, 1),
    1,
    100,
  );
  const latencyMs = requireNonNegative("--latency", input.latencyMs ?? 0);
  const latencyDist = requireOneOf(
    "--latency-dist",
    input.latencyDist ?? "constant",
    LATENCY_DISTS,
  );
  const timeLimitMs = Math.round(requirePositive("--time-limit", input.timeLimitS ?? 10) * 1000);
  const nemesis = [...new Set(input.nemesis ?? [])].map((k, i) =>
    requireOneOf(`--nemesis[${i}]`, k, NEMESIS_KINDS),
  );
  const requestTimeoutMs = requirePositive("--request-timeout", input.requestTimeoutMs ?? 5000);
  return {
    workload,
    nodeCount,
    timeLimitMs,
    rate: requirePositive("--rate", input.rate ?? 5),
    concurrency: concurrencyOf(input.concurrency, nodeCount),
    latency: latencySpec(latencyDist, latencyMs),
    latencyMs,
    latencyDist,
    nemesis,
    nemesisIntervalMs: Math.round(
      requirePositive("--nemesis-interval", input.nemesisIntervalS ?? 10) * 1000,
    ),
    topology: requireOneOf("--topology", input.topology ?? "grid", TOPOLOGIES),
    availability: availabilityOf(input.availability),
    consistencyModels: (input.consistencyModels ?? CONSISTENCY_MODELS).map((m, i) =>
      requireOneOf(`--consistency-models[${i}]`, m, CONSISTENCY_MODELS),
    ),
    keyCount: requireInteger(
      "--key-count",
      input.keyCount ?? (workload === "txn-rw-register" ? 4 : 3),
      1,
    ),
    maxTxnLength: requireInteger("--max-txn-length", input.maxTxnLength ?? 4, 1),
    maxWritesPerKey: requireInteger("--max-writes-per-key", input.maxWritesPerKey ?? 16, 1),
    seed: Seed.parse(input.seed ?? 0),
    lossProbability: probability(input.lossProbability ?? 0, "--loss"),
    duplicateProbability: probability(input.duplicateProbability ?? 0, "--duplicate"),
    requestTimeoutMs,
    recoveryMs: Math.round(requireNonNegative("--recovery-time", input.recoveryS ?? 5) * 1000),
    initTimeoutMs: requirePositive("--init-timeout", input.initTimeoutMs ?? 10_000),
  };
}

function concurrencyOf(value: number | string | undefined, nodeCount: number): number {
  if (value === undefined) return nodeCount;
  if (typeof value === "string") {
    const match = /^(\d+)(n?)$/.exec(value.trim());
    if (match === null) {
      throw new ConfigError({
        field: "--concurrency",
        value,
        expected: "a number of clients, or a multiple of the node count like 2n",
        fix: "write e.g. --concurrency 4 or --concurrency 2n",
      });
    }
    const n = Number(match[1]);
    return requireInteger("--concurrency", match[2] === "n" ? n * nodeCount : n, 1);
  }
  return requireInteger("--concurrency", value, 1);
}

function availabilityOf(value: number | "total" | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === "total") return 1;
  return requireRange("--availability", value, 0, 1);
}

/**
 * Maelstrom's `--latency L` with its distribution: constant L, uniform over [0, 2L] (mean L),
 * exponential of mean L; murphy adds lognormal (median L, σ 0.5) and pareto (scale L/3, shape 1.5,
 * capped at 20 L), whose tails are where timeouts and retries go wrong.
 */
export function latencySpec(dist: LatencyDist, latencyMs: number): LatencySpec {
  switch (dist) {
    case "constant":
      return { kind: "constant", ms: latencyMs };
    case "uniform":
      return { kind: "uniform", minMs: 0, maxMs: 2 * latencyMs };
    case "exponential":
      return { kind: "exponential", meanMs: latencyMs };
    case "lognormal":
      return latencyMs === 0
        ? { kind: "constant", ms: 0 }
        : { kind: "lognormal", medianMs: latencyMs, sigma: 0.5 };
    case "pareto":
      return latencyMs === 0
        ? { kind: "constant", ms: 0 }
        : { kind: "pareto", scaleMs: latencyMs / 3, shape: 1.5, maxMs: 20 * latencyMs };
  }
}

/** Maelstrom's node ids for a test of `count` nodes: n0, n1, …. */
export function nodeIdsOf(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i}`);
}
