// Retry, its backoff strategies and its budgets inside the simulator. A node's context is passed
// as the Timers (`timers: ctx`) and its monotonic clock as the clock, so every wait below happens on
// virtual time, each run is reproducible from its seed, and no fake timers are involved.

import { describe, expect, it } from "vitest";
import { AbortedError, MurphyError } from "../core/errors.js";
import type { NodeContext, NodeFactory } from "../sim/NodeApi.js";
import { Simulation } from "../world/Simulation.js";
import {
  constantBackoff,
  decorrelatedJitterBackoff,
  equalJitterBackoff,
  exponentialBackoff,
  fullJitterBackoff,
  type Backoff,
} from "./Backoff.js";
import { RatioRetryBudget } from "./RatioRetryBudget.js";
import { retry, type GiveUpEvent } from "./retry.js";
import type { RetryBudget } from "./RetryBudget.js";
import { TokenBucketRetryBudget } from "./TokenBucketRetryBudget.js";

/** The server's refusal: definite (nothing was done) and worth retrying. */
class Busy extends MurphyError {
  readonly code = "E_BUSY";
  readonly definite = true;
  readonly retryable = true;
}

/** A server that answers "busy" until `busyUntilMs` on its clock, then "ok"; counts arrivals. */
function busyServer(busyUntilMs: number, arrivalsMs: number[]): NodeFactory {
  return (ctx) => ({
    onMessage(m) {
      const nowMs = ctx.clock.monotonicMs();
      arrivalsMs.push(nowMs);
      ctx.reply(m, nowMs < busyUntilMs ? "busy" : "ok");
    },
  });
}

/** One call to the server: resolves on "ok", throws Busy on "busy". */
async function callServer(ctx: NodeContext): Promise<string> {
  const answer = await ctx.request<string>("server", "work", { timeoutMs: 1_000 });
  if (answer === "busy") throw new Busy("server busy");
  return answer;
}

const STRATEGIES: readonly Backoff[] = [
  constantBackoff(40),
  exponentialBackoff({ baseMs: 10, capMs: 300, jitterRatio: 0.2 }),
  fullJitterBackoff({ baseMs: 10, capMs: 300 }),
  equalJitterBackoff({ baseMs: 10, capMs: 300 }),
  decorrelatedJitterBackoff({ baseMs: 10, capMs: 300 }),
];

