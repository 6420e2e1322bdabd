// Worlds built or run with hostile input: every invalid config is refused when the simulation is
// built, with a ConfigError naming the field, and every run ends in a result or a typed error.
import { describe, expect, it } from "vitest";
import { ConfigError, MurphyError } from "../core/errors.js";
import { EventQueueOverflowError } from "../sim/EventQueue.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import { NodeFailureError } from "../sim/RunResult.js";
import { Simulation } from "./Simulation.js";
import type { SimulationConfig } from "./SimulationConfig.js";

const idle: NodeFactory = () => ({});
const nodes = { a: idle, b: idle, c: idle };

function refusal(config: Partial<SimulationConfig> | Record<string, unknown>): ConfigError {
  try {
    new Simulation({ seed: 1, nodes, ...config } as SimulationConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("the config was accepted");
}

describe("new Simulation(config): deep validation", () => {
  it("shows that fault actions refuse misspelt keys, naming the action and suggesting the key", () => {
    const e = refusal({ faults: [{ atMs: 1, kind: "pause", node: "a", durationMS: 5 }] });
    expect(e.field).toBe("faults[0].durationMS");
    expect(e.message).toMatch(/did you mean `durationMs`/);
    expect(refusal({ faults: [{ atMs: 1, kind: "heal", node: "a" }] }).field).toBe(
      "faults[0].node",
    );
  });

  it("shows that partitions refuse empty, overlapping and repeated groups, and self-links", () => {
    const fault = (extra: Record<string, unknown>) => refusal({ faults: [{ atMs: 1, ...extra }] });
    expect(fault({ kind: "partition", groups: [] }).field).toBe("faults[0].groups");
    expect(fault({ kind: "partition", groups: [["a"], []] }).field).toBe("faults[0].groups[1]");
    const overlap = fault({
      kind: "partition",
      groups: [
        ["a", "b"],
        ["b", "c"],
      ],
    });
    expect(overlap.field).toBe("faults[0].groups[1][0]");
    expect(overlap.message).toMatch(/a node in no other group \(it is in groups\[0\]\)/);
    expect(fault({ kind: "ring", order: ["a", "b", "a"] }).field).toBe("faults[0].order[2]");
    expect(fault({ kind: "ring", order: ["a"] }).message).toMatch(/at least two nodes/);
    expect(fault({ kind: "cut", from: "a", to: "a" }).message).toMatch(/a node other than `from`/);
    expect(fault({ kind: "slow", factor: 2, from: "b", to: "b" }).field).toBe("faults[0].to");
    expect(fault({ kind: "partition-majority", minority: [] }).field).toBe("faults[0].minority");
    expect(fault({ kind: "crash", node: "a", recoverAfterMs: 1e300 }).message).toMatch(/2\^53 µs/);
  });

  it("shows that nodes, adversaries and the trace are checked when the world is built", () => {
    const byzantine = refusal({
      nodes: [
        { id: "a", factory: idle, byzantine: "liar" },
      ] as unknown as SimulationConfig["nodes"],
    });
    expect(byzantine.field).toBe("nodes[0].byzantine");
    expect(byzantine.message).toMatch(/"equivocate"/);
    expect(
      refusal({
        nodes: [{ id: "a", factory: idle, mutate: 3 }] as unknown as SimulationConfig["nodes"],
      }).field,
    ).toBe("nodes[0].mutate");
    expect(refusal({ nodes: [null] as unknown as SimulationConfig["nodes"] }).field).toBe(
      "nodes[0]",
    );
    expect(refusal({ nodes: 7 as unknown as SimulationConfig["nodes"] }).field).toBe("nodes");
    expect(refusal({ trace: { sink: "stdout" } as never }).field).toBe("trace.sink");
    expect(refusal({ trace: { keepLast: -1 } }).field).toBe("trace.keepLast");
    expect(refusal({ trace: { keepLast: NaN } }).field).toBe("trace.keepLast");
    expect(refusal({ trace: null } as never).field).toBe("trace");
    expect(refusal({ network: { links: {} } } as never).field).toBe("network.links");
    expect(() => new Simulation(null as never)).toThrow(ConfigError);
  });

  it("shows that an NTP interval that rounds to 0 µs is refused: time could never advance", () => {
    const e = refusal({ clocks: { ntp: { intervalMs: 0.0004, errorMs: 1 } } });
    expect(e.field).toBe("clocks.ntp.intervalMs");
    expect(e.message).toMatch(/at least 0.001/);
    expect(
      () => new Simulation({ seed: 1, nodes, clocks: { ntp: { intervalMs: 0.001, errorMs: 1 } } }),
    ).not.toThrow();
  });
});

describe("running a hostile world", () => {
  it("shows that a factory returning a non-object fails the run with a ConfigError naming it", async () => {
    for (const bad of [5, "x", Promise.resolve({}), { onMessage: 3 }]) {
      const sim = new Simulation({ seed: 1, nodes: { a: (() => bad) as unknown as NodeFactory } });
      const error = await sim.run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe('nodes[0].factory (node "a")');
    }
  });

  it("shows that messages parked at a paused node count toward maxQueuedEvents: a typed overflow", async () => {
    const flood: NodeFactory = (ctx) => {
      const send = () => {
        for (let i = 0; i < 50; i++) ctx.send("sink", i);
        ctx.setTimer(1, send);
      };
      return { onStart: send };
    };
    const sim = new Simulation({
      seed: 1,
      nodes: { flood, sink: idle },
      network: { latency: { kind: "constant", ms: 1 } },
      faults: [{ atMs: 0, kind: "pause", node: "sink", durationMs: 1_000_000 }],
      limits: { maxQueuedEvents: 5_000 },
    });
    const error = await sim.run({ untilMs: 10_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventQueueOverflowError);
    expect((error as EventQueueOverflowError).parked).toBeGreaterThan(4_000);
    expect((error as Error).message).toMatch(/of them parked at paused nodes/);
  });

  it("shows that a request left detached that times out fails the run naming node, time and seed", async () => {
    const caller: NodeFactory = (ctx) => ({
      onStart: () => {
        void ctx.sleep(1).then(() => {
          // Detached: nobody awaits or catches this request's timeout.
          void ctx.request("silent", "ping", { timeoutMs: 10 });
        });
      },
    });
    const sim = new Simulation({ seed: 7, nodes: { caller, silent: idle } });
    const error = await sim.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NodeFailureError);
    const failure = error as NodeFailureError;
    expect(failure.node).toBe("caller");
    expect(failure.timeMicros).toBe(11_000);
    expect(failure.how).toBe("detached");
    expect(failure.message).toMatch(
      /node caller left a promise rejected with no handler at 11\.000 ms \(seed 0x0000000000000007\)/,
    );
  });

  it("shows that a node's own detached rejection fails the run with a typed error and the seed", async () => {
    const thrower: NodeFactory = () => ({
      onStart: () => {
        void Promise.reject(new Error("forgotten"));
      },
    });
    const error = await new Simulation({ seed: 3, nodes: { thrower } }).run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NodeFailureError);
    expect((error as MurphyError).message).toMatch(
      /a node left a promise rejected with no handler \(seen when the run ended at 0\.000 ms, seed 0x0000000000000003\): forgotten/,
    );
  });

  it("shows that a rejection caught later is not reported", async () => {
    const late: NodeFactory = (ctx) => ({
      onStart: async () => {
        const request = ctx.request("silent", "ping", { timeoutMs: 1 });
        await ctx.sleep(5);
        await request.catch(() => undefined);
      },
    });
    const result = await new Simulation({ seed: 1, nodes: { late, silent: idle } }).run();
    expect(result.stopReason).toBe("quiescent");
  });
});
