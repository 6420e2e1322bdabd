// A world file: your own replicated register, tested by every murphy command. It imports
// "murphy" exactly as a project that installed the package does (this package refers to itself).
//
//   npx murphy run examples/worlds/primary-backup.ts --seeds 200
//   npx murphy shrink examples/worlds/primary-backup.ts --seed <a failing seed>
//
// Two ways to replicate one register, each a variant:
//
// - `naive`: a primary and a backup. The primary applies a write, acknowledges it, and only then
//   copies it to the backup (asynchronous replication). The backup takes over when the primary's
//   heartbeats stop for 300 ms (fail-over on a timeout). A lost copy, a pause or a partition is
//   enough for a client to read a value older than one already acknowledged: not linearizable.
// - `quorum`: three replicas and the ABD algorithm (Attiya, Bar-Noy and Dolev, 1995). A client
//   writes with a timestamp higher than any a majority has seen and waits until a majority stored
//   it; a read asks a majority for the newest value and writes it back to a majority before
//   returning it. Any two majorities share a replica, so every read sees every acknowledged write.
//   Replicas sync their state to disk before they answer, so crashes lose nothing acknowledged.
//
// Each seed draws its own fault schedule (partitions, lost and duplicated messages, pauses,
// crashes with recovery, clock faults) and the history clients saw is checked for
// linearizability.

import {
  checkLinearizability,
  defineWorld,
  randomFaultSchedule,
  registerModel,
  TimeoutError,
  type HistoryRecorder,
  type NodeContext,
  type NodeFactory,
} from "murphy";

const RUN_MS = 3_000;
const REQUEST_TIMEOUT_MS = 100;

type Reply = { ok: true; value?: number | null } | { ok: false; error: "not-primary" };