describe("retry in the simulator", () => {
  it("shows that every backoff strategy waits, on the node's own drifting clock, exactly the delay it reports, within its stated bounds", async () => {
    for (const backoff of STRATEGIES) {
      const gaps: { retry: number; delayMs: number; gapMs: number; boundsOk: boolean }[] = [];
      let result: string | undefined;
      const client: NodeFactory = (ctx) => ({
        async onStart() {
          let retriedAtMs = 0;
          let previousDelayMs: number | undefined;
          result = await retry(
            async ({ attempt }) => {
              if (attempt > 1) {
                const last = gaps[gaps.length - 1]!;
                gaps[gaps.length - 1] = { ...last, gapMs: ctx.clock.monotonicMs() - retriedAtMs };
              }
              return callServer(ctx);
            },
            {
              clock: ctx.clock,
              timers: ctx,
              random: ctx.random,
              maxAttempts: 20,
              backoff,
              onRetry: ({ attempt, delayMs }) => {
                const retryNumber = attempt - 1;
                const { minMs, maxMs } = backoff.boundsMs(retryNumber, previousDelayMs);
                const boundsOk = delayMs >= minMs && delayMs <= maxMs;
                gaps.push({ retry: retryNumber, delayMs, gapMs: NaN, boundsOk });
                previousDelayMs = delayMs;
                retriedAtMs = ctx.clock.monotonicMs();
              },
            },
          );
        },
      });
      const sim = new Simulation({
        seed: 21,
        nodes: [
          { id: "server", factory: busyServer(300, []) },
          { id: "client", factory: client, clock: { driftPpm: 150 } },
        ],
      });
      await sim.run();
      expect(result, backoff.kind).toBe("ok");
      expect(gaps.length, backoff.kind).toBeGreaterThan(1);
      for (const gap of gaps) {
        expect(gap.boundsOk, `${backoff.kind} retry ${gap.retry}`).toBe(true);
        // The kernel keeps time in whole microseconds, so a wait can differ by that much.
        expect(Math.abs(gap.gapMs - gap.delayMs), backoff.kind).toBeLessThanOrEqual(0.002);
      }
    }
  });

  it("shows that jitter breaks up a synchronised retry wave: 20 clients refused together arrive in one 10 ms slot under constant backoff, at most half of them per slot under full or decorrelated jitter", async () => {
    const peakArrivalsPer10Ms = async (backoff: Backoff, seed: number) => {
      const arrivalsMs: number[] = [];
      const nodes: Record<string, NodeFactory> = { server: busyServer(400, arrivalsMs) };
      for (let i = 0; i < 20; i++) {
        nodes[`c${i}`] = (ctx) => ({
          async onStart() {
            const options = { clock: ctx.clock, timers: ctx, random: ctx.random };
            await retry(() => callServer(ctx), { ...options, maxAttempts: 50, backoff });
          },
        });
      }
      const sim = new Simulation({
        seed,
        nodes,
        network: { latency: { kind: "constant", ms: 5 } },
      });
      await sim.run();
      // The first calls all arrive at 5 ms whatever the backoff; count only the retries.
      const perBucket = new Map<number, number>();
      for (const t of arrivalsMs.filter((ms) => ms > 5)) {
        const bucket = Math.floor(t / 10);
        perBucket.set(bucket, (perBucket.get(bucket) ?? 0) + 1);
      }
      return Math.max(...perBucket.values());
    };
    for (let seed = 1; seed <= 5; seed++) {
      expect(await peakArrivalsPer10Ms(constantBackoff(100), seed)).toBe(20);
      const fullJitter = fullJitterBackoff({ baseMs: 50, capMs: 800 });
      const decorrelated = decorrelatedJitterBackoff({ baseMs: 50, capMs: 800 });
      expect(await peakArrivalsPer10Ms(fullJitter, seed)).toBeLessThanOrEqual(10);
      expect(await peakArrivalsPer10Ms(decorrelated, seed)).toBeLessThanOrEqual(10);
    }
  });

  it("shows that retry budgets stop a retry storm: against a server that never answers, no budget triples the load, the token bucket and the 10% ratio budget hold it near the first calls", async () => {
    const loadFactor = async (makeBudget: (ctx: NodeContext) => RetryBudget | undefined) => {
      let arrivals = 0;
      let firstCalls = 0;
      const reasons = new Map<string, number>();
      const nodes: Record<string, NodeFactory> = {
        server: () => ({ onMessage: () => void arrivals++ }), // overloaded: never answers
      };
      for (let i = 0; i < 10; i++) {
        nodes[`c${i}`] = (ctx) => ({
          async onStart() {
            const budget = makeBudget(ctx);
            for (let op = 0; op < 100; op++) {
              firstCalls++;
              await retry(() => ctx.request("server", op, { timeoutMs: 20 }), {
                clock: ctx.clock,
                timers: ctx,
                random: ctx.random,
                idempotent: true, // a timeout is indeterminate: retried only when idempotent
                maxAttempts: 3,
                backoff: constantBackoff(10),
                ...(budget === undefined ? {} : { budget }),
                onGiveUp: ({ reason }: GiveUpEvent) =>
                  reasons.set(reason, (reasons.get(reason) ?? 0) + 1),
              }).catch(() => undefined);
            }
          },
        });
      }
      await new Simulation({ seed: 3, nodes }).run();
      expect(firstCalls).toBe(1_000);
      return { factor: arrivals / firstCalls, reasons: Object.fromEntries(reasons) };
    };

    const none = await loadFactor(() => undefined);
    expect(none).toEqual({ factor: 3, reasons: { "max-attempts": 1_000 } });

    // 500 tokens, 10 per timeout retry, no successes to refund: 50 retries per client (two for
    // each of the first 25 operations), then none for the other 75.
    const bucket = await loadFactor(() => new TokenBucketRetryBudget());
    expect(bucket).toEqual({
      factor: 1.5,
      reasons: { "max-attempts": 250, "budget-exhausted": 750 },
    });

    // At most 10% of the calls in the 10 s window (the 10-retry allowance is smaller): 1.1x.
    const ratio = await loadFactor((ctx) => new RatioRetryBudget({ clock: ctx.clock }));
    expect(ratio.factor).toBeGreaterThan(1);
    expect(ratio.factor).toBeLessThanOrEqual(1.11);
  });

  it("shows that aborting cancels a pending backoff at once through ctx.sleep's signal, with no waiting for the delay", async () => {
    let outcome: { error: unknown; atMs: number } | undefined;
    const sim = new Simulation({
      seed: 4,
      nodes: {
        server: busyServer(Infinity, []),
        client: (ctx) => ({
          async onStart() {
            const controller = new AbortController();
            ctx.setTimer(100, () => controller.abort());
            try {
              await retry(() => callServer(ctx), {
                clock: ctx.clock,
                timers: ctx,
                random: ctx.random,
                backoff: constantBackoff(3_600_000),
                signal: controller.signal,
              });
            } catch (error) {
              outcome = { error, atMs: ctx.clock.monotonicMs() };
            }
          },
        }),
      },
    });
    await sim.run();
    expect(outcome?.error).toBeInstanceOf(AbortedError);
    expect((outcome?.error as AbortedError).definite).toBe(true); // Busy is definite: nothing done
    expect(outcome?.atMs).toBe(100);
  });
});
