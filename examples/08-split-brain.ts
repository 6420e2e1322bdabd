// 08 — The truth is defined by the majority: split brain, and the quorum that prevents it.
//
// A primary, n1, stores each write and acknowledges it at once; it sends its values to a backup,
// n2, with every heartbeat (every 50 ms). The backup promotes itself when the heartbeats stop for
// 300 ms. A network partition stops them without stopping the primary, so there are now two
// primaries, and each acknowledges the writes of the client on its side. When the partition
// heals, n1 hears from the newer primary, steps down and copies that primary's values. Every write
// that n1 acknowledged on its own is gone. checkDurability finds these writes: acknowledged, but
// missing from a final read.
//
// The cure is three replicas and a majority rule. A primary acknowledges a write only after a
// majority (itself and one other) has stored it. A replica becomes primary only with the votes of
// a majority, and it takes over the values they hold. n1, cut off alone, still believes it is the
// primary, and nothing can tell it otherwise. But it cannot acknowledge anything, so its client
// sees timeouts (outcome unknown) instead of a success that will later be undone. Any two
// majorities share a replica, so no acknowledged write is lost. The price shows too: every write
// waits for a second replica, and the client on the minority side cannot write until the heal.
//
//   npm run build && node dist/examples/08-split-brain.js

import {
  checkDurability,
  Rng,
  Simulation,
  TimeoutError,
  type NodeContext,
  type NodeFactory,
  type OperationStatus,
} from "../src/index.js";
import { runIfMain } from "./run.js";

const HEARTBEAT_MS = 50;
const FAILOVER_MS = 300;
const REPLICA_TIMEOUT_MS = 20; // a round trip between replicas takes 2 to 10 ms
const CLIENT_TIMEOUT_MS = 200;
const SEEDS = 40;

type Design = { name: string; replicas: string[]; majority: boolean };
type Body =
  | { type: "write"; value: number }
  | { type: "read" }
  | { type: "store"; epoch: number; value?: number } // join `epoch`, and keep `value` if given
  | { type: "heartbeat"; epoch: number; values: number[] };
/** What we watch from outside the nodes: the writes and their outcomes, the final read, primaries. */
type World = {
  writes: { value: number; outcome: OperationStatus }[];
  finalRead?: number[];
  primaries: Set<string>;
  maxPrimaries: number;
  lastValue: number;
};

/** The answer to a request, or undefined when none came in time. */
async function ask<R>(ctx: NodeContext, to: string, body: Body, timeoutMs: number) {
  try {
    return await ctx.request<R>(to, body, { timeoutMs });
  } catch (error) {
    if (error instanceof TimeoutError) return undefined;
    throw error;
  }
}

function replica(design: Design, world: World): NodeFactory {
  return (ctx) => {
    const n = design.replicas.length;
    const others = design.replicas.filter((id) => id !== ctx.id);
    let primary = false;
    // The newest epoch heard of. Epoch e can be claimed only by replicas[e % n], so two candidates
    // never claim the same one.
    let epoch = 0;
    let values = new Set<number>();
    let lastHeardMs = 0;
    const become = (isPrimary: boolean) => {
      primary = isPrimary;
      world.primaries[isPrimary ? "add" : "delete"](ctx.id);
      world.maxPrimaries = Math.max(world.maxPrimaries, world.primaries.size);
    };
    /** Asks the others to join this epoch (and keep `value`): their values if a majority did. */
    const majority = async (value?: number) => {
      const body: Body = { type: "store", epoch, value };
      const answers = await Promise.all(
        others.map((to) => ask<number[]>(ctx, to, body, REPLICA_TIMEOUT_MS)),
      );
      const joined = answers.filter((answer) => Array.isArray(answer));
      return 1 + joined.length > n / 2 ? joined : undefined;
    };
    /** Failover: alone in the naive design; with a majority's votes, and values, in the safe one. */
    const promote = async () => {
      epoch = (Math.floor(epoch / n) + 1) * n + design.replicas.indexOf(ctx.id); // its next epoch
      const myEpoch = epoch;
      lastHeardMs = ctx.clock.monotonicMs();
      const joined = design.majority ? await majority() : [];
      if (joined === undefined || epoch !== myEpoch) return; // no majority, or a newer epoch came
      for (const held of joined) for (const v of held) values.add(v);
      become(true);
    };
    const tick = async () => {
      ctx.setTimer(HEARTBEAT_MS, tick);
      if (primary) {
        for (const to of others) ctx.send(to, { type: "heartbeat", epoch, values: [...values] });
      } else if (ctx.clock.monotonicMs() - lastHeardMs > FAILOVER_MS) await promote();
    };
    return {
      onStart() {
        become(ctx.id === "n1");
        return tick();
      },
      async onMessage(message) {
        const body = message.body as Body;
        if (body.type === "write" || body.type === "read") {
          if (!primary) return ctx.reply(message, "not primary");
          if (body.type === "read") return ctx.reply(message, [...values]);
          values.add(body.value);
          // Without a majority the primary stays silent: its client cannot know what happened.
          if (design.majority && (await majority(body.value)) === undefined) return;
          return ctx.reply(message, "ok");
        }
        if (body.epoch < epoch) return; // from a replaced primary: ignored (its request times out)
        const newer = body.epoch > epoch;
        if (newer && primary) become(false); // a newer primary exists
        epoch = body.epoch;
        lastHeardMs = ctx.clock.monotonicMs();
        if (body.type === "store") {
          if (body.value !== undefined) values.add(body.value);
          return ctx.reply(message, [...values]);
        }
        // A newer primary's values replace this replica's own (a resync); otherwise they merge.
        values = new Set([...(newer ? [] : values), ...body.values]);
      },
    };
  };
}

