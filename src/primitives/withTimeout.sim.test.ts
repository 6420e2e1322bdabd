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

  it("shows that the target-rate adaptive timeout, learning through withTimeout from the simulated network's latency, times out at most the chosen 1% of healthy calls, and not far fewer", async () => {
    const falseTimeoutRate = 0.01;
    let timedOut = 0;
    let measured = 0;
    const sim = new Simulation({
      seed: 9,
      network: { latency: { kind: "lognormal", medianMs: 10, sigma: 0.5 } },
      nodes: {
        server: (ctx) => ({ onMessage: (m) => ctx.reply(m, "ok") }),
        client: (ctx) => ({
          async onStart() {
            const policy = AdaptiveTimeout.forFalseTimeoutRate({
              falseTimeoutRate,
              windowSize: 1_000,
              minTimeoutMs: 1,
              initialTimeoutMs: 1_000,
              paddingMs: 2, // about 5% of the p99 here; without it noise ratchets the timeout down
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
              if (i >= 1_000) measured++; // the first 1,000 calls fill the window
            }
          },
        }),
      },
    });
    await sim.run();
    expect(measured).toBe(5_000);
    expect(timedOut / measured).toBeLessThanOrEqual(falseTimeoutRate);
    expect(timedOut / measured).toBeGreaterThan(falseTimeoutRate / 3);
  });
});
