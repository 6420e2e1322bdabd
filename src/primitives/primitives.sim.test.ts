// The remedies inside the simulator: the same primitives, given a node's virtual clock, timers and
// seeded random stream instead of the real ones, run unchanged under loss, duplication, skewed and
// jumping clocks, partitions, pauses and crashes. No fake timers: time is the kernel's.

import { describe, expect, it } from "vitest";
import type { NodeFactory } from "../sim/NodeApi.js";
import { Simulation } from "../world/Simulation.js";
import { AdaptiveTimeout } from "./AdaptiveTimeout.js";
import { fullJitterBackoff } from "./Backoff.js";
import { DedupTable } from "./DedupTable.js";
import { ClockOffsetError, LeaseHeldError } from "./errors.js";
import { FencedStore } from "./FencedStore.js";
import { HeartbeatFailureDetector } from "./HeartbeatFailureDetector.js";
import { compareHlc, HybridLogicalClock, type HlcTimestamp } from "./HybridLogicalClock.js";
import { compareLamport, LamportClock, type LamportTimestamp } from "./LamportClock.js";
import { Lease } from "./Lease.js";
import { LeaseTable, type LeaseGrant } from "./LeaseTable.js";
import { PhiAccrualFailureDetector } from "./PhiAccrualFailureDetector.js";
import { QuorumFailureDetector } from "./QuorumFailureDetector.js";
import { createRequestId } from "./requestId.js";
import { retry } from "./retry.js";
import { TokenBucketRetryBudget } from "./TokenBucketRetryBudget.js";
import { TrueTime } from "./TrueTime.js";
import { VectorClock } from "./VectorClock.js";

