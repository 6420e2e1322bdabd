// Kafka: append-only logs by key. `send` {key, msg} → `send_ok` {offset}; `poll` {offsets: {key:
// from}} → `poll_ok` {msgs: {key: [[offset, msg], …]}}; `commit_offsets` {offsets} and
// `list_committed_offsets` {keys} → {offsets}. Each client polls every key from its own position,
// commits what it has seen and now and then re-reads the committed offsets (Jepsen's `assign`,
// after which its positions may jump). After the faults heal, each key is polled from 0 to its end.
//
// Properties, as in Maelstrom's kafka checker:
// - `no-lost-sends`: every acknowledged send is in the final polls of its key, at its offset.
// - `monotonic-offsets`: an offset holds one message (sends and polls agree); one message has one
//   offset; a client's successive sends to a key get increasing offsets.
// - `polls-in-order`: a poll's offsets increase and start at or after the one asked for; between a
//   client's polls of a key (until it re-assigns) offsets keep increasing; and no poll skips over an
//   offset known to exist (from a send or any poll).

import type { History, Operation } from "../../workload/Operation.js";
import { showValue, type Value, type ValueObject } from "../../workload/Value.js";
import { isObject, type MaelstromBody } from "../protocol/MaelstromMessage.js";
import {
  okType,
  unexpectedReply,
  type OpOutcome,
  type OpRequest,
  type PropertyResult,
  type Workload,
} from "./Workload.js";

type Pairs = [number, Value][];

export const kafkaWorkload: Workload = {
  name: "kafka",
  properties: () => ["no-lost-sends", "monotonic-offsets", "polls-in-order"],
  start({ options, nodes }) {
    const keys = Array.from({ length: options.keyCount }, (_, i) => String(i));
    let nextMsg = 0;
    return {
      client() {
        const position = new Map(keys.map((k) => [k, 0]));
        return {
          next(rng): OpRequest {
            const roll = rng.float();
            if (roll < 0.5) {
              const key = rng.pick(keys);
              const msg = nextMsg++;
              return { f: "send", input: { key, msg }, body: { type: "send", key, msg } };
            }
            const committed = keys.filter((k) => position.get(k)! > 0);
            if (roll < 0.65 && committed.length > 0) {
              const offsets = Object.fromEntries(committed.map((k) => [k, position.get(k)! - 1]));
              return {
                f: "commit_offsets",
                input: offsets,
                body: { type: "commit_offsets", offsets },
              };
            }
            if (roll < 0.7) {
              return {
                f: "list_committed_offsets",
                input: keys,
                body: { type: "list_committed_offsets", keys },
              };
            }
            const offsets = Object.fromEntries(keys.map((k) => [k, position.get(k)!]));
            return { f: "poll", input: offsets, body: { type: "poll", offsets } };
          },
          complete(op, reply) {
            if (reply.type === "error") return undefined;
            if (reply.type !== okType(op)) return unexpectedReply(op, reply);
            switch (op.f) {
              case "send":
                return Number.isSafeInteger(reply.offset)
                  ? { status: "ok", output: reply.offset as number }
                  : unexpectedReply(op, reply);
              case "poll": {
                const msgs = pollMsgs(reply);
                if (msgs === undefined) return unexpectedReply(op, reply);
                for (const [key, pairs] of Object.entries(msgs)) {
                  const last = pairs[pairs.length - 1];
                  if (last !== undefined && position.has(key))
                    position.set(key, Math.max(position.get(key)!, last[0] + 1));
                }
                return { status: "ok", output: msgs as unknown as Value };
              }
              case "list_committed_offsets": {
                if (!isObject(reply.offsets)) return unexpectedReply(op, reply);
                const offsets = reply.offsets as Record<string, unknown>;
                for (const key of keys) {
                  const committed = offsets[key];
                  position.set(
                    key,
                    Number.isSafeInteger(committed) ? (committed as number) + 1 : 0,
                  );
                }
                return { status: "ok", output: reply.offsets as ValueObject };
              }
              default:
                return { status: "ok", output: null };
            }
          },
        };
      },
      finalClient(node) {
        // Key j is read back through node j mod n; the other nodes have nothing to do.
        const mine = keys.filter((_, j) => nodes[j % nodes.length] === node);
        let k = 0;
        let from = 0;
        return {
          next: () => {
            const key = mine[k];
            if (key === undefined) return undefined;
            return {
              f: "final-poll",
              input: { key, from },
              body: { type: "poll", offsets: { [key]: from } },
            };
          },
          complete(op, reply): OpOutcome | undefined {
            if (reply.type === "error") return undefined;
            const msgs = reply.type === "poll_ok" ? pollMsgs(reply) : undefined;
            if (msgs === undefined) return unexpectedReply(op, reply);
            const pairs = msgs[mine[k]!] ?? [];
            const last = pairs[pairs.length - 1];
            if (last === undefined || last[0] < from) {
              k++;
              from = 0;
            } else from = last[0] + 1;
            return { status: "ok", output: pairs as unknown as Value };
          },
        };
      },
      check: (history) => ({ properties: checkKafka(history, keys), figures: {} }),
    };
  },
};

