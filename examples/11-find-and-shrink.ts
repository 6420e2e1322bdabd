// 11 — A failing seed is a bug report: find one, shrink its faults, replay it.
//
// Deterministic simulation testing as FoundationDB does it: run one program under many seeds,
// each with its own random fault schedule, until a property breaks. Here a replica serves reads
// from its local copy while it holds a read lease, renewed by heartbeat, and the primary holds
// back each write until the lease it granted has run out. The bug is the chapter's own example of
// a lease: the expiry is a wall-clock time set by the primary, compared with the replica's wall
// clock. randomFaultSchedule draws each seed's schedule swarm-style, and checkLinearizability
// checks what two clients saw. The first failing schedule holds a couple of dozen actions;
// shrinkFaultSchedule replays the seed on smaller ones until only what matters is left: one step
// back of the replica's wall clock, which makes its lease outlast the primary's promise. The
// minimal schedule is an ordinary `faults` list: replayed, it fails again, while the same seed
// with no faults passes. The fix: time leases on monotonic clocks, and let the replica count from
// when it asked.
//
//   npm run build && node dist/examples/11-find-and-shrink.js

import {
  checkLinearizability,
  describeFault,
  HistoryRecorder,
  randomFaultSchedule,
  registerModel,
  Rng,
  shrinkFaultSchedule,
  Simulation,
  TimeoutError,
  type FaultAction,
  type NodeContext,
  type NodeFactory,
} from "../src/index.js";
import { runIfMain } from "./run.js";

const LEASE_MS = 1_000;
const RENEW_BEFORE_MS = 500; // the replica renews when less than this is left
const DRIFT_MARGIN_MS = 10; // the fixed replica's lease ends this much early: oscillators drift
const RUN_MS = 5_000;
const SEEDS = 200;

type Body = { f: "lease" } | { f: "read" } | { f: "write"; value: number };
type Grant = { value: number | null; untilMs: number };

/** The answer to a request, or undefined when none came in time. */
const ask = <R>(ctx: NodeContext, to: string, body: Body, timeoutMs: number) =>
  ctx.request<R>(to, body, { timeoutMs }).catch((error: unknown) => {
    if (error instanceof TimeoutError) return undefined;
    throw error;
  });

/** The primary: grants leases, and applies a write only once no lease it granted can be held. */
const primary =
  (fixed: boolean): NodeFactory =>
  (ctx) => {
    const now = () => (fixed ? ctx.clock.monotonicMs() : ctx.clock.wallMs());
    let value: number | null = null;
    let leaseUntilMs = 0;
    let writesWaiting = 0;
    return {
      async onMessage(message) {
        const body = message.body as Body;
        if (body.f === "lease") {
          if (writesWaiting > 0) return; // no new lease while a write waits for the old one
          leaseUntilMs = now() + LEASE_MS;
          return ctx.reply(message, { value, untilMs: leaseUntilMs } satisfies Grant);
        }
        if (body.f !== "write") return;
        writesWaiting++;
        await ctx.sleep(Math.max(0, leaseUntilMs - now()));
        value = body.value;
        writesWaiting--;
        ctx.reply(message, "ok");
      },
    };
  };

/** The replica: serves reads from its copy while its lease lasts; checks it every 100 ms. */
const replica =
  (fixed: boolean): NodeFactory =>
  (ctx) => {
    const now = () => (fixed ? ctx.clock.monotonicMs() : ctx.clock.wallMs());
    let value: number | null = null;
    let leaseUntilMs = 0;
    const renew = async () => {
      ctx.setTimer(100, renew);
      if (leaseUntilMs - now() >= RENEW_BEFORE_MS) return;
      const askedMs = now();
      const grant = await ask<Grant>(ctx, "primary", { f: "lease" }, 200);
      if (grant === undefined) return;
      value = grant.value;
      // The bug: the primary's expiry, read on this node's wall clock. The fix: a duration, counted
      // on this node's monotonic clock from before the primary could have granted it.
      leaseUntilMs = fixed ? askedMs + LEASE_MS - DRIFT_MARGIN_MS : grant.untilMs;
    };
    return {
      onStart: renew,
      onMessage(message) {
        ctx.reply(message, now() < leaseUntilMs ? value : "no lease");
      },
    };
  };

