// Shows, inside the simulator, what the adapter does on the wire: it answers init (and only then
// starts the node), turns requests and replies into msg_id / in_reply_to, rejects on error
// replies and silence with errors that say whether the call may have happened, and carries
// non-Maelstrom bodies between murphy nodes unchanged.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../world/Simulation.js";
import type { Message, NodeFactory } from "../../sim/NodeApi.js";
import { TimeoutError } from "../../core/errors.js";
import { MaelstromRpcError } from "../protocol/MaelstromErrorCode.js";
import { maelstromNode } from "./maelstromNode.js";

/** A raw Maelstrom speaker: sends `script` at 1 ms intervals and records what comes back. */
function driver(script: [string, Record<string, unknown>][], seen: unknown[]): NodeFactory {
  return (ctx) => ({
    onStart() {
      script.forEach(([to, body], i) => ctx.setTimer(1 + i, () => ctx.send(to, body)));
    },
    onMessage(message: Message) {
      seen.push({ from: message.from, ...(message.body as object) });
    },
  });
}

const init = (id: string, msgId: number) => ({
  type: "init",
  msg_id: msgId,
  node_id: id,
  node_ids: ["n1", "n2"],
});

async function run(nodes: Record<string, NodeFactory>): Promise<void> {
  await new Simulation({ seed: 1, nodes, network: { latency: { kind: "constant", ms: 1 } } }).run({
    untilMs: 3000,
  });
}

describe("maelstromNode", () => {
  it("shows init answered with init_ok, a request before init refused with error 11, and a duplicated init not restarting the node", async () => {
    const seen: unknown[] = [];
    let starts = 0;
    const echo: NodeFactory = (ctx) => ({
      onStart: () => void starts++,
      onMessage: (m) => ctx.reply(m, { type: "echo_ok", echo: (m.body as { echo: unknown }).echo }),
    });
    await run({
      c1: driver(
        [
          ["n1", { type: "echo", msg_id: 1, echo: "early" }],
          ["n1", init("n1", 2)],
          ["n1", init("n1", 3)],
          ["n1", { type: "echo", msg_id: 4, echo: "hi" }],
        ],
        seen,
      ),
      n1: maelstromNode(echo),
    });
    expect(seen).toEqual([
      { from: "n1", type: "error", code: 11, text: "not initialised yet", in_reply_to: 1 },
      { from: "n1", type: "init_ok", in_reply_to: 2 },
      { from: "n1", type: "init_ok", in_reply_to: 3 },
      { from: "n1", type: "echo_ok", echo: "hi", in_reply_to: 4 },
    ]);
    expect(starts).toBe(1);
  });

  it("shows ctx.request resolving with the reply, rejecting definitely on error 22, indefinitely on silence", async () => {
    const outcomes: string[] = [];
    const service: NodeFactory = (ctx) => ({
      onMessage(m) {
        const body = m.body as { type: string; msg_id: number };
        if (body.type === "read")
          ctx.send(m.from, { type: "read_ok", value: 7, in_reply_to: body.msg_id });
        if (body.type === "cas")
          ctx.send(m.from, { type: "error", code: 22, text: "no", in_reply_to: body.msg_id });
      },
    });
    const client: NodeFactory = (ctx) => ({
      async onStart() {
        const ask = async (body: unknown) => {
          try {
            outcomes.push(
              `ok ${JSON.stringify(await ctx.request("svc", body, { timeoutMs: 100 }))}`,
            );
          } catch (error) {
            const e = error as MaelstromRpcError | TimeoutError;
            outcomes.push(
              `${e.constructor.name} definite=${e.definite}${e instanceof MaelstromRpcError ? ` code=${e.errorCode}` : ""}`,
            );
          }
        };
        await ask({ type: "read", key: 1 });
        await ask({ type: "cas", key: 1, from: 1, to: 2 });
        await ask({ type: "write", key: 1, value: 3 });
      },
    });
    await run({ c1: driver([["n1", init("n1", 1)]], []), n1: maelstromNode(client), svc: service });
    expect(outcomes).toEqual([
      'ok {"type":"read_ok","value":7,"in_reply_to":1}',
      "MaelstromRpcError definite=true code=22",
      "TimeoutError definite=false",
    ]);
  });

  it("shows murphy messages that are not Maelstrom bodies crossing the wire wrapped and arriving unchanged", async () => {
    const got: unknown[] = [];
    const wire: unknown[] = [];
    const node: NodeFactory = (ctx) => ({
      onStart() {
        if (ctx.id === "n1") ctx.send("n2", [1, { a: "b" }]);
      },
      onMessage: (m) => void got.push({ from: m.from, body: m.body }),
    });
    const sim = new Simulation({
      seed: 1,
      nodes: {
        c1: driver(
          [
            ["n1", init("n1", 1)],
            ["n2", init("n2", 2)],
          ],
          [],
        ),
        n1: maelstromNode(node),
        n2: maelstromNode(node),
      },
      trace: {
        sink: (line) =>
          line.includes('"kind":"send","node":"n1","peer":"n2"') &&
          wire.push(JSON.parse(line).body),
      },
    });
    await sim.run({ untilMs: 100 });
    expect(got).toEqual([{ from: "n1", body: [1, { a: "b" }] }]);
    expect(wire).toEqual([{ type: "murphy", value: [1, { a: "b" }] }]);
  });
});