/** The `msgs` of a poll_ok: every key an array of [integer offset, message] pairs. */
function pollMsgs(reply: MaelstromBody): Record<string, Pairs> | undefined {
  if (!isObject(reply.msgs)) return undefined;
  for (const pairs of Object.values(reply.msgs)) {
    if (!Array.isArray(pairs)) return undefined;
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2 || !Number.isSafeInteger(pair[0]))
        return undefined;
    }
  }
  return reply.msgs as Record<string, Pairs>;
}

interface Findings {
  lost: string[];
  offsets: string[];
  order: string[];
  finalMissing: string[];
}

export function checkKafka(
  history: History,
  keys: readonly string[],
): Record<string, PropertyResult> {
  const found: Findings = { lost: [], offsets: [], order: [], finalMissing: [] };
  const known = knownOffsets(history, found);
  checkSends(history, found);
  checkPolls(history, known, found);
  checkFinal(history, keys, found);
  return toCheck(found);
}

/** Every (key, offset) → message seen in acknowledged sends and polls; disagreements noted. */
function knownOffsets(history: History, found: Findings): Map<string, Map<number, Value>> {
  const known = new Map<string, Map<number, Value>>();
  const offsetOf = new Map<string, string>();
  const note = (key: string, offset: number, msg: Value) => {
    let log = known.get(key);
    if (log === undefined) known.set(key, (log = new Map()));
    const had = log.get(offset);
    if (had === undefined) {
      log.set(offset, msg);
      const id = `${key}/${showValue(msg)}`;
      const other = offsetOf.get(id);
      if (other !== undefined && other !== String(offset)) {
        found.offsets.push(
          `message ${showValue(msg)} of key ${key} is at offsets ${other} and ${offset}`,
        );
      }
      offsetOf.set(id, String(offset));
    } else if (showValue(had) !== showValue(msg)) {
      found.offsets.push(
        `offset ${offset} of key ${key} holds ${showValue(had)} and ${showValue(msg)}`,
      );
    }
  };
  for (const op of history) {
    if (op.status !== "ok") continue;
    if (op.f === "send")
      note(
        String((op.input as ValueObject).key),
        op.output as number,
        (op.input as ValueObject).msg!,
      );
    if (op.f === "poll")
      for (const [key, pairs] of entries(op)) for (const [o, m] of pairs) note(key, o, m);
    if (op.f === "final-poll") {
      const key = String((op.input as ValueObject).key);
      for (const [o, m] of op.output as unknown as Pairs) note(key, o, m);
    }
  }
  return known;
}

function entries(op: Operation): [string, Pairs][] {
  return Object.entries((op.output ?? {}) as unknown as Record<string, Pairs>);
}

/** A client's successive acknowledged sends to one key get increasing offsets. */
function checkSends(history: History, found: Findings): void {
  const last = new Map<string, number>();
  const ok = history.filter((op) => op.f === "send" && op.status === "ok");
  for (const op of [...ok].sort((a, b) => a.completeMicros! - b.completeMicros!)) {
    const key = String((op.input as ValueObject).key);
    const id = `${op.process}/${key}`;
    const offset = op.output as number;
    const before = last.get(id);
    if (before !== undefined && offset <= before) {
      found.offsets.push(
        `process ${op.process} sent to key ${key} and got offset ${offset} after ${before}`,
      );
    }
    last.set(id, offset);
  }
}

