// Faults are data: a schedule is a JSON list of timed actions. A scripted schedule is written by
// hand; a random one is generated from the seed; both replay identically. Node names are the
// world's node ids; times are milliseconds of virtual time from the start of the run.

import { ConfigError } from "../core/errors.js";
import {
  requireKnownKeys,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  requireRange,
} from "../core/validate.js";
import { MAX_DRIFT_PPM } from "../clock/PhysicalClock.js";
import { probability } from "../core/units.js";

export type ByzantineBehaviorName =
  "silent" | "corrupt" | "replay" | "equivocate" | "lie" | "honest";

export type FaultAction =
  /**
   * The group partitions (`partition`, `partition-majority`, `isolate`) replace one another: the
   * network has one grouping at a time, so `isolate a` then `isolate b` reconnects a. One-way
   * `cut`s and `ring`s add up; `heal` clears them all; `link-down` lasts until its `link-up`.
   */
  | { atMs: number; kind: "partition"; groups: string[][] }
  | { atMs: number; kind: "partition-majority"; minority: string[] }
  | { atMs: number; kind: "cut"; from: string; to: string }
  | { atMs: number; kind: "isolate"; node: string }
  | { atMs: number; kind: "ring"; order: string[] }
  | { atMs: number; kind: "heal" }
  | { atMs: number; kind: "link-down"; from: string; to: string }
  | { atMs: number; kind: "link-up"; from: string; to: string }
  | { atMs: number; kind: "slow"; factor: number; from?: string; to?: string }
  /** Sets the default link's loss; links configured with their own rate keep it. */
  | { atMs: number; kind: "loss"; probability: number }
  /** Sets the default link's duplication; links configured with their own rate keep it. */
  | { atMs: number; kind: "duplicate"; probability: number }
  | { atMs: number; kind: "pause"; node: string; durationMs: number }
  | { atMs: number; kind: "crash"; node: string; recoverAfterMs?: number }
  | { atMs: number; kind: "recover"; node: string }
  | { atMs: number; kind: "clock-jump"; node: string; deltaMs: number }
  | { atMs: number; kind: "clock-drift"; node: string; driftPpm: number }
  | { atMs: number; kind: "byzantine"; node: string; behavior: ByzantineBehaviorName };

export type FaultKind = FaultAction["kind"];

export const FAULT_KINDS: readonly FaultKind[] = [
  "partition",
  "partition-majority",
  "cut",
  "isolate",
  "ring",
  "heal",
  "link-down",
  "link-up",
  "slow",
  "loss",
  "duplicate",
  "pause",
  "crash",
  "recover",
  "clock-jump",
  "clock-drift",
  "byzantine",
];

/** The faults that cut links until a `heal`. */
export const PARTITION_FAULT_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  "partition",
  "partition-majority",
  "cut",
  "isolate",
  "ring",
]);

/** The named adversaries (and `honest`, which ends one). */
export const BYZANTINE_BEHAVIOR_NAMES: readonly ByzantineBehaviorName[] = [
  "silent",
  "corrupt",
  "replay",
  "equivocate",
  "lie",
  "honest",
];

/** Checks a schedule against the world's nodes; returns it sorted by time (stable). */
export function validateFaultSchedule(actions: unknown, nodeIds: readonly string[]): FaultAction[] {
  if (!Array.isArray(actions)) {
    throw new ConfigError({
      field: "faults",
      value: actions,
      expected: "an array of fault actions",
      fix: 'write e.g. [{"atMs": 100, "kind": "crash", "node": "n1"}]',
    });
  }
  const refs = new NodeRefs(nodeIds);
  const out = actions.map((raw: unknown, i: number) =>
    validateFaultAction(raw, `faults[${i}]`, refs),
  );
  return out
    .map((action, i) => ({ action, i }))
    .sort((x, y) => x.action.atMs - y.action.atMs || x.i - y.i)
    .map((x) => x.action);
}

/** Checks node-id fields against the world's nodes; errors list a few valid ids as the fix. */
class NodeRefs {
  private readonly known: Set<string>;

  constructor(private readonly nodeIds: readonly string[]) {
    this.known = new Set(nodeIds);
  }

  node(field: string, id: unknown): string {
    if (typeof id !== "string" || !this.known.has(id)) {
      const ids = this.nodeIds;
      throw new ConfigError({
        field,
        value: id,
        expected: "the id of a node in this world",
        fix: `use one of ${ids
          .slice(0, 8)
          .map((x) => JSON.stringify(x))
          .join(", ")}${ids.length > 8 ? ", …" : ""}`,
      });
    }
    return id;
  }

