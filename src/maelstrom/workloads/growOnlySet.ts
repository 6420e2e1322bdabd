// What broadcast and g-set share: clients add unique integers (half their operations) and read;
// after the faults heal, each node is read until it answers; the set analysis decides (see
// setAnalysis.ts). Only the message names differ.

import type { MaelstromBody } from "../protocol/MaelstromMessage.js";
import type { Value } from "../../workload/Value.js";
import { analyseSet } from "./setAnalysis.js";
import {
  okType,
  unexpectedReply,
  type OpOutcome,
  type OpRequest,
  type WorkloadRun,
} from "./Workload.js";

export interface GrowOnlySetNames {
  /** The request that adds (`broadcast`, `add`) and its field holding the element. */
  add: string;
  element: string;
  /** The read reply's field holding the elements. */
  elements: string;
  /** The property the analysis decides. */
  property: string;
}

/** A read reply's elements: `field` must be an array. */
export function readElements(
  op: OpRequest,
  reply: MaelstromBody,
  field: string,
): OpOutcome | undefined {
  if (reply.type === "error") return undefined;
  const elements = reply[field];
  if (reply.type !== okType(op) || !Array.isArray(elements)) return unexpectedReply(op, reply);
  return { status: "ok", output: elements as Value[] };
}

/** The clients, final reads and check of a grow-only set workload under `names`. */
export function growOnlySet(
  names: GrowOnlySetNames,
  nodes: readonly string[],
): Pick<WorkloadRun, "client" | "finalClient" | "check"> {
  let next = 0;
  return {
    client: () => ({
      next: (rng) => {
        if (rng.float() < 0.5) return { f: "read", input: null, body: { type: "read" } };
        const element = next++;
        return {
          f: names.add,
          input: element,
          body: { type: names.add, [names.element]: element },
        };
      },
      complete: (op, reply) => {
        if (op.f === "read") return readElements(op, reply, names.elements);
        if (reply.type === "error") return undefined;
        return reply.type === okType(op)
          ? { status: "ok", output: null }
          : unexpectedReply(op, reply);
      },
    }),
    finalClient: (node) => {
      let done = false;
      return {
        next: () => (done ? undefined : { f: "final-read", input: node, body: { type: "read" } }),
        complete: (op, reply) => {
          const outcome = readElements({ ...op, body: { type: "read" } }, reply, names.elements);
          if (outcome?.status === "ok") done = true;
          return outcome;
        },
      };
    },
    check(history) {
      const { property, figures } = analyseSet(history, names.add, nodes, names.element);
      return { properties: { [names.property]: property }, figures };
    },
  };
}
