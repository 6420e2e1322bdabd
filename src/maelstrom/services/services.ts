// The services Maelstrom provides to nodes, as murphy nodes: `lin-kv` (a linearizable key-value
// store), `seq-kv` (sequentially consistent: one total order, each client's view moves only
// forward, but a read may see a past state), `lww-kv` (replicas that merge by timestamp and so
// lose concurrent writes) and `lin-tso` (a linearizable timestamp oracle). Each answers on the
// Maelstrom wire: `read` {key} → `read_ok` {value} or error 20; `write` {key, value} → `write_ok`;
// `cas` {key, from, to, create_if_not_exists?} → `cas_ok`, error 20 (no such key) or 22 (`from`
// did not match); `ts` → `ts_ok` {ts}. Anything else is error 10 (not supported).
//
// They are ordinary nodes, so they run in the simulator (deterministically, with their own seeded
// stream for seq-kv's staleness and lww-kv's replica choice) and in the real harness alike.

import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import { canonicalValue, valuesEqual, type Value } from "../../workload/Value.js";
import { errorBody } from "../protocol/MaelstromErrorCode.js";
import { isObject, type MaelstromBody } from "../protocol/MaelstromMessage.js";

export const SERVICE_IDS = ["lin-kv", "seq-kv", "lww-kv", "lin-tso"] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];

type Store = ReadonlyMap<string, Value>;
type Reply = Record<string, unknown> & { type: string };

/** Applies one kv request to a store: the reply and the store after it (unchanged if none). */
export function applyKv(store: Store, body: MaelstromBody): { reply: Reply; store: Store } {
  const key = canonicalValue((body.key ?? null) as Value);
  const current = store.get(key);
  switch (body.type) {
    case "read":
      if (current === undefined) return { reply: errorBody(20, "key does not exist"), store };
      return { reply: { type: "read_ok", value: current }, store };
    case "write":
      return {
        reply: { type: "write_ok" },
        store: withKey(store, key, (body.value ?? null) as Value),
      };
    case "cas": {
      const to = (body.to ?? null) as Value;
      if (current === undefined) {
        if (body.create_if_not_exists === true) {
          return { reply: { type: "cas_ok" }, store: withKey(store, key, to) };
        }
        return { reply: errorBody(20, "key does not exist"), store };
      }
      if (!valuesEqual(current, (body.from ?? null) as Value)) {
        return {
          reply: errorBody(
            22,
            `expected ${JSON.stringify(body.from)}, had ${JSON.stringify(current)}`,
          ),
          store,
        };
      }
      return { reply: { type: "cas_ok" }, store: withKey(store, key, to) };
    }
    default:
      return { reply: errorBody(10, `${body.type} is not supported`), store };
  }
}

function withKey(store: Store, key: string, value: Value): Store {
  const next = new Map(store);
  next.set(key, value);
  return next;
}

/** Runs `handle` on every well-formed request and sends its reply with `in_reply_to`. */
function service(
  handle: (ctx: NodeContext, from: string, body: MaelstromBody) => Reply,
): NodeFactory {
  return (ctx) => ({
    onMessage(message) {
      const body = message.body;
      if (!isObject(body) || typeof body.type !== "string") return;
      const request = body as MaelstromBody;
      // A reply to nothing, or an error a node sent back: services do not answer answers.
      if (request.in_reply_to !== undefined || request.msg_id === undefined) return;
      ctx.send(message.from, {
        ...handle(ctx, message.from, request),
        in_reply_to: request.msg_id,
      });
    },
  });
}

/** `lin-kv`: one store, every request applied at once, in arrival order. */
export function linKvService(): NodeFactory {
  return (ctx) => {
    let store: Store = new Map();
    return service((_ctx, _from, body) => {
      const result = applyKv(store, body);
      store = result.store;
      return result.reply;
    })(ctx);
  };
}

/** How many past states seq-kv keeps for stale reads. */
const SEQ_KV_VERSIONS = 32;

/**
 * `seq-kv`: updates apply to the latest state, in one total order; a read returns any state from
 * the last one its client has seen up to the latest (so a client never goes back in time, but two
 * clients may disagree about the present). Writing and then reading returns at least that write.
 */
