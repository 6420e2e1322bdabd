// Bugs found by review, each pinned by the smallest world that showed it. Every test names the
// rule it keeps.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { validateFaultSchedule } from "../faults/FaultAction.js";
import { Simulation } from "./Simulation.js";

describe("pauses", () => {
  it("shows that timers overdue during a pause fire in deadline order on resume, the one due at the resume instant last", async () => {
    const fired: string[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: {
        a: (ctx) => ({
          onStart() {
            ctx.setTimer(50, () => void fired.push("A@50"));
            ctx.setTimer(100, () => void fired.push("B@100"));
          },
        }),
      },
      faults: [{ atMs: 10, kind: "pause", node: "a", durationMs: 90 }],
    });
    await sim.run();
    expect(fired).toEqual(["A@50", "B@100"]);
  });

  it("shows that a link with constant latency stays FIFO across the receiver's pause", async () => {
    const got: number[] = [];
    const sim = new Simulation({
      seed: 1,
      network: { latency: { kind: "constant", ms: 5 } },
      nodes: {
        s: (ctx) => ({
          onStart() {
            ctx.send("r", 1);
            ctx.setTimer(45, () => ctx.send("r", 2)); // arrives at 50 ms, the resume instant
          },
        }),
        r: () => ({ onMessage: (m) => void got.push(m.body as number) }),
      },
      faults: [{ atMs: 1, kind: "pause", node: "r", durationMs: 49 }],
    });
    await sim.run();
    expect(got).toEqual([1, 2]);
  });
});

describe("network faults", () => {
  it("shows that a loss fault reaches a link configured only for its latency", async () => {
    let got = 0;
    const sim = new Simulation({
      seed: 1,
      network: { links: [{ from: "s", to: "r", latency: { kind: "constant", ms: 1 } }] },
      nodes: {
        s: (ctx) => ({ onStart: () => void ctx.setTimer(10, () => ctx.send("r", 1)) }),
        r: () => ({ onMessage: () => void got++ }),
      },
      faults: [{ atMs: 0, kind: "loss", probability: 1 }],
    });
    await sim.run();
    expect(got).toBe(0);
  });

  it("shows that a link slowed and restored (factor 1) follows later network-wide slowness", async () => {
    const at: number[] = [];
    const sim = new Simulation({
      seed: 1,
      network: { latency: { kind: "constant", ms: 1 } },
      nodes: {
        s: (ctx) => ({ onStart: () => void ctx.setTimer(10, () => ctx.send("r", 1)) }),
        r: () => ({ onMessage: () => void at.push(sim.now) }),
      },
      faults: [
        { atMs: 1, kind: "slow", factor: 5, from: "s", to: "r" },
        { atMs: 2, kind: "slow", factor: 1, from: "s", to: "r" },
        { atMs: 3, kind: "slow", factor: 10 },
      ],
    });
    await sim.run();
    expect(at).toEqual([20_000]); // sent at 10 ms; 1 ms x 10
  });
});

describe("time", () => {
  it("shows that a hook cannot be scheduled in the past: virtual time never goes back", async () => {
    const sim = new Simulation({ seed: 1, nodes: { a: () => ({}) } });
    let error: unknown;
    sim.at(10, () => {
      try {
        sim.at(5, () => {});
      } catch (e) {
        error = e;
      }
    });
    await sim.run();
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/at\.atMs.*at or after now \(10 ms\)/);
  });

  it("shows that a timer never fires before its delay on the node's own monotonic clock", async () => {
    let elapsedMs = -1;
    const sim = new Simulation({
      seed: 1,
      nodes: [
        {
          id: "a",
          clock: { driftPpm: 100 },
          factory: (ctx) => ({
            onStart() {
              const t0 = ctx.clock.monotonicMs();
              ctx.setTimer(10, () => void (elapsedMs = ctx.clock.monotonicMs() - t0));
            },
          }),
        },
      ],
    });
    await sim.run();
    expect(elapsedMs).toBeGreaterThanOrEqual(10);
    expect(elapsedMs).toBeLessThan(10.002); // and not more than a microsecond of rounding late
  });
});

describe("requests", () => {
  it("shows that an infinite request timeout is refused like an infinite timer", async () => {
    let error: unknown;
    const sim = new Simulation({
      seed: 1,
      nodes: {
        c: (ctx) => ({
          async onStart() {
            try {
              await ctx.request("s", 1, { timeoutMs: Infinity });
            } catch (e) {
              error = e;
            }
          },
        }),
        s: () => ({}),
      },
    });
    const result = await sim.run();
    expect(error).toBeInstanceOf(ConfigError);
    expect(Number.isFinite(result.endMicros)).toBe(true);
  });

  it("shows that a request to an unknown node fails at once and leaves no timeout behind", async () => {
    let error: unknown;
    const sim = new Simulation({
      seed: 1,
      nodes: {
        c: (ctx) => ({
          async onStart() {
            try {
              await ctx.request("nope", 1, { timeoutMs: 10 });
            } catch (e) {
              error = e;
            }
          },
        }),
      },
    });
    const result = await sim.run();
    expect(String(error)).toMatch(/request\.to.*"nope"/);
    expect(result.endMicros).toBe(0); // no timeout event was ever scheduled
  });
});

describe("validation", () => {
  it("shows that clock faults and NTP settings beyond ±10% drift are refused when the world is built", () => {
    expect(() =>
      validateFaultSchedule([{ atMs: 1, kind: "clock-drift", node: "a", driftPpm: 2e6 }], ["a"]),
    ).toThrow(/driftPpm/);
    expect(
      () =>
        new Simulation({
          seed: 1,
          nodes: { a: () => ({}) },
          clocks: { ntp: { intervalMs: 1000, errorMs: 1, slewRatePpm: 2e6 } },
        }),
    ).toThrow(/slewRatePpm/);
  });
});

describe("trace hash", () => {
  it("shows that message bodies holding a Map or a Set are hashed by their contents", async () => {
    const hashOf = async (body: unknown) => {
      const sim = new Simulation({
        seed: 1,
        nodes: { a: (ctx) => ({ onStart: () => ctx.send("b", body) }), b: () => ({}) },
      });
      return (await sim.run()).traceHash;
    };
    expect(await hashOf(new Map([["k", 1]]))).not.toBe(await hashOf(new Map([["k", 2]])));
    expect(await hashOf(new Set([1]))).not.toBe(await hashOf(new Set([2])));
    expect(await hashOf(new Map([["k", 1]]))).toBe(await hashOf(new Map([["k", 1]])));
  });
});
