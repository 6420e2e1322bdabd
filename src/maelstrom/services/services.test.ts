// Shows that each service keeps its documented promise on the wire: lin-kv is one atomic store
// (errors 20 and 22, create_if_not_exists), seq-kv lets a client read the past but never its own
// past, lww-kv loses one of two concurrent writes to different replicas, lin-tso counts up.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../world/Simulation.js";
import type { Message, NodeFactory } from "../../sim/NodeApi.js";
import { applyKv, linTsoService, lwwKvService, seqKvService } from "./services.js";

describe("lin-kv", () => {
  it("shows read of a missing key (20), a cas that does not match (22), and create_if_not_exists", () => {
    let store: ReturnType<typeof applyKv>["store"] = new Map();
    const call = (body: Record<string, unknown>) => {
      const r = applyKv(store, body as never);
      store = r.store;
      return r.reply;
    };
    expect(call({ type: "read", key: 1 })).toMatchObject({ type: "error", code: 20 });
    expect(call({ type: "cas", key: 1, from: 0, to: 1 })).toMatchObject({
      type: "error",
      code: 20,
    });
    expect(call({ type: "cas", key: 1, from: 0, to: 1, create_if_not_exists: true })).toEqual({
      type: "cas_ok",
    });
    expect(call({ type: "cas", key: 1, from: 0, to: 2 })).toMatchObject({
      type: "error",
      code: 22,
    });
    expect(call({ type: "cas", key: 1, from: 1, to: 2 })).toEqual({ type: "cas_ok" });
    expect(call({ type: "write", key: { a: [1] }, value: "x" })).toEqual({ type: "write_ok" });
    expect(call({ type: "read", key: 1 })).toEqual({ type: "read_ok", value: 2 });
    expect(call({ type: "read", key: { a: [1] } })).toEqual({ type: "read_ok", value: "x" });
    expect(call({ type: "scan" })).toMatchObject({ type: "error", code: 10 });
  });
});

/** Runs `service` with clients that send their scripts in order, one request at a time. */
async function exchange(
  service: NodeFactory,
  scripts: Record<string, Record<string, unknown>[]>,
  seed = 1,
) {
  const replies: Record<string, unknown[]> = {};
  const nodes: Record<string, NodeFactory> = { svc: service };
  for (const [client, script] of Object.entries(scripts)) {
    replies[client] = [];
    nodes[client] = (ctx) => {
      let i = 0;
      const next = () => {
        if (i < script.length) ctx.send("svc", { ...script[i], msg_id: ++i });
      };
      return {
        onStart: next,
        onMessage(m: Message) {
          const { in_reply_to: _r, ...body } = m.body as Record<string, unknown>;
          replies[client]!.push(body);
          ctx.setTimer(1, next);
        },
      };
    };
  }
  await new Simulation({
    seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
  }).run({ untilMs: 10_000 });
  return replies;
}

describe("seq-kv", () => {
  it("shows that after its own write a client never reads older, while another client may read a stale value", async () => {
    let staleSeen = false;
    for (let seed = 1; seed <= 20; seed++) {
      const writes = Array.from({ length: 10 }, (_, v) => [
        { type: "write", key: "k", value: v },
        { type: "read", key: "k" },
      ]).flat();
      const replies = await exchange(
        seqKvService(),
        { c1: writes, c2: Array.from({ length: 20 }, () => ({ type: "read", key: "k" })) },
        seed,
      );
      // c1 reads right after each of its writes: it sees at least that write.
      const ownReads = replies.c1!.filter((_, i) => i % 2 === 1) as { value?: number }[];
      ownReads.forEach((r, v) => expect(r.value).toBeGreaterThanOrEqual(v));
      // c2's reads never go backwards.
      const values = (replies.c2 as { value?: number }[]).map((r) => r.value ?? -1);
      expect([...values].sort((a, b) => a - b)).toEqual(values);
      const last = (replies.c1 as { value?: number }[])[19]!.value!;
      if (values[values.length - 1]! < last) staleSeen = true;
    }
    expect(staleSeen).toBe(true);
  });
});

describe("lww-kv", () => {
  it("shows a write acknowledged and then lost: replicas with skewed clocks keep the higher stamp", async () => {
    let lost = false;
    for (let seed = 1; seed <= 20 && !lost; seed++) {
      const replies = await exchange(
        lwwKvService({ clockSkewMs: 500, gossipMs: 50 }),
        {
          c1: [
            { type: "write", key: "k", value: 1 },
            { type: "write", key: "k", value: 2 },
            ...Array.from({ length: 40 }, () => ({ type: "read", key: "k" })),
          ],
        },
        seed,
      );
      // Both writes were acknowledged, one after the other; the value settles on the first.
      const finalRead = replies.c1![41] as { value?: number };
      if (finalRead.value === 1) lost = true;
    }
    expect(lost).toBe(true);
  });
});

describe("lin-tso", () => {
  it("shows strictly increasing timestamps across clients", async () => {
    const replies = await exchange(linTsoService(), {
      c1: Array(5).fill({ type: "ts" }),
      c2: Array(5).fill({ type: "ts" }),
    });
    const all = [...replies.c1!, ...replies.c2!].map((r) => (r as { ts: number }).ts);
    expect(new Set(all).size).toBe(10);
  });
});