  /** A non-empty list of distinct node ids. */
  list(field: string, ids: unknown): string[] {
    if (!Array.isArray(ids) || ids.length === 0) {
      throw new ConfigError({
        field,
        value: ids,
        expected: "a non-empty array of node ids",
        fix: 'write e.g. ["n1", "n2"]',
      });
    }
    const seen = new Set<string>();
    return ids.map((id, i) => {
      const node = this.node(`${field}[${i}]`, id);
      if (seen.has(node)) {
        throw new ConfigError({
          field: `${field}[${i}]`,
          value: node,
          expected: "a node not already in this list",
          fix: "name each node once",
        });
      }
      seen.add(node);
      return node;
    });
  }

  /** Two different nodes: a link from one to the other. */
  pair(f: string, a: Record<string, unknown>): { from: string; to: string } {
    const from = this.node(`${f}.from`, a.from);
    const to = this.node(`${f}.to`, a.to);
    if (from === to) {
      throw new ConfigError({
        field: `${f}.to`,
        value: to,
        expected: `a node other than \`from\` (${JSON.stringify(from)}): a link joins two nodes`,
        fix: "name the two ends of the link",
      });
    }
    return { from, to };
  }
}

/** Each kind's own fields, besides `atMs` and `kind`: anything else is a misspelling. */
const FIELDS: Record<FaultKind, readonly string[]> = {
  partition: ["groups"],
  "partition-majority": ["minority"],
  cut: ["from", "to"],
  isolate: ["node"],
  ring: ["order"],
  heal: [],
  "link-down": ["from", "to"],
  "link-up": ["from", "to"],
  slow: ["factor", "from", "to"],
  loss: ["probability"],
  duplicate: ["probability"],
  pause: ["node", "durationMs"],
  crash: ["node", "recoverAfterMs"],
  recover: ["node"],
  "clock-jump": ["node", "deltaMs"],
  "clock-drift": ["node", "driftPpm"],
  byzantine: ["node", "behavior"],
};

/** The latest virtual time, in ms, that whole microseconds still count exactly (2^53 µs). */
export const MAX_TIME_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** A time or duration in ms, >= 0 and within MAX_TIME_MS, so that it is exact in microseconds. */
function requireTimeMs(field: string, value: unknown, positive = false): number {
  const ms = positive ? requirePositive(field, value) : requireNonNegative(field, value);
  if (ms > MAX_TIME_MS) {
    throw new ConfigError({
      field,
      value,
      expected: `at most ${MAX_TIME_MS} ms (2^53 µs, as far as virtual time counts exactly)`,
      fix: "use a time within the run",
    });
  }
  return ms;
}

type NetworkFaultKind = Extract<
  FaultKind,
  "partition" | "partition-majority" | "cut" | "link-down" | "link-up" | "isolate" | "ring" | "heal"
>;
type LinkQualityFaultKind = Extract<FaultKind, "slow" | "loss" | "duplicate">;
type NodeFaultKind = Exclude<FaultKind, NetworkFaultKind | LinkQualityFaultKind>;

/** Checks one action (`f` names it in errors): an object with atMs, kind and that kind's fields. */
function validateFaultAction(raw: unknown, f: string, refs: NodeRefs): FaultAction {
  if (typeof raw !== "object" || raw === null) {
    throw new ConfigError({
      field: f,
      value: raw,
      expected: "an object",
      fix: "each fault is an object with atMs and kind",
    });
  }
  const a = raw as Record<string, unknown>;
  const kind = requireOneOf(`${f}.kind`, a.kind, FAULT_KINDS);
  requireKnownKeys(f, a, ["atMs", "kind", ...FIELDS[kind]]);
  const atMs = requireTimeMs(`${f}.atMs`, a.atMs);
  switch (kind) {
    case "partition":
    case "partition-majority":
    case "cut":
    case "link-down":
    case "link-up":
    case "isolate":
    case "ring":
    case "heal":
      return networkFault(a, f, atMs, kind, refs);
    case "slow":
    case "loss":
    case "duplicate":
      return linkQualityFault(a, f, atMs, kind, refs);
    default:
      return nodeFault(a, f, atMs, kind, refs);
  }
}

/** Faults that change who can reach whom. */
function networkFault(
  a: Record<string, unknown>,
  f: string,
  atMs: number,
  kind: NetworkFaultKind,
  refs: NodeRefs,
): FaultAction {
  switch (kind) {
    case "partition":
      return { atMs, kind, groups: partitionGroups(a.groups, `${f}.groups`, refs) };
    case "partition-majority":
      return { atMs, kind, minority: refs.list(`${f}.minority`, a.minority) };
    case "cut":
    case "link-down":
    case "link-up":
      return { atMs, kind, ...refs.pair(f, a) };
    case "isolate":
      return { atMs, kind, node: refs.node(`${f}.node`, a.node) };
    case "ring": {
      const order = refs.list(`${f}.order`, a.order);
      if (order.length < 2) {
        throw new ConfigError({
          field: `${f}.order`,
          value: order,
          expected: "at least two nodes (a ring of one cuts nothing)",
          fix: 'list the ring\'s nodes in order, e.g. ["n1", "n2", "n3"]',
        });
      }
      return { atMs, kind, order };
    }
    case "heal":
      return { atMs, kind };
  }
}

