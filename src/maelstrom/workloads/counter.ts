// G-counter and pn-counter: clients `add` a delta (non-negative for the g-counter, either sign for
// the pn-counter) and `read` the value. After the faults heal, every node's final read must be
// explained by the adds (`counter-value`): every acknowledged delta counted exactly once, deltas
// of unknown outcome once or not at all, failed ones not at all. A node that counts a delta twice
// (a retry without deduplication) reads above the highest possible sum; one that drops a delta
// reads below the lowest. Maelstrom's `seq-kv` service is there for nodes that want a shared store.

import { checkCounter } from "../../check/checkCounter.js";
import { okType, unexpectedReply, type Workload } from "./Workload.js";

function counterWorkload(name: "g-counter" | "pn-counter"): Workload {
  return {
    name,
    properties: () => ["counter-value"],
    start({ nodes }) {
      return {
        client: () => ({
          next: (rng) => {
            if (rng.float() < 0.5) return { f: "read", input: null, body: { type: "read" } };
            const delta = name === "g-counter" ? rng.int(5) : rng.int(11) - 5;
            return { f: "add", input: delta, body: { type: "add", delta } };
          },
          complete: (op, reply) => {
            if (reply.type === "error") return undefined;
            if (reply.type !== okType(op)) return unexpectedReply(op, reply);
            if (op.f === "add") return { status: "ok", output: null };
            return typeof reply.value === "number" && Number.isFinite(reply.value)
              ? { status: "ok", output: reply.value }
              : unexpectedReply(op, reply);
          },
        }),
        finalClient: (node) => {
          let done = false;
          return {
            next: () =>
              done ? undefined : { f: "final-read", input: node, body: { type: "read" } },
            complete: (op, reply) => {
              if (reply.type === "error") return undefined;
              if (reply.type !== "read_ok" || typeof reply.value !== "number")
                return unexpectedReply(op, reply);
              done = true;
              return { status: "ok", output: reply.value };
            },
          };
        },
        check(history) {
          const adds = history
            .filter((op) => op.f === "add")
            .map((op) => ({ delta: op.input as number, outcome: op.status }));
          const finals = new Map<string, number>();
          for (const op of history) {
            if (op.f === "final-read" && op.status === "ok")
              finals.set(String(op.input), op.output as number);
          }
          const details: string[] = [];
          let violated = false;
          let bounds = "";
          for (const node of nodes) {
            const finalRead = finals.get(node);
            if (finalRead === undefined) {
              details.push(`no final read succeeded on ${node}`);
              continue;
            }
            const report = checkCounter({ adds, finalRead });
            bounds = `[${report.lowest}, ${report.highest}]`;
            if (report.verdict === "illegal") {
              violated = true;
              details.push(`${node} read ${finalRead}; the adds allow ${bounds}`);
            }
          }
          const missing = nodes.length - finals.size;
          return {
            properties: {
              "counter-value": {
                verdict: violated ? "violated" : missing > 0 ? "unknown" : "held",
                summary: violated
                  ? `final reads outside what the adds allow ${bounds}`
                  : `every final read within what the adds allow ${bounds}`,
                details,
              },
            },
            figures: {},
          };
        },
      };
    },
  };
}

export const gCounterWorkload = counterWorkload("g-counter");
export const pnCounterWorkload = counterWorkload("pn-counter");
