// Lin-kv: a linearizable key-value store of compare-and-set registers. Clients `read` {key},
// `write` {key, value} and `cas` {key, from, to} on a few keys at a time (each key retires after a
// fixed number of operations, so every part the checker searches stays small). Error 20 on a read
// means the key is absent (read nil); errors 20 and 22 on a cas mean the comparison failed (an `ok`
// cas returning false, which tells the checker more than a plain `fail`). The property
// `linearizable` is murphy's linearizability checker with a per-key cas-register model.

import { checkLinearizability } from "../../check/checkLinearizability.js";
import { defineModel } from "../../check/defineModel.js";
import { formatLinearizability } from "../../check/formatLinearizability.js";
import {
  canonicalValue,
  hashValue,
  showValue,
  valuesEqual,
  type Value,
  type ValueObject,
} from "../../workload/Value.js";
import {
  okType,
  unexpectedReply,
  verdictOf,
  type OpOutcome,
  type OpRequest,
  type Workload,
} from "./Workload.js";
import type { MaelstromBody } from "../protocol/MaelstromMessage.js";

/** Operations on a key before it retires and a fresh key takes its place. */
const OPS_PER_KEY = 60;
/** The checker's deterministic budget: beyond it the verdict is `unknown`. */
const MAX_STEPS = 20_000_000;

/**
 * Maelstrom's lin-kv as a model: one cas register per key, initially absent (nil). Calls:
 * `read` {key} → value or nil; `write` {key, value}; `cas` {key, from, to} → true, or false when
 * the value was not `from` (absent included).
 */
export const maelstromKvModel = defineModel<Value>({
  name: "lin-kv register",
  init: () => null,
  apply(state, f, input) {
    const call = input as ValueObject;
    if (f === "read") return { state, output: state };
    if (f === "write") return { state: call.value ?? null, output: null };
    return valuesEqual(state, call.from ?? null)
      ? { state: call.to ?? null, output: true }
      : { state, output: false };
  },
  outputMatches: (f, expected, seen) => f === "write" || valuesEqual(expected, seen),
  readOnly: (call) => call.f === "read" || (call.f === "cas" && call.output === false),
  partition: (call) => `key ${canonicalValue((call.input as ValueObject).key ?? null)}`,
  equal: valuesEqual,
  hash: hashValue,
  describeState: showValue,
});

export const linKvWorkload: Workload = {
  name: "lin-kv",
  properties: () => ["linearizable"],
  start({ options }) {
    const keys = Array.from({ length: options.keyCount }, (_, i) => i);
    const uses = keys.map(() => 0);
    let nextKey = keys.length;
    const pickKey = (slot: number) => {
      if (uses[slot]! >= OPS_PER_KEY) {
        keys[slot] = nextKey++;
        uses[slot] = 0;
      }
      uses[slot]!++;
      return keys[slot]!;
    };
    return {
      client: () => ({
        next: (rng): OpRequest => {
          const key = pickKey(rng.int(keys.length));
          const kind = rng.int(3);
          if (kind === 0) return { f: "read", input: { key }, body: { type: "read", key } };
          if (kind === 1) {
            const value = rng.int(5);
            return { f: "write", input: { key, value }, body: { type: "write", key, value } };
          }
          const from = rng.int(5);
          const to = rng.int(5);
          return { f: "cas", input: { key, from, to }, body: { type: "cas", key, from, to } };
        },
        complete: (op, reply) => kvOutcome(op, reply),
      }),
      check(history) {
        const ops = history.filter((op) => op.f === "read" || op.f === "write" || op.f === "cas");
        const result = checkLinearizability(ops, maelstromKvModel, { maxSteps: MAX_STEPS });
        const text = formatLinearizability(result).trimEnd().split("\n");
        return {
          properties: {
            linearizable: {
              verdict: verdictOf(result.verdict),
              summary: text[0]!,
              details: text.slice(1, 40),
            },
          },
          figures: {},
        };
      },
    };
  },
};

function kvOutcome(op: OpRequest, reply: MaelstromBody): OpOutcome | undefined {
  if (reply.type === "error") {
    if (reply.code === 20 && op.f === "read") return { status: "ok", output: null };
    if ((reply.code === 20 || reply.code === 22) && op.f === "cas")
      return { status: "ok", output: false };
    return undefined;
  }
  if (reply.type !== okType(op)) return unexpectedReply(op, reply);
  if (op.f === "read") return { status: "ok", output: (reply.value ?? null) as Value };
  return { status: "ok", output: op.f === "cas" ? true : null };
}