/** Writes fresh values until `untilMs`, moving on to the next replica when one says no. */
function client(design: Design, world: World, untilMs: number, readAtMs?: number): NodeFactory {
  return (ctx) => {
    let target = 0;
    const call = async (body: Body) => {
      const answer = await ask<unknown>(ctx, design.replicas[target]!, body, CLIENT_TIMEOUT_MS);
      if (answer === undefined || answer === "not primary")
        target = (target + 1) % design.replicas.length;
      return answer;
    };
    return {
      async onStart() {
        while (ctx.clock.monotonicMs() < untilMs) {
          const value = ++world.lastValue;
          let acked = false;
          for (let attempt = 0; attempt < 3 && !acked; attempt++)
            acked = (await call({ type: "write", value })) === "ok";
          // Not acknowledged is not failed: a write that timed out may still have been stored.
          world.writes.push({ value, outcome: acked ? "ok" : "info" });
          await ctx.sleep(ctx.random.uniform(0, 20));
        }
        if (readAtMs === undefined) return;
        await ctx.sleep(readAtMs - ctx.clock.monotonicMs());
        for (let attempt = 0; attempt < 6 && !world.finalRead; attempt++) {
          const answer = await call({ type: "read" });
          if (Array.isArray(answer)) world.finalRead = answer as number[];
        }
      },
    };
  };
}

/** One seed: n1 and client c1 are cut off from the rest at 0.4 to 0.8 s, for 0.1 to 1.5 s. */
async function run(design: Design, seed: number): Promise<World> {
  const schedule = Rng.fromSeed(seed).derive("partition");
  const partitionAtMs = Math.round(schedule.uniform(400, 800));
  const healAtMs = partitionAtMs + Math.round(schedule.uniform(100, 1_500));
  const world: World = { writes: [], primaries: new Set(), maxPrimaries: 0, lastValue: 0 };
  const nodes: Record<string, NodeFactory> = {};
  for (const id of design.replicas) nodes[id] = replica(design, world);
  nodes.c1 = client(design, world, healAtMs + 500, healAtMs + 1_500);
  nodes.c2 = client(design, world, healAtMs + 500);
  const sim = new Simulation({
    seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    faults: [
      // n1 and its client c1 on one side; the other replicas and client c2 on the other.
      { atMs: partitionAtMs, kind: "partition", groups: [["n1", "c1"]] },
      { atMs: healAtMs, kind: "heal" },
    ],
  });
  await sim.run({ untilMs: healAtMs + 2_000 });
  return world;
}

const DESIGNS: Design[] = [
  { name: "primary/backup, failover on timeout", replicas: ["n1", "n2"], majority: false },
  { name: "3 replicas, majority rule", replicas: ["n1", "n2", "n3"], majority: true },
];

export async function main(): Promise<string[]> {
  const row = (cells: (string | number)[]) =>
    cells.map((c, i) => String(c).padEnd([37, 14, 6, 9][i] ?? 0)).join("");
  const lines = [row(["design", "acknowledged", "lost", "unknown", "two primaries at once"])];
  for (const design of DESIGNS) {
    let [acknowledged, lost, unknown, split] = [0, 0, 0, 0];
    for (let seed = 0; seed < SEEDS; seed++) {
      const world = await run(design, seed);
      const finalReads = world.finalRead ? [{ values: world.finalRead }] : [];
      const durability = checkDurability({ writes: world.writes, finalReads });
      acknowledged += durability.acknowledged;
      lost += durability.violations.filter((v) => v.kind === "lost-write").length;
      unknown += world.writes.filter((w) => w.outcome === "info").length;
      if (world.maxPrimaries >= 2) split++;
    }
    lines.push(row([design.name, acknowledged, lost, unknown, `${split} of ${SEEDS} seeds`]));
  }
  lines.push(
    `(${SEEDS} seeds; lost: acknowledged but missing from the final read; unknown: timed out)`,
  );
  return lines;
}

runIfMain(import.meta.url, main);