export function seqKvService(): NodeFactory {
  return (ctx) => {
    const versions: Store[] = [new Map()];
    let first = 0; // the version number of versions[0]
    const seen = new Map<string, number>();
    const latest = () => first + versions.length - 1;
    return service((_ctx, from, body) => {
      if (body.type === "read") {
        const low = Math.max(seen.get(from) ?? 0, first);
        const pick = low + ctx.random.int(latest() - low + 1);
        seen.set(from, pick);
        return applyKv(versions[pick - first]!, body).reply;
      }
      const result = applyKv(versions[versions.length - 1]!, body);
      if (result.store !== versions[versions.length - 1]) {
        versions.push(result.store);
        if (versions.length > SEQ_KV_VERSIONS) {
          versions.shift();
          first++;
        }
      }
      seen.set(from, latest());
      return result.reply;
    })(ctx);
  };
}

interface Stamped {
  readonly value: Value;
  readonly stampMicros: number;
  readonly replica: number;
}

export interface LwwKvOptions {
  /** Independent replicas (Maelstrom: 5). */
  readonly replicas?: number;
  /** Each replica's clock is off by up to this much, either way. */
  readonly clockSkewMs?: number;
  /** How often the replicas merge their states. */
  readonly gossipMs?: number;
}

/**
 * `lww-kv`: several replicas, each request served by one at random; writes are stamped by the
 * replica's own (skewed) clock and replicas merge periodically keeping the higher stamp. A write
 * with a lower stamp than one it overwrote disappears at the next merge: writes are lost.
 */
export function lwwKvService(options: LwwKvOptions = {}): NodeFactory {
  const count = options.replicas ?? 5;
  const skewMs = options.clockSkewMs ?? 50;
  const gossipMs = options.gossipMs ?? 200;
  return (ctx) => {
    const replicas = Array.from({ length: count }, () => new Map<string, Stamped>());
    const offsets = replicas.map(() => Math.round((ctx.random.float() * 2 - 1) * skewMs * 1000));
    const merge = () => {
      for (const source of replicas) {
        for (const [key, stamped] of source) {
          for (let r = 0; r < count; r++) {
            const have = replicas[r]!.get(key);
            if (have === undefined || newer(stamped, have)) replicas[r]!.set(key, stamped);
          }
        }
      }
      ctx.setTimer(gossipMs, merge);
    };
    const handle = service((_ctx, _from, body) => {
      const r = ctx.random.int(count);
      const replica = replicas[r]!;
      const store: Store = new Map([...replica].map(([k, s]) => [k, s.value]));
      const result = applyKv(store, body);
      if (result.store !== store) {
        const key = canonicalValue((body.key ?? null) as Value);
        const stampMicros = Math.round(ctx.clock.monotonicMs() * 1000) + offsets[r]!;
        replica.set(key, { value: result.store.get(key)!, stampMicros, replica: r });
      }
      return result.reply;
    })(ctx);
    return { onStart: () => void ctx.setTimer(gossipMs, merge), onMessage: handle.onMessage! };
  };
}

function newer(a: Stamped, b: Stamped): boolean {
  return (
    a.stampMicros > b.stampMicros || (a.stampMicros === b.stampMicros && a.replica > b.replica)
  );
}

/** `lin-tso`: `ts` → `ts_ok` with the next integer, strictly increasing. */
export function linTsoService(): NodeFactory {
  return (ctx) => {
    let next = 0;
    return service((_ctx, _from, body) =>
      body.type === "ts"
        ? { type: "ts_ok", ts: next++ }
        : errorBody(10, `${body.type} is not supported`),
    )(ctx);
  };
}

/** One fresh instance of every service, by id. */
export function services(): Record<ServiceId, NodeFactory> {
  return {
    "lin-kv": linKvService(),
    "seq-kv": seqKvService(),
    "lww-kv": lwwKvService(),
    "lin-tso": linTsoService(),
  };
}

/** True for a service's id. */
export function isService(id: string): id is ServiceId {
  return (SERVICE_IDS as readonly string[]).includes(id);
}
