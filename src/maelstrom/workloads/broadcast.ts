// Broadcast: clients `broadcast` unique integers to any node and `read` the messages a node has.
// After the `topology` message (the `--topology` shape; a node may ignore it) the nodes are on
// their own to spread every message. The property `no-lost-messages`: every acknowledged message
// is in every node's final read, and no read shows a message no one sent. Figures: stale reads
// and stable latency (see setAnalysis.ts), the numbers the Gossip Glomers challenge sets targets on.

import type { Value } from "../../workload/Value.js";
import type { MaelstromBody } from "../protocol/MaelstromMessage.js";
import { topology } from "../harness/topology.js";
import { analyseSet } from "./setAnalysis.js";
import {
  okType,
  unexpectedReply,
  type OpOutcome,
  type OpRequest,
  type Workload,
} from "./Workload.js";

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

export const broadcastWorkload: Workload = {
  name: "broadcast",
  properties: () => ["no-lost-messages"],
  start({ options, nodes }) {
    const shape = topology(options.topology, nodes);
    let next = 0;
    const read = (op: OpRequest, reply: MaelstromBody) => readElements(op, reply, "messages");
    return {
      setupBody: () => ({ type: "topology", topology: shape }),
      client: () => ({
        next: (rng) => {
          if (rng.float() < 0.5) return { f: "read", input: null, body: { type: "read" } };
          const message = next++;
          return { f: "broadcast", input: message, body: { type: "broadcast", message } };
        },
        complete: (op, reply) => {
          if (op.f === "read") return read(op, reply);
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
            const outcome = readElements({ ...op, body: { type: "read" } }, reply, "messages");
            if (outcome?.status === "ok") done = true;
            return outcome;
          },
        };
      },
      check(history) {
        const { property, figures } = analyseSet(history, "broadcast", nodes, "message");
        return { properties: { "no-lost-messages": property }, figures };
      },
    };
  },
};
