// Timeouts inside the simulator: withTimeout on a node's own timers (`timers: ctx`), with a fixed
// and with an adaptive policy that learns from response times measured on the node's virtual
// monotonic clock. Network latency is the simulator's, drawn from the run's seed.

import { describe, expect, it } from "vitest";
import { TimeoutError } from "../core/errors.js";
import { Simulation } from "../world/Simulation.js";
import { AdaptiveTimeout } from "./AdaptiveTimeout.js";
import { FixedTimeout } from "./FixedTimeout.js";
import { withTimeout } from "./withTimeout.js";

describe("withTimeout in the simulator", () => {
  it("shows that a FixedTimeout rejects a slow call with an indefinite TimeoutError at exactly the timeout, aborts its signal, and lets a fast call through", async () => {
    const seen: string[] = [];
    const sim = new Simulation({
      seed: 6,
      network: { latency: { kind: "constant", ms: 5 } },
      nodes: {
        server: (ctx) => ({
          onMessage(m) {
            const workMs = m.body as number;
            ctx.setTimer(workMs, () => ctx.reply(m, `done in ${workMs}`));
          },
        }),
        client: (ctx) => ({
          async onStart() {
            const policy = new FixedTimeout(50);
            const call = (workMs: number) => {
              const startMs = ctx.clock.monotonicMs();
              let signal: AbortSignal | undefined;
              return withTimeout(
                (s) => {
                  signal = s;
                  return ctx.request<string>("server", workMs, { timeoutMs: 10_000 });
                },
                { timers: ctx, clock: ctx.clock, timeout: policy, what: `work ${workMs}` },
              ).then(
                (value) => seen.push(`${value} after ${ctx.clock.monotonicMs() - startMs}`),
                (error: unknown) => {
                  const e = error as TimeoutError;
                  const elapsedMs = ctx.clock.monotonicMs() - startMs;
                  const kind = e instanceof TimeoutError ? e.code : String(e);
                  seen.push(
                    `${kind} definite=${e.definite} aborted=${signal?.aborted} after ${elapsedMs}`,
                  );
                },
              );
            };
            await call(200); // 5 + 200 + 5 ms > 50 ms
            await call(20); // 5 + 20 + 5 ms < 50 ms
          },
        }),
      },
    });
    await sim.run();
    expect(seen).toEqual(["E_TIMEOUT definite=false aborted=true after 50", "done in 20 after 30"]);
  });

  /** The fraction of 5,000 healthy calls (after 1,000 that fill the window) that timed out. */
  async function falseTimeoutFraction(
    rate: number,
    paddingRatio?: number,
    seed = 9,
  ): Promise<number> {
    let timedOut = 0;
    let measured = 0;
    const sim = new Simulation({
      seed,
      network: { latency: { kind: "lognormal", medianMs: 10, sigma: 0.5 } },
      nodes: {
        server: (ctx) => ({ onMessage: (m) => ctx.reply(m, "ok") }),
        client: (ctx) => ({
          async onStart() {
            const policy = AdaptiveTimeout.forFalseTimeoutRate({
              falseTimeoutRate: rate,
              windowSize: 1_000,
              minTimeoutMs: 1,
              initialTimeoutMs: 1_000,
              ...(paddingRatio === undefined ? {} : { paddingRatio }),
            });
            for (let i = 0; i < 6_000; i++) {
              try {
                await withTimeout(() => ctx.request("server", i, { timeoutMs: 10_000 }), {
                  timers: ctx,
                  clock: ctx.clock,
                  timeout: policy,
                });
              } catch (error) {
                if (!(error instanceof TimeoutError)) throw error;
                if (i >= 1_000) timedOut++;
              }
              if (i >= 1_000) measured++;
            }
          },
        }),
      },
    });
    await sim.run();
    expect(measured).toBe(5_000);
    return timedOut / measured;
  }

  it("shows that the target-rate adaptive timeout, learning through withTimeout from the simulated network's latency, times out at most the chosen 1% of healthy calls, and not far fewer", async () => {
    const fraction = await falseTimeoutFraction(0.01);
    expect(fraction).toBeLessThanOrEqual(0.01);
    expect(fraction).toBeGreaterThan(0.01 / 3);
  });

  it("shows why it pads by default: without padding, timed-out calls recorded at the timeout ratchet it down past the target", async () => {
    for (const seed of [1, 2, 3]) {
      const padded = await falseTimeoutFraction(0.01, undefined, seed);
      const bare = await falseTimeoutFraction(0.01, 0, seed);
      expect(padded, `seed ${seed}`).toBeLessThanOrEqual(0.01);
      expect(bare, `seed ${seed}`).toBeGreaterThan(0.01);
    }
  });
});