/** Non-empty groups of distinct nodes, no node in two of them. */
function partitionGroups(groups: unknown, field: string, refs: NodeRefs): string[][] {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new ConfigError({
      field,
      value: groups,
      expected: "a non-empty array of node-id arrays",
      fix: 'write e.g. [["n1"], ["n2", "n3"]]',
    });
  }
  const groupOf = new Map<string, number>();
  return groups.map((g, gi) =>
    refs.list(`${field}[${gi}]`, g).map((node, i) => {
      const other = groupOf.get(node);
      if (other !== undefined) {
        throw new ConfigError({
          field: `${field}[${gi}][${i}]`,
          value: node,
          expected: `a node in no other group (it is in groups[${other}])`,
          fix: "put each node in one group; nodes left out form one more group",
        });
      }
      groupOf.set(node, gi);
      return node;
    }),
  );
}

/** Faults that make links slower or less reliable. */
function linkQualityFault(
  a: Record<string, unknown>,
  f: string,
  atMs: number,
  kind: LinkQualityFaultKind,
  refs: NodeRefs,
): FaultAction {
  if (kind !== "slow") {
    return { atMs, kind, probability: probability(a.probability as number, `${f}.probability`) };
  }
  const action: FaultAction = { atMs, kind, factor: requirePositive(`${f}.factor`, a.factor) };
  if (a.from !== undefined || a.to !== undefined) {
    const { from, to } = refs.pair(f, a);
    action.from = from;
    action.to = to;
  }
  return action;
}

/** Faults of one node: its process, its clock or its honesty. */
function nodeFault(
  a: Record<string, unknown>,
  f: string,
  atMs: number,
  kind: NodeFaultKind,
  refs: NodeRefs,
): FaultAction {
  const node = refs.node(`${f}.node`, a.node);
  switch (kind) {
    case "recover":
      return { atMs, kind, node };
    case "pause":
      return { atMs, kind, node, durationMs: requireTimeMs(`${f}.durationMs`, a.durationMs, true) };
    case "crash": {
      const action: FaultAction = { atMs, kind, node };
      if (a.recoverAfterMs !== undefined)
        action.recoverAfterMs = requireTimeMs(`${f}.recoverAfterMs`, a.recoverAfterMs);
      return action;
    }
    case "clock-jump":
      return {
        atMs,
        kind,
        node,
        deltaMs: requireRange(`${f}.deltaMs`, a.deltaMs, -MAX_TIME_MS, MAX_TIME_MS),
      };
    case "clock-drift":
      return {
        atMs,
        kind,
        node,
        driftPpm: requireRange(`${f}.driftPpm`, a.driftPpm, -MAX_DRIFT_PPM, MAX_DRIFT_PPM),
      };
    case "byzantine":
      return {
        atMs,
        kind,
        node,
        behavior: requireOneOf(`${f}.behavior`, a.behavior, BYZANTINE_BEHAVIOR_NAMES),
      };
  }
}

/** A one-line human description of an action, for traces and tables. */
export function describeFault(a: FaultAction): string {
  switch (a.kind) {
    case "partition":
      return `partition ${a.groups.map((g) => `{${g.join(",")}}`).join(" | ")}`;
    case "partition-majority":
      return `partition minority {${a.minority.join(",")}}`;
    case "cut":
      return `cut ${a.from}->${a.to}`;
    case "isolate":
      return `isolate ${a.node}`;
    case "ring":
      return `ring ${a.order.join("-")}`;
    case "heal":
      return "heal";
    case "link-down":
    case "link-up":
      return `${a.kind} ${a.from}<->${a.to}`;
    case "slow":
      return `slow x${a.factor}${a.from ? ` ${a.from}->${a.to}` : ""}`;
    case "loss":
    case "duplicate":
      return `${a.kind} p=${a.probability}`;
    case "pause":
      return `pause ${a.node} ${a.durationMs}ms`;
    case "crash":
      return `crash ${a.node}${a.recoverAfterMs !== undefined ? ` recover after ${a.recoverAfterMs}ms` : ""}`;
    case "recover":
      return `recover ${a.node}`;
    case "clock-jump":
      return `clock-jump ${a.node} ${a.deltaMs}ms`;
    case "clock-drift":
      return `clock-drift ${a.node} ${a.driftPpm}ppm`;
    case "byzantine":
      return `byzantine ${a.node} ${a.behavior}`;
  }
}