/** Reads from the replica or writes a fresh value to the primary, one call at a time. */
function client(recorder: HistoryRecorder, process: number): NodeFactory {
  return (ctx) => ({
    async onStart() {
      for (let k = 1; ; k++) {
        await ctx.sleep(ctx.random.uniform(0, 20));
        const body: Body = ctx.random.chance(0.5)
          ? { f: "write", value: process * 1000 + k }
          : { f: "read" };
        const op = recorder.invoke(process, body.f, body.f === "write" ? body.value : null);
        const to = body.f === "write" ? "primary" : "replica";
        const answer = await ask<number | null | string>(ctx, to, body, 2 * LEASE_MS);
        if (answer === undefined) op.info("timed out");
        else if (answer === "no lease") op.fail("no lease");
        else op.ok(answer === "ok" ? null : answer);
      }
    },
  });
}

/** One run of `seed` under `faults`, and the linearizability checker's verdict on it. */
async function run(seed: number, faults: FaultAction[], fixed = false) {
  const recorder = new HistoryRecorder({ nowMicros: () => sim.now });
  const sim: Simulation = new Simulation({
    seed,
    nodes: {
      primary: primary(fixed),
      replica: replica(fixed),
      c1: client(recorder, 1),
      c2: client(recorder, 2),
    },
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    faults,
  });
  await sim.run({ untilMs: RUN_MS });
  return checkLinearizability(recorder.history(), registerModel, { maxSteps: 1_000_000 });
}

const fails = async (seed: number, faults: FaultAction[], fixed = false) =>
  (await run(seed, faults, fixed)).verdict === "illegal";

/** The seed's own swarm-style schedule: which kinds are on, how hard, and when. */
const draw = (seed: number) =>
  randomFaultSchedule(Rng.fromSeed(seed).derive("faults"), {
    nodes: ["primary", "replica", "c1", "c2"],
    durationMs: RUN_MS,
    // No crashes or duplicates: this primary keeps its promises in memory, and applies every write
    // it receives.
    kinds: ["partition", "cut", "link-down", "slow", "loss", "pause", "clock-jump", "clock-drift"],
  }).actions;

async function failingSeeds(fixed: boolean): Promise<number[]> {
  const failing: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++)
    if (await fails(seed, draw(seed), fixed)) failing.push(seed);
  return failing;
}

export async function main(): Promise<string[]> {
  const failing = await failingSeeds(false);
  const seed = failing[0];
  if (seed === undefined) return [`no seed in 1..${SEEDS} failed`];
  const schedule = draw(seed);
  const result = await run(seed, schedule);
  if (result.verdict !== "illegal") throw new Error(`seed ${seed} did not fail again`);
  // The read the checker could not place, and the last write acknowledged before it began.
  const { blocked, operations } = result.longest[0]!;
  const before = (op: { completeMicros?: number }) => op.completeMicros! < blocked.invokeMicros;
  const written = operations.findLast((op) => op.f === "write" && before(op))!;
  const afterMs = Math.round((blocked.invokeMicros - written.completeMicros!) / 1000);
  const shrunk = await shrinkFaultSchedule(schedule, (candidate) => fails(seed, candidate));
  const verdict = async (faults: FaultAction[]) =>
    (await fails(seed, faults)) ? "fails" : "passes";
  return [
    `seeds 1..${SEEDS}, each under its own random fault schedule: ${failing.length} fail`,
    `seed ${seed} fails first: c${blocked.process} read ${String(blocked.output)} at ` +
      `${(blocked.invokeMicros / 1e6).toFixed(3)} s, ${afterMs} ms after write(${String(written.input)}) was acknowledged`,
    `its schedule has ${schedule.length} fault actions; shrinkFaultSchedule leaves ` +
      `${shrunk.actions.length} after ${shrunk.runs} replays:`,
    ...shrunk.actions.map((a) => `  ${a.atMs} ms ${describeFault(a)}`),
    `seed ${seed} replayed with only that schedule as its \`faults\`: ${await verdict(shrunk.actions)}`,
    `seed ${seed} replayed with no faults: ${await verdict([])}`,
    `fixed (leases timed on monotonic clocks): ${(await failingSeeds(true)).length} of ${SEEDS} seeds fail`,
  ];
}

runIfMain(import.meta.url, main);
