import { describe, expect, it } from "vitest";
import { Simulation } from "./Simulation.js";
import type { NodeFactory } from "../sim/NodeApi.js";

const echo: NodeFactory = (ctx) => ({
  onMessage(m) {
    if (m.requestId !== undefined) ctx.reply(m, m.body);
  },
});

/** An async node that sleeps `stepMs` again and again and records when it wakes. */
const sleeper =
  (wakes: number[], stepMs: number, count: number): NodeFactory =>
  (ctx) => ({
    async onStart() {
      for (let i = 0; i < count; i++) {
        await ctx.sleep(stepMs);
        wakes.push(ctx.clock.monotonicMs());
      }
    },
  });

const multiples = (stepMs: number, count: number) =>
  Array.from({ length: count }, (_, i) => stepMs * (i + 1));

describe("Simulation: woken continuations run before the next event, whatever else awaits", () => {
  it("shows that a .then on a request from callback code does not delay another node's wake-ups", async () => {
    const wakes: number[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        server: () => ({}),
        caller: (ctx) => ({
          onStart() {
            ctx.request("server", 1, { timeoutMs: 1000 }).then(
              () => undefined,
              () => undefined,
            );
          },
        }),
        sleeper: sleeper(wakes, 10, 5),
      },
    });
    await sim.run();
    expect(wakes).toEqual(multiples(10, 5));
  });

  it("shows that Promise.race and Promise.all over requests keep every node's continuations on time", async () => {
    const wakes: number[] = [];
    const lagsMs: number[] = [];
    const sim = new Simulation({
      seed: 1,
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 9 } },
      nodes: {
        s1: echo,
        s2: echo,
        s3: echo,
        racer: (ctx) => ({
          async onStart() {
            const servers = ["s1", "s2", "s3"];
            for (let i = 0; i < 20; i++) {
              const ask = (s: string) => ctx.request(s, i, { timeoutMs: 1000 });
              if (i % 2 === 0) await Promise.race(servers.map(ask));
              else await Promise.all(servers.map(ask));
              lagsMs.push(sim.now / 1000 - ctx.clock.monotonicMs());
              await ctx.sleep(1);
            }
          },
        }),
        sleeper: sleeper(wakes, 3, 50),
      },
    });
    await sim.run();
    expect(wakes).toEqual(multiples(3, 50));
    expect(lagsMs).toEqual(new Array(20).fill(0));
  });

  it("shows that a plain promise settled by a timer callback wakes its awaiting code at the timer's time", async () => {
    const woke: number[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        n: (ctx) => ({
          async onStart() {
            for (let i = 1; i <= 3; i++) {
              // A hand-made timeout: a plain promise that a timer callback resolves.
              await new Promise<void>((resolve) => ctx.setTimer(50, () => resolve()));
              woke.push(ctx.clock.monotonicMs());
            }
          },
        }),
        // Unrelated traffic, so that the next event is never far away.
        ticker: (ctx) => ({
          onStart() {
            const tick = () => ctx.setTimer(7, tick);
            tick();
          },
        }),
      },
    });
    await sim.run({ untilMs: 400 });
    expect(woke).toEqual([50, 100, 150]);
  });

  it("shows that a continuation behind a long chain of plain promises still runs at the time of the event that woke it", async () => {
    const lagsMs: number[] = [];
    /** Awaits `depth` plain promises in a row: far more microtask ticks than a reply takes. */
    const deep = async (depth: number): Promise<void> => {
      for (let i = 0; i < depth; i++) await Promise.resolve();
    };
    const sim = new Simulation({
      seed: 1,
      nodes: {
        server: echo,
        client: (ctx) => ({
          onStart() {
            // Each operation is started from a timer and returns when its work is done: nothing
            // awaits it, so the kernel cannot count it and must wait for the microtasks to drain.
            const op = async (): Promise<void> => {
              await ctx.request("server", 1, { timeoutMs: 1000 });
              const repliedMs = ctx.clock.monotonicMs();
              await deep(500);
              lagsMs.push(ctx.clock.monotonicMs() - repliedMs);
            };
            const tick = () => {
              void op();
              if (lagsMs.length < 20) ctx.setTimer(3, tick);
            };
            tick();
          },
        }),
        ticker: (ctx) => ({
          onStart() {
            const tick = () => ctx.setTimer(1, tick);
            tick();
          },
        }),
      },
    });
    await sim.run({ untilMs: 200 });
    expect(lagsMs.length).toBeGreaterThanOrEqual(20);
    expect(new Set(lagsMs)).toEqual(new Set([0]));
  });
});