/** Sends and waits; undefined when no answer came in time (the outcome is unknown). */
async function ask<R>(ctx: NodeContext, to: string, body: unknown): Promise<R | undefined> {
  try {
    return await ctx.request<R>(to, body, { timeoutMs: REQUEST_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof TimeoutError) return undefined;
    throw error;
  }
}

// --- naive: primary/backup, acknowledge before replicating, fail over on a timeout --------------

function naiveReplica(other: string, startsAsPrimary: boolean): NodeFactory {
  return (ctx) => {
    let primary = startsAsPrimary;
    let value: number | null = null;
    let lastHeardMs = ctx.clock.monotonicMs();
    const tick = () => {
      if (primary) ctx.send(other, { t: "heartbeat" });
      else if (ctx.clock.monotonicMs() - lastHeardMs > 300) primary = true;
      ctx.setTimer(50, tick);
    };
    return {
      onStart: tick,
      onMessage(message) {
        const body = message.body as { t: string; value?: number };
        if (body.t === "heartbeat") lastHeardMs = ctx.clock.monotonicMs();
        else if (body.t === "replicate") value = body.value!;
        else if (!primary) ctx.reply(message, { ok: false, error: "not-primary" } satisfies Reply);
        else if (body.t === "read") ctx.reply(message, { ok: true, value } satisfies Reply);
        else if (body.t === "write") {
          value = body.value!;
          ctx.reply(message, { ok: true } satisfies Reply);
          ctx.send(other, { t: "replicate", value });
        }
      },
    };
  };
}

function naiveClient(history: HistoryRecorder, replicas: readonly string[]): NodeFactory {
  return (ctx) => ({
    async onStart() {
      let target = 0;
      for (let k = 1; ; k++) {
        await ctx.sleep(ctx.random.uniform(0, 30));
        const write = ctx.random.chance(0.5);
        const value = write ? ctx.random.int(1_000_000) : null;
        const op = history.invoke(ctx.id, write ? "write" : "read", value);
        const reply = await ask<Reply>(ctx, replicas[target]!, {
          t: write ? "write" : "read",
          value,
        });
        if (reply === undefined) op.info("timeout");
        else if (!reply.ok) op.fail(reply.error);
        else op.ok(write ? null : (reply.value ?? null));
        if (reply === undefined || !reply.ok) target = (target + 1) % replicas.length;
      }
    },
  });
}

// --- quorum: ABD over three replicas ---------------------------------------------------------------

type Stamp = readonly [counter: number, writer: string];
type Register = { stamp: Stamp; value: number | null };

const newer = (a: Stamp, b: Stamp) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

function abdReplica(): NodeFactory {
  return (ctx) => {
    let register = ctx.storage.get<Register>("register") ?? { stamp: [0, ""], value: null };
    return {
      onMessage(message) {
        const body = message.body as { t: "get" } | ({ t: "set" } & Register);
        if (body.t === "set" && newer(body.stamp, register.stamp)) {
          register = { stamp: body.stamp, value: body.value };
          ctx.storage.set("register", register);
          ctx.storage.sync(); // durable before anyone hears of it
        }
        ctx.reply(message, register);
      },
    };
  };
}

/** Asks every replica; resolves with the first majority of answers, or undefined if none came. */
function majority(ctx: NodeContext, replicas: readonly string[], body: unknown) {
  const need = Math.floor(replicas.length / 2) + 1;
  return new Promise<Register[] | undefined>((resolve) => {
    const answers: Register[] = [];
    let failed = 0;
    for (const r of replicas) {
      void ask<Register>(ctx, r, body).then((answer) => {
        if (answer === undefined) failed++;
        else answers.push(answer);
        if (answers.length === need) resolve(answers);
        else if (failed > replicas.length - need) resolve(undefined);
      });
    }
  });
}

function abdClient(history: HistoryRecorder, replicas: readonly string[]): NodeFactory {
  return (ctx) => ({
    async onStart() {
      // A writer's stamps must never repeat. A majority may not have seen this writer's last
      // write (it timed out after reaching one replica), so the counter also counts from the
      // writer's own last one, and a restarted client writes under a new name. (Without this,
      // murphy found two values under one stamp in 3 of 1,000 seeds.)
      const writer = `${ctx.id}#${ctx.incarnation}`;
      let lastCounter = 0;
      for (;;) {
        await ctx.sleep(ctx.random.uniform(0, 30));
        const write = ctx.random.chance(0.5);
        const value = write ? ctx.random.int(1_000_000) : null;
        const op = history.invoke(ctx.id, write ? "write" : "read", value);
        const seen = await majority(ctx, replicas, { t: "get" });
        if (seen === undefined) {
          op.fail("no majority answered"); // nothing was written yet
          continue;
        }
        const latest = seen.reduce((a, b) => (newer(b.stamp, a.stamp) ? b : a));
        if (write) lastCounter = Math.max(lastCounter, latest.stamp[0]) + 1;
        const next: Register = write ? { stamp: [lastCounter, writer], value } : latest;
        const stored = await majority(ctx, replicas, { t: "set", ...next });
        if (stored === undefined) op.info("no majority stored it");
        else op.ok(write ? null : next.value);
      }
    },
  });
}

export default defineWorld({
  name: "primary-backup",
  title: "One register, replicated two ways",
  claim:
    "Acknowledging a write before it is replicated, and failing over on a timeout, loses " +
    "acknowledged writes; majority quorums (ABD) stay linearizable under every fault.",
  variants: [
    {
      name: "naive",
      description: "primary/backup, async copy, fail-over on timeout",
      expectViolations: true,
    },
    { name: "quorum", description: "ABD over three replicas, majority reads and writes" },
  ],
  nodes({ variant, history }): Record<string, NodeFactory> {
    if (variant === "naive") {
      const replicas = ["n1", "n2"];
      return {
        n1: naiveReplica("n2", true),
        n2: naiveReplica("n1", false),
        c1: naiveClient(history, replicas),
        c2: naiveClient(history, replicas),
      };
    }
    const replicas = ["n1", "n2", "n3"];
    return {
      n1: abdReplica(),
      n2: abdReplica(),
      n3: abdReplica(),
      c1: abdClient(history, replicas),
      c2: abdClient(history, replicas),
    };
  },
  simulation: { network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } } },
  faults: ({ random, nodeIds, runForMs }) =>
    randomFaultSchedule(random("faults"), { nodes: nodeIds, durationMs: runForMs }).actions,
  runForMs: RUN_MS,
  checks: {
    linearizable: ({ history }) => checkLinearizability(history, registerModel),
  },
  defaultSeeds: 200,
  // For `murphy test` and `murphy cluster`: the clients run in the harness, the replicas as processes.
  real: { clients: ["c1", "c2"] },
});
