// 05 — A paused lease holder, with and without fencing tokens.
//
// The chapter's Figures 8-4 and 8-5. A lock service grants a 10 s lease on a file (LeaseTable,
// whose every grant carries a fencing token). Client 1 takes it, checks that it is still valid,
// and prepares its write — and a stop-the-world pause of 15 s freezes it. The lease expires; client
// 2 takes it and writes. Client 1 wakes with no idea that time passed and writes as well. No check
// on client 1 can close the gap: the pause may fall between the check and the write. We run the
// story twice. Storage that ignores tokens accepts the stale write and client 2's data is lost;
// storage that is a FencedStore refuses it with StaleFencingTokenError.
//
//   npm run build && node dist/examples/05-fencing-tokens.js

import {
  FencedStore,
  Lease,
  LeaseHeldError,
  LeaseTable,
  Simulation,
  StaleFencingTokenError,
  type NodeFactory,
} from "../src/index.js";
import { runIfMain } from "./run.js";

type Write = { writer: string; token: number; value: string };
/** What we watch from outside the nodes: a row per grant and per write, and the file's contents. */
type World = { rows: string[]; file?: string; nowMs: () => number };

function row(world: World, who: string, event: string, token: number, storage = ""): void {
  const time = `${(world.nowMs() / 1000).toFixed(3)} s`.padStart(9);
  world.rows.push(
    `${time}  ${who}  ${event.padEnd(22)}${String(token).padEnd(7)}${storage}`.trimEnd(),
  );
}

function lockService(world: World): NodeFactory {
  return (ctx) => {
    const table = new LeaseTable({ clock: ctx.clock });
    return {
      onMessage(message) {
        const { holder } = message.body as { holder: string };
        try {
          const grant = table.acquire("file", holder, 10_000);
          row(world, holder, "granted the lease", grant.token);
          ctx.reply(message, grant);
        } catch (error) {
          if (!(error instanceof LeaseHeldError)) throw error;
          ctx.reply(message, null); // someone else holds it: ask again later
        }
      },
    };
  };
}

function storage(world: World, fenced: boolean): NodeFactory {
  return (ctx) => {
    const store = new FencedStore<string>();
    return {
      onMessage(message) {
        const { writer, token, value } = message.body as Write;
        let verdict = "accepted";
        try {
          if (fenced) store.write("file", value, token); // checks the token and writes, in one step
          world.file = value;
        } catch (error) {
          if (!(error instanceof StaleFencingTokenError)) throw error;
          verdict = `rejected: ${error.code} (${token} < ${error.highestAcceptedToken})`;
        }
        row(world, writer, `writes "${value}"`, token, verdict);
        ctx.reply(message, verdict);
      },
    };
  };
}

/** Asks for the lease until granted, checks it, prepares a write for 1 s, then sends it. */
function client(startMs: number): NodeFactory {
  return (ctx) => ({
    async onStart() {
      await ctx.sleep(startMs);
      for (;;) {
        const sentAtMs = ctx.clock.monotonicMs();
        const ask = { holder: ctx.id };
        const grant = await ctx.request<Lease["grant"] | null>("lock", ask, { timeoutMs: 1_000 });
        if (grant !== null) {
          new Lease({ clock: ctx.clock, grant, requestSentAtMs: sentAtMs }).check(); // valid now
          await ctx.sleep(1_000); // client 1's pause falls here, between the check and the write
          const write: Write = { writer: ctx.id, token: grant.token, value: `data ${ctx.id}` };
          await ctx.request("storage", write, { timeoutMs: 1_000 });
          return;
        }
        await ctx.sleep(1_000);
      }
    },
  });
}

export async function main(): Promise<string[]> {
  const lines: string[] = [];
  for (const fenced of [false, true]) {
    const world: World = { rows: [], nowMs: () => sim.now / 1000 };
    const sim: Simulation = new Simulation({
      seed: 5,
      nodes: {
        lock: lockService(world),
        storage: storage(world, fenced),
        client1: client(0),
        client2: client(2_000),
      },
      network: { latency: { kind: "constant", ms: 5 } },
      faults: [{ atMs: 500, kind: "pause", node: "client1", durationMs: 15_000 }],
    });
    await sim.run({ untilMs: 30_000 });
    lines.push(
      `storage ${fenced ? "is a FencedStore" : "without fencing"}; client1 paused 0.5 s to 15.5 s`,
    );
    lines.push(`     time  who      ${"event".padEnd(22)}token  storage`, ...world.rows);
    const lost = world.file === "data client2" ? "" : ": client2's write is lost";
    lines.push(`  the file holds "${world.file}"${lost}`, "");
  }
  return lines.slice(0, -1);
}

runIfMain(import.meta.url, main);
