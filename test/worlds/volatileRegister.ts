// A small world for the tests of the world API: one server keeps a register in memory (or, in
// the `durable` variant, on disk, synced before it answers) and one client writes and reads it.
// A crash of the volatile server forgets acknowledged writes, which the linearizability checker
// sees; the durable one holds. Each seed draws crashes, pauses and message loss.
import { checkLinearizability, registerModel } from "../../src/check/index.js";
import { randomFaultSchedule } from "../../src/faults/index.js";
import { TimeoutError } from "../../src/core/errors.js";
import { defineWorld, type WorldSpec } from "../../src/scenarios/defineWorld.js";
import type { NodeFactory } from "../../src/sim/NodeApi.js";
import type { HistoryRecorder } from "../../src/workload/HistoryRecorder.js";

const server =
  (durable: boolean): NodeFactory =>
  (ctx) => {
    let value = durable ? (ctx.storage.get<number>("value") ?? null) : null;
    return {
      onMessage(message) {
        const body = message.body as { f: "read" } | { f: "write"; value: number };
        if (body.f === "write") {
          value = body.value;
          if (durable) {
            ctx.storage.set("value", value);
            ctx.storage.sync();
          }
        }
        ctx.reply(message, value);
      },
    };
  };

const client =
  (history: HistoryRecorder): NodeFactory =>
  (ctx) => ({
    async onStart() {
      for (let k = 1; ; k++) {
        await ctx.sleep(20);
        const write = k % 2 === 1;
        const op = history.invoke(ctx.id, write ? "write" : "read", write ? k : null);
        try {
          const value = await ctx.request<number | null>(
            "server",
            write ? { f: "write", value: k } : { f: "read" },
            { timeoutMs: 50 },
          );
          op.ok(write ? null : value);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          op.info("timeout");
        }
      }
    },
  });

export const volatileRegisterSpec: WorldSpec = {
  name: "volatile-register",
  variants: [
    { name: "volatile", expectViolations: true },
    { name: "durable", description: "synced to disk before answering" },
  ],
  nodes: ({ variant, history }) => ({
    server: server(variant === "durable"),
    client: client(history),
  }),
  faults: ({ random, runForMs }) =>
    randomFaultSchedule(random("faults"), {
      nodes: ["server"],
      durationMs: runForMs,
      kinds: ["crash", "pause", "loss"],
    }).actions,
  runForMs: 1_000,
  checks: {
    linearizable: ({ history }) => checkLinearizability(history, registerModel),
    "client-made-progress": ({ history }) => history.some((op) => op.status === "ok"),
  },
  figures: { faults: ({ faults }) => faults.length },
  defaultSeeds: 30,
};

export const volatileRegister = defineWorld(volatileRegisterSpec);

export default volatileRegister;
