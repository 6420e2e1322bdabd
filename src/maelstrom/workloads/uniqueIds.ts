// Unique IDs: clients ask any node to `generate` an ID; every ID handed out must be distinct
// across all nodes, also under partitions (where a node cannot ask anyone). IDs may be any JSON
// value; two are the same when they are the same value.

import { checkUniqueness } from "../../check/checkUniqueness.js";
import { canonicalValue, type Value } from "../../workload/Value.js";
import { okType, unexpectedReply, verdictOf, type Workload } from "./Workload.js";

export const uniqueIdsWorkload: Workload = {
  name: "unique-ids",
  properties: () => ["unique-ids"],
  start() {
    return {
      client: () => ({
        next: () => ({ f: "generate", input: null, body: { type: "generate" } }),
        complete: (op, reply) => {
          if (reply.type === "error") return undefined;
          if (reply.type !== okType(op) || reply.id === undefined)
            return unexpectedReply(op, reply);
          return { status: "ok", output: reply.id as Value };
        },
      }),
      check(history) {
        const issued = history
          .filter((op) => op.f === "generate" && op.status === "ok")
          .map((op) => ({
            id: canonicalValue(op.output ?? null),
            client: op.process,
            atMicros: op.completeMicros!,
          }));
        const report = checkUniqueness(issued);
        return {
          properties: {
            "unique-ids": {
              verdict: verdictOf(report.verdict),
              summary: report.summary,
              details: report.violations.slice(0, 10).map((v) => v.message),
            },
          },
          figures: {},
        };
      },
    };
  },
};
