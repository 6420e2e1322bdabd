// Txn-rw-register: clients send `txn` with a list of micro-operations, `["r", key, null]` and
// `["w", key, value]`, and get `txn_ok` with the reads filled in. Writes are unique per key (each
// key takes at most `--max-writes-per-key` writes, then retires for a fresh one), so every read
// names the transaction it read from. The history is checked for Adya's anomalies (G0, G1a, G1b,
// G1c; see check/checkTransactions.ts) and one property per `--consistency-models` entry:
// `read-uncommitted` (no G0) and `read-committed` (no G0, G1a, G1b, G1c), each naming the anomaly
// and its transactions. Error 30 (txn-conflict) is a definite abort.

import { checkTxnConsistency, findTxnAnomalies } from "../../check/checkTransactions.js";
import type { Value } from "../../workload/Value.js";
import { okType, unexpectedReply, verdictOf, type OpRequest, type Workload } from "./Workload.js";

export const txnRwRegisterWorkload: Workload = {
  name: "txn-rw-register",
  properties: (options) => [...options.consistencyModels],
  start({ options }) {
    const keys = Array.from({ length: options.keyCount }, (_, i) => i);
    const written = keys.map(() => 0);
    let nextKey = keys.length;
    const write = (slot: number): [number, number] => {
      if (written[slot]! >= options.maxWritesPerKey) {
        keys[slot] = nextKey++;
        written[slot] = 0;
      }
      return [keys[slot]!, ++written[slot]!];
    };
    return {
      client: () => ({
        next(rng): OpRequest {
          const length = 1 + rng.int(options.maxTxnLength);
          const txn: Value[] = [];
          for (let i = 0; i < length; i++) {
            const slot = rng.int(keys.length);
            if (rng.float() < 0.5) txn.push(["r", keys[slot]!, null]);
            else {
              const [key, value] = write(slot);
              txn.push(["w", key, value]);
            }
          }
          return { f: "txn", input: txn, body: { type: "txn", txn } };
        },
        complete(op, reply) {
          if (reply.type === "error") return undefined;
          const txn = reply.txn;
          const sent = op.input as Value[];
          if (reply.type !== okType(op) || !Array.isArray(txn) || txn.length !== sent.length) {
            return unexpectedReply(op, reply);
          }
          const wellFormed = txn.every(
            (m, i) =>
              Array.isArray(m) &&
              m.length === 3 &&
              m[0] === (sent[i] as Value[])[0] &&
              JSON.stringify(m[1]) === JSON.stringify((sent[i] as Value[])[1]),
          );
          return wellFormed ? { status: "ok", output: txn as Value[] } : unexpectedReply(op, reply);
        },
      }),
      check(history) {
        const anomalies = findTxnAnomalies(history);
        const transactions = history.filter((op) => op.f === "txn" && op.status === "ok").length;
        const properties = Object.fromEntries(
          options.consistencyModels.map((model) => {
            const report = checkTxnConsistency(anomalies, model, transactions);
            return [
              model,
              {
                verdict: verdictOf(report.verdict),
                summary: report.summary,
                details: report.violations.map((v) => v.message),
              },
            ];
          }),
        );
        const figures: Record<string, number> = {};
        for (const a of anomalies) figures[a.kind] = (figures[a.kind] ?? 0) + 1;
        return { properties, figures };
      },
    };
  },
};
