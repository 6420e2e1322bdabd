// G-set: a grow-only set. Clients `add` unique elements and `read` the set; after the faults heal
// every node's final read must hold every acknowledged element (`no-lost-elements`), and nothing
// no one added. Same analysis as broadcast: stale reads and stable latency are reported too.

import { analyseSet } from "./setAnalysis.js";
import { readElements } from "./broadcast.js";
import { okType, unexpectedReply, type Workload } from "./Workload.js";

export const gSetWorkload: Workload = {
  name: "g-set",
  properties: () => ["no-lost-elements"],
  start({ nodes }) {
    let next = 0;
    return {
      client: () => ({
        next: (rng) => {
          if (rng.float() < 0.5) return { f: "read", input: null, body: { type: "read" } };
          const element = next++;
          return { f: "add", input: element, body: { type: "add", element } };
        },
        complete: (op, reply) => {
          if (op.f === "read") return readElements(op, reply, "value");
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
            const outcome = readElements({ ...op, body: { type: "read" } }, reply, "value");
            if (outcome?.status === "ok") done = true;
            return outcome;
          },
        };
      },
      check(history) {
        const { property, figures } = analyseSet(history, "add", nodes, "element");
        return { properties: { "no-lost-elements": property }, figures };
      },
    };
  },
};
