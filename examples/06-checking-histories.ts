// 06 — Recording what clients saw, and checking it for linearizability.
//
// Three clients read and write one register. A HistoryRecorder notes each call as the client sees
// it: invoked, then ok (with what came back) or, when the request timed out, info — the client
// does not know whether it took effect. (The third outcome, fail, is for a call that certainly did
// not happen; these servers never refuse, so it does not occur here.) We record the same workload
// against two systems. The first is a single copy, which is linearizable. The second is
// replicated: writes go to a primary, which answers at once and ships its value to a replica every
// 100 ms, and reads are answered by the replica. A client can write, be told ok, and then read
// the old value. checkLinearizability looks for one instant per call at which the register's
// model explains every output, and formatLinearizability explains why there is none for the
// replicated system. The checker's budget is a number of model steps, not a time, so the verdict
// is the same on every machine.
//
//   npm run build && node dist/examples/06-checking-histories.js

import {
  checkLinearizability,
  formatLinearizability,
  HistoryRecorder,
  registerModel,
  Simulation,
  TimeoutError,
  type History,
  type NodeFactory,
} from "../src/index.js";
import { runIfMain } from "./run.js";

type Call = { f: "read" } | { f: "write"; value: number } | { f: "replicate"; value: unknown };
/** Where a client sends its reads and its writes. */
type System = { reads: string; writes: string };

/** A register: answers reads and writes; a primary also ships its value to `replica`. */
function register(replica?: string): NodeFactory {
  return (ctx) => {
    let value: unknown = null;
    const ship = (to: string) => {
      ctx.send(to, { f: "replicate", value }); // asynchronous: nobody waits for it
      ctx.setTimer(100, () => ship(to));
    };
    return {
      onStart() {
        if (replica !== undefined) ship(replica);
      },
      onMessage(message) {
        const call = message.body as Call;
        if (call.f === "read") return ctx.reply(message, value);
        value = call.value;
        if (call.f === "write") ctx.reply(message, null);
      },
    };
  };
}

/** Makes eight calls, each a read or a write of a fresh value, and records what it saw. */
function client(recorder: HistoryRecorder, process: number, system: System): NodeFactory {
  return (ctx) => ({
    async onStart() {
      for (let k = 1; k <= 8; k++) {
        await ctx.sleep(ctx.random.uniform(0, 30));
        const call: Call = ctx.random.chance(0.5)
          ? { f: "read" }
          : { f: "write", value: process * 10 + k };
        const op = recorder.invoke(process, call.f, call.f === "write" ? call.value : null);
        try {
          const to = call.f === "read" ? system.reads : system.writes;
          op.ok(await ctx.request<number | null>(to, call, { timeoutMs: 50 }));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          op.info("timed out"); // it may have taken effect, or not
        }
      }
    },
  });
}

async function record(replicated: boolean): Promise<History> {
  const recorder = new HistoryRecorder({ nowMicros: () => sim.now });
  const system = { reads: replicated ? "replica" : "primary", writes: "primary" };
  const clients = Object.fromEntries([1, 2, 3].map((p) => [`p${p}`, client(recorder, p, system)]));
  const sim: Simulation = new Simulation({
    seed: 6,
    nodes: {
      primary: register(replicated ? "replica" : undefined),
      replica: register(),
      ...clients,
    },
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 }, lossProbability: 0.05 },
  });
  await sim.run({ untilMs: 2_000 });
  return recorder.history();
}

/** The verdict, and where the order broke: the last few operations of the longest legal order. */
function explain(text: string, keepOrder = 3): string[] {
  const lines = text.trimEnd().split("\n");
  const state = lines.findIndex((line) => line.startsWith("  state after it"));
  const cut = Math.max(2, state - keepOrder);
  return cut === 2 ? lines : [...lines.slice(0, 2), "    ...", ...lines.slice(cut)];
}

export async function main(): Promise<string[]> {
  const header = ["calls", "ok", "info"].map((column) => column.padStart(6)).join("");
  const lines = [`${"system".padEnd(28)}${header}  verdict`];
  let explanation: string[] = [];
  for (const replicated of [false, true]) {
    const history = await record(replicated);
    const result = checkLinearizability(history, registerModel, { maxSteps: 1_000_000 });
    const count = (status: string) => history.filter((op) => op.status === status).length;
    const name = replicated ? "primary + stale read replica" : "single copy";
    const counts = [history.length, count("ok"), count("info")].map((n) => String(n).padStart(6));
    lines.push(`${name.padEnd(28)}${counts.join("")}  ${result.verdict}`);
    if (result.verdict === "illegal") explanation = explain(formatLinearizability(result));
  }
  return [...lines, "", "formatLinearizability, for the replicated register:", ...explanation];
}

runIfMain(import.meta.url, main);