describe("the remedies in the simulator", () => {
  it("shows that retry + request IDs + dedup apply every operation exactly once over a lossy, duplicating network", async () => {
    const run = async (seed: number) => {
      const applied: number[] = [];
      const results: number[] = [];
      const sim = new Simulation({
        seed,
        network: { lossProbability: 0.2, duplicateProbability: 0.1 },
        nodes: {
          server: (ctx) => {
            const table = new DedupTable<{ op: number }, number>({ clock: ctx.clock });
            let counter = 0;
            return {
              onMessage(m) {
                const { id, op } = m.body as { id: string; op: number };
                const { result } = table.execute(id, { op }, () => {
                  applied.push(op);
                  return ++counter;
                });
                ctx.reply(m, result);
              },
            };
          },
          client: (ctx) => ({
            async onStart() {
              const budget = new TokenBucketRetryBudget();
              const policy = new AdaptiveTimeout({ minTimeoutMs: 30, initialTimeoutMs: 100 });
              for (let op = 0; op < 40; op++) {
                const id = createRequestId(ctx.random);
                const result = await retry(
                  async () => {
                    const startMs = ctx.clock.monotonicMs();
                    const r = await ctx.request<number>(
                      "server",
                      { id, op },
                      {
                        timeoutMs: policy.timeoutMs(),
                      },
                    );
                    policy.recordResponseMs(ctx.clock.monotonicMs() - startMs);
                    return r;
                  },
                  {
                    clock: ctx.clock,
                    timers: ctx, // a node context is a Timers: setTimer, clearTimer, sleep(ms, signal)
                    random: ctx.random,
                    idempotent: true, // made so by the request ID and the server's dedup table
                    maxAttempts: 30,
                    budget,
                    backoff: fullJitterBackoff({ baseMs: 5, capMs: 500 }),
                  },
                );
                results.push(result);
              }
            },
          }),
        },
      });
      const outcome = await sim.run();
      return { applied, results, hash: outcome.traceHash, retried: sim.trace.drops("loss") };
    };
    for (let seed = 1; seed <= 20; seed++) {
      const outcome = await run(seed);
      expect(outcome.retried).toBeGreaterThan(0);
      expect(outcome.applied).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(outcome.results).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    }
    expect((await run(11)).hash).toBe((await run(11)).hash);
  });

  it("shows that phi, heartbeat and quorum detectors tell a cut link from a crash", async () => {
    const observers = ["o1", "o2", "o3"];
    const suspicions: string[] = [];
    const plainSuspicions: { observer: string; atMs: number; silenceMs: number }[] = [];
    let deadAtMs: number | undefined;
    const observer: NodeFactory = (ctx) => {
      const report = (reachable: boolean) => {
        suspicions.push(
          `${ctx.id} ${reachable ? "alive" : "suspect"} @${Math.round(ctx.clock.monotonicMs())}`,
        );
        ctx.send("judge", { observer: ctx.id, reachable });
      };
      const phi = new PhiAccrualFailureDetector({
        clock: ctx.clock,
        timers: ctx,
        acceptableHeartbeatPauseMs: 500,
        onSuspect: () => report(false),
        onAlive: () => report(true),
      });
      const plain = new HeartbeatFailureDetector({
        clock: ctx.clock,
        timers: ctx,
        timeoutMs: 1000,
        onSuspect: ({ silenceMs }) =>
          plainSuspicions.push({ observer: ctx.id, atMs: ctx.clock.monotonicMs(), silenceMs }),
      });
      return {
        onMessage() {
          phi.heartbeat();
          plain.heartbeat();
        },
      };
    };
    const sim = new Simulation({
      seed: 5,
      nodes: {
        target: (ctx) => ({
          onStart() {
            const beat = () => {
              for (const o of observers) ctx.send(o, "beat");
              ctx.setTimer(100, beat);
            };
            beat();
          },
        }),
        o1: observer,
        o2: observer,
        o3: observer,
        judge: (ctx) => {
          const quorum = new QuorumFailureDetector({
            observers,
            onDead: () => (deadAtMs = ctx.clock.monotonicMs()),
          });
          return {
            onMessage(m) {
              const { observer: o, reachable } = m.body as { observer: string; reachable: boolean };
              quorum.report(o, "target", reachable);
            },
          };
        },
      },
      faults: [
        { atMs: 2_000, kind: "cut", from: "target", to: "o1" },
        { atMs: 6_000, kind: "crash", node: "target" },
      ],
    });
    await sim.run({ untilMs: 15_000 });
    const o1 = suspicions.filter((s) => s.startsWith("o1 suspect"));
    expect(o1).toHaveLength(1);
    const o1AtMs = Number(o1[0]!.split("@")[1]);
    expect(o1AtMs).toBeGreaterThan(2_000 + 500);
    expect(o1AtMs).toBeLessThan(6_000);
    expect(deadAtMs).toBeDefined();
    expect(deadAtMs!).toBeGreaterThan(6_000 + 500);
    expect(deadAtMs!).toBeLessThan(8_000);
    // The plain detector suspects after exactly its timeout of silence, on the virtual clock: o1
    // about 1 s after its link was cut (the last beat left at 1.9 or 2.0 s), o2 and o3 about 1 s
    // after the crash.
    const [first, ...rest] = plainSuspicions;
    expect(first!.observer).toBe("o1");
    expect(first!.atMs).toBeGreaterThan(2_900);
    expect(first!.atMs).toBeLessThan(3_100);
    expect(rest.map((s) => s.observer).sort()).toEqual(["o2", "o3"]);
    for (const s of rest) {
      expect(s.atMs).toBeGreaterThan(6_900);
      expect(s.atMs).toBeLessThan(7_100);
    }
    for (const s of plainSuspicions) expect(s.silenceMs).toBeCloseTo(1_000, 2);
  });

  it("shows that Lamport, vector and hybrid clocks keep causal order under skew, a backward jump and a clock too far ahead", async () => {
    type Stamped = { hlc: HlcTimestamp; lamport: LamportTimestamp; vc: string };
    const violations: string[] = [];
    let rejected = 0;
    let received = 0;
    const node: NodeFactory = (ctx) => {
      const hlc = new HybridLogicalClock({ clock: ctx.clock });
      const lamport = new LamportClock(ctx.id);
      let vc = VectorClock.empty();
      let last: HlcTimestamp | undefined;
      const advance = (ts: HlcTimestamp) => {
        if (last !== undefined && compareHlc(ts, last) <= 0) violations.push(`${ctx.id} went back`);
        last = ts;
      };
      const sendOne = () => {
        const to = ctx.peers[ctx.random.int(ctx.peers.length)]!;
        vc = vc.increment(ctx.id);
        const hlcTs = hlc.send();
        advance(hlcTs);
        ctx.send(to, { hlc: hlcTs, lamport: lamport.send(), vc: vc.encode() } satisfies Stamped);
        ctx.setTimer(20 + ctx.random.int(40), sendOne);
      };
      return {
        onStart: sendOne,
        onMessage(m) {
          const msg = m.body as Stamped;
          try {
            const ts = hlc.receive(msg.hlc);
            advance(ts);
            if (compareHlc(ts, msg.hlc) <= 0) violations.push("hlc receive not after send");
          } catch (error) {
            if (!(error instanceof ClockOffsetError)) throw error;
            rejected++;
            return;
          }
          received++;
          const before = VectorClock.decode(msg.vc);
          vc = vc.receive(ctx.id, before);
          if (!before.happenedBefore(vc)) violations.push("vc receive not after send");
          if (compareLamport(msg.lamport, lamport.receive(msg.lamport)) >= 0) {
            violations.push("lamport receive not after send");
          }
        },
      };
    };
    const sim = new Simulation({
      seed: 8,
      nodes: [
        { id: "a", factory: node, clock: { initialOffsetMs: 0 } },
        { id: "b", factory: node, clock: { initialOffsetMs: 300, driftPpm: 100 } },
        { id: "c", factory: node, clock: { initialOffsetMs: -200, driftPpm: -100 } },
        { id: "d", factory: node, clock: { initialOffsetMs: 900 } },
      ],
      network: { duplicateProbability: 0.05, reorderProbability: 0.2, reorderWindowMs: 50 },
      faults: [{ atMs: 1_000, kind: "clock-jump", node: "a", deltaMs: -1_000 }],
    });
    await sim.run({ untilMs: 3_000 });
    expect(violations).toEqual([]);
    expect(received).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(0); // d's clock is 900 ms ahead: beyond the 500 ms bound
  });

  it("shows that a paused lease holder's write is fenced off, and commit-wait outlasts the uncertainty", async () => {
    const outcomes: string[] = [];
    let committed: { ok: boolean } | undefined;
    const client =
      (startMs: number): NodeFactory =>
      (ctx) => ({
        async onStart() {
          await ctx.sleep(startMs);
          for (;;) {
            const sentAt = ctx.clock.monotonicMs();
            const reply = await ctx.request<{ grant?: LeaseGrant }>(
              "lock",
              { holder: ctx.id },
              {
                timeoutMs: 1_000,
              },
            );
            if (reply.grant === undefined) {
              await ctx.sleep(200);
              continue;
            }
            const lease = new Lease({
              clock: ctx.clock,
              grant: reply.grant,
              requestSentAtMs: sentAt,
            });
            lease.check();
            await ctx.sleep(50); // prepare the write; c1 is paused in here
            const result = await ctx.request<string>(
              "storage",
              { value: ctx.id, token: lease.token },
              { timeoutMs: 1_000 },
            );
            outcomes.push(`${ctx.id}: ${result}`);
            return;
          }
        },
      });
    const sim = new Simulation({
      seed: 2,
      clocks: { driftBoundPpm: 200 },
      nodes: {
        lock: (ctx) => {
          const table = new LeaseTable({ clock: ctx.clock });
          return {
            onMessage(m) {
              try {
                ctx.reply(m, {
                  grant: table.acquire("file", (m.body as { holder: string }).holder, 1_000),
                });
              } catch (error) {
                if (!(error instanceof LeaseHeldError)) throw error;
                ctx.reply(m, {});
              }
            },
          };
        },
        storage: (ctx) => {
          const store = new FencedStore<string>();
          return {
            onMessage(m) {
              const { value, token } = m.body as { value: string; token: number };
              try {
                store.write("file", value, token);
                ctx.reply(m, `wrote with token ${token}`);
              } catch (error) {
                ctx.reply(m, (error as { code: string }).code);
              }
            },
          };
        },
        c1: client(0),
        c2: client(500),
        spanner: (ctx) => ({
          async onStart() {
            const tt = new TrueTime({ clock: ctx.clock, timers: ctx });
            const commitMs = tt.now().latestMs;
            await tt.commitWait(commitMs);
            committed = { ok: tt.after(commitMs) };
          },
        }),
      },
      faults: [{ atMs: 30, kind: "pause", node: "c1", durationMs: 3_000 }],
    });
    await sim.run({ untilMs: 10_000 });
    expect(outcomes).toEqual(["c2: wrote with token 2", "c1: E_STALE_FENCING_TOKEN"]);
    expect(committed).toEqual({ ok: true });
  });
});
