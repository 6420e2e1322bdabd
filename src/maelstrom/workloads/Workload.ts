// What a Maelstrom workload is to the harness: the operations its clients invoke and what the
// replies mean, the messages a node gets after `init` (the broadcast topology), the final
// operations after the faults have healed (final reads), and the check of the recorded history.
// A workload never sees processes, sockets or virtual time: the same workload runs in the
// simulator and against real binaries.

import type { Rng } from "../../core/Rng.js";
import type { History } from "../../workload/Operation.js";
import type { Value } from "../../workload/Value.js";
import type { Verdict } from "../../scenarios/Scenario.js";
import type { MaelstromBody } from "../protocol/MaelstromMessage.js";
import type { MaelstromTestOptions, WorkloadName } from "../harness/MaelstromOptions.js";

/** A request a client sends (the harness adds `msg_id`) and how the history records it. */
export interface OpRequest {
  readonly f: string;
  readonly input: Value;
  readonly body: { readonly type: string; readonly [field: string]: unknown };
}

export type OpOutcome =
  | { readonly status: "ok"; readonly output: Value }
  | { readonly status: "fail" | "info"; readonly error: string };

/** One client's side of the workload (clients keep state: kafka's poll positions). */
export interface WorkloadClient {
  next(rng: Rng): OpRequest;
  /** What the reply means; `undefined` leaves it to the harness (errors by their code). */
  complete(op: OpRequest, reply: MaelstromBody): OpOutcome | undefined;
}

/** The final operations on one node: `next` until it returns undefined (done). */
export interface FinalClient {
  /** The next final operation; the harness repeats it until it completes `ok`. */
  next(): OpRequest | undefined;
  complete(op: OpRequest, reply: MaelstromBody): OpOutcome | undefined;
}

export interface WorkloadSetup {
  readonly options: MaelstromTestOptions;
  /** The node ids, n0 … */
  readonly nodes: readonly string[];
}

/** A property's verdict with the lines that explain it. */
export interface PropertyResult {
  readonly verdict: Verdict;
  readonly summary: string;
  readonly details: readonly string[];
}

export interface WorkloadCheck {
  readonly properties: Record<string, PropertyResult>;
  /** Workload figures, e.g. broadcast's stable latencies, ms. */
  readonly figures: Record<string, number>;
}

export interface WorkloadRun {
  /** A message each node gets after `init`, e.g. the broadcast topology. */
  setupBody?(node: string): OpRequest["body"] | undefined;
  client(): WorkloadClient;
  finalClient?(node: string): FinalClient;
  check(history: History): WorkloadCheck;
}

export interface Workload {
  readonly name: WorkloadName;
  /** The properties its check reports, in order. */
  properties(options: MaelstromTestOptions): string[];
  start(setup: WorkloadSetup): WorkloadRun;
}

/** `{type}_ok` as a reply to a request of `type`. */
export function okType(op: OpRequest): string {
  return `${op.body.type}_ok`;
}

/** The outcome for a reply of the wrong type: the harness cannot say what happened. */
export function unexpectedReply(op: OpRequest, reply: MaelstromBody): OpOutcome {
  return { status: "info", error: `expected ${okType(op)}, got ${reply.type}` };
}

/** A verdict from a checker report's `ok`/`illegal`/`unknown`. */
export function verdictOf(verdict: "ok" | "illegal" | "unknown"): Verdict {
  return verdict === "ok" ? "held" : verdict === "illegal" ? "violated" : "unknown";
}