function checkPolls(
  history: History,
  known: Map<string, Map<number, Value>>,
  found: Findings,
): void {
  const last = new Map<string, number>();
  const between = (key: string, low: number, high: number) =>
    [...(known.get(key)?.keys() ?? [])].filter((o) => o > low && o < high).sort((a, b) => a - b);
  for (const op of history) {
    if (op.status !== "ok") continue;
    if (op.f === "list_committed_offsets") {
      for (const id of [...last.keys()]) if (id.startsWith(`${op.process}/`)) last.delete(id);
      continue;
    }
    if (op.f !== "poll") continue;
    const asked = op.input as Record<string, number>;
    for (const [key, pairs] of entries(op)) {
      const offsets = pairs.map((p) => p[0]);
      if (offsets.length === 0) continue;
      const where = `process ${op.process}'s poll of key ${key}`;
      if (asked[key] !== undefined && offsets[0]! < asked[key]) {
        found.order.push(`${where} asked from ${asked[key]} and began at ${offsets[0]}`);
      }
      for (let i = 1; i < offsets.length; i++) {
        if (offsets[i]! <= offsets[i - 1]!)
          found.order.push(`${where} went from offset ${offsets[i - 1]} to ${offsets[i]}`);
        const skipped = between(key, offsets[i - 1]!, offsets[i]!);
        if (skipped.length > 0)
          found.order.push(
            `${where} skipped offsets ${skipped.join(", ")} between ${offsets[i - 1]} and ${offsets[i]}`,
          );
      }
      const id = `${op.process}/${key}`;
      const before = last.get(id);
      if (before !== undefined) {
        if (offsets[0]! <= before)
          found.order.push(
            `${where} began at ${offsets[0]} after the client had read up to ${before}`,
          );
        const skipped = between(key, before, offsets[0]!);
        if (skipped.length > 0)
          found.order.push(`${where} skipped offsets ${skipped.join(", ")} since its last poll`);
      }
      last.set(id, Math.max(before ?? -1, offsets[offsets.length - 1]!));
    }
  }
}

/** Every acknowledged send is in the final polls of its key. */
function checkFinal(history: History, keys: readonly string[], found: Findings): void {
  const finals = new Map<string, Map<number, Value>>();
  const complete = new Set<string>();
  for (const op of history) {
    if (op.f !== "final-poll" || op.status !== "ok") continue;
    const key = String((op.input as ValueObject).key);
    let log = finals.get(key);
    if (log === undefined) finals.set(key, (log = new Map()));
    const pairs = op.output as unknown as Pairs;
    for (const [o, m] of pairs) log.set(o, m);
    if (pairs.length === 0) complete.add(key);
  }
  for (const key of keys) if (!complete.has(key)) found.finalMissing.push(key);
  for (const op of history) {
    if (op.f !== "send" || op.status !== "ok") continue;
    const { key, msg } = op.input as { key: string; msg: Value };
    if (!complete.has(key)) continue;
    const at = finals.get(key)?.get(op.output as number);
    if (at === undefined || showValue(at) !== showValue(msg)) {
      found.lost.push(
        `send of ${showValue(msg)} to key ${key} was acknowledged at offset ${op.output}, but the final polls ${at === undefined ? "do not have that offset" : `show ${showValue(at)} there`}`,
      );
    }
  }
}

function toCheck(found: Findings): Record<string, PropertyResult> {
  const result = (lines: string[], held: string, undecided = false): PropertyResult => ({
    verdict: lines.length > 0 ? "violated" : undecided ? "unknown" : "held",
    summary: lines.length > 0 ? `${lines.length} violation${lines.length === 1 ? "" : "s"}` : held,
    details: lines.slice(0, 10),
  });
  const undecided = found.finalMissing.length > 0;
  const lost = result(found.lost, "every acknowledged send is in the final polls", undecided);
  return {
    "no-lost-sends":
      undecided && found.lost.length === 0
        ? {
            ...lost,
            details: [`the final polls did not finish for key ${found.finalMissing.join(", ")}`],
          }
        : lost,
    "monotonic-offsets": result(found.offsets, "one message per offset, increasing per client"),
    "polls-in-order": result(found.order, "every poll in order, nothing skipped"),
  };
}
