import { describe, expect, it } from "vitest";
import { chatter, traced } from "../../test/tracedWorld.js";
import { ConfigError } from "../core/errors.js";
import type { FaultAction } from "../faults/FaultAction.js";
import type { TraceEvent } from "../sim/Trace.js";
import { Simulation } from "./Simulation.js";
import type { SimulationConfig, TimingConfig } from "./SimulationConfig.js";

// The `timing` setting of a world: what each model promises about message delay, read from the
// trace (each send against its deliveries), what it refuses, and that the default changes nothing.

const nodes = { a: chatter(10, 100), b: chatter(10, 100), c: chatter(10, 100) };

/** A network that loses a fifth of the messages and has a very heavy tail of delay. */
const lossyHeavyTail = {
  latency: { kind: "pareto", scaleMs: 2, shape: 0.8 },
  lossProbability: 0.2,
} as const;

interface Fate {
  sentMicros: number;
  /** Arrival time of each delivered copy. */
  deliveredMicros: number[];
  dropReason?: string;
}

/** What became of each message: when it was sent, when each copy arrived, why it was dropped. */
function fates(events: TraceEvent[]): Fate[] {
  const byId = new Map<number, Fate>();
  for (const e of events) {
    if (e.kind === "send") byId.set(e.id!, { sentMicros: e.tMicros, deliveredMicros: [] });
    else if (e.kind === "deliver") byId.get(e.id!)!.deliveredMicros.push(e.tMicros);
    else if (e.kind === "drop") byId.get(e.id!)!.dropReason = e.detail!;
  }
  return [...byId.values()];
}

const latestArrival = (f: Fate) => Math.max(...f.deliveredMicros);

describe("timing models", () => {
  it("shows that in a synchronous world, over pareto latency, 20% loss and a small switch queue, every message arrives within maxDelayMs and none is dropped", async () => {
    const { sim, events } = traced({
      seed: 7,
      nodes,
      network: {
        ...lossyHeavyTail,
        switchQueue: { capacityPackets: 2, transmissionMicrosPerPacket: 3_000 },
      },
      timing: { model: "synchronous", maxDelayMs: 20 },
    });
    await sim.run();
    const all = fates(events);
    expect(all).toHaveLength(600);
    expect(events.filter((e) => e.kind === "drop")).toEqual([]);
    for (const f of all) {
      expect(f.deliveredMicros.length).toBeGreaterThan(0);
      expect(latestArrival(f) - f.sentMicros).toBeLessThanOrEqual(20_000);
    }
    // What the network lost or its queue refused arrived at the bound, as a reliable link's retry.
    const atBound = all.filter((f) => latestArrival(f) - f.sentMicros === 20_000).length;
    expect(atBound).toBeGreaterThan(0.2 * all.length);
  });

  it("shows that the same world without a timing model drops and delays messages beyond that bound", async () => {
    const { sim, events } = traced({ seed: 7, nodes, network: lossyHeavyTail });
    await sim.run();
    const all = fates(events);
    expect(all.filter((f) => f.dropReason === "loss").length).toBeGreaterThan(0.1 * all.length);
    expect(all.some((f) => f.deliveredMicros.some((t) => t - f.sentMicros > 20_000))).toBe(true);
  });

  it("shows that a partially synchronous world does anything before GST, delivers what was in flight by GST + bound, and bounds every message sent from GST on", async () => {
    const gstMicros = 500_000;
    const faults: FaultAction[] = [
      { atMs: 100, kind: "partition", groups: [["a"], ["b", "c"]] },
      { atMs: 200, kind: "heal" },
      // Left standing at GST: from GST on the bounded network carries what it would drop.
      { atMs: 300, kind: "isolate", node: "c" },
      { atMs: 300, kind: "slow", factor: 50 },
    ];
    const { sim, events } = traced({
      seed: 7,
      nodes,
      network: lossyHeavyTail,
      faults,
      timing: { model: "partially-synchronous", gstMs: 500, maxDelayMs: 20 },
    });
    await sim.run();
    const before = fates(events).filter((f) => f.sentMicros < gstMicros);
    const after = fates(events).filter((f) => f.sentMicros >= gstMicros);
    expect(after.length).toBeGreaterThan(200);

    // Before GST: drops for loss and for the partitions, and delays far beyond the bound.
    expect(before.some((f) => f.dropReason === "loss")).toBe(true);
    expect(before.some((f) => f.dropReason === "partition")).toBe(true);
    const delivered = before.filter((f) => f.deliveredMicros.length > 0);
    expect(delivered.some((f) => latestArrival(f) - f.sentMicros > 20_000)).toBe(true);
    // ... but whatever was not dropped arrived by GST + bound.
    for (const f of delivered) expect(latestArrival(f)).toBeLessThanOrEqual(gstMicros + 20_000);

    // From GST on: nothing dropped, everything within the bound of its send.
    for (const f of after) {
      expect(f.dropReason).toBeUndefined();
      expect(latestArrival(f) - f.sentMicros).toBeLessThanOrEqual(20_000);
    }
    // GST is marked once in the trace, by the world.
    const marks = events.filter((e) => e.kind === "log" && e.node === "world");
    expect(marks).toEqual([
      expect.objectContaining({ tMicros: gstMicros, detail: expect.stringMatching(/^gst: /) }),
    ]);
  });

  it("shows that the asynchronous model is the default: the same seed gives the same trace hash with or without it", async () => {
    const config = {
      seed: 11,
      nodes,
      network: lossyHeavyTail,
      faults: [{ atMs: 50, kind: "partition-majority", minority: ["a"] }] as FaultAction[],
    };
    const without = await new Simulation(config).run();
    const asynchronous = await new Simulation({
      ...config,
      timing: { model: "asynchronous" },
    }).run();
    expect(asynchronous).toEqual(without);
  });

  it("shows that every model gives the same trace hash for the same seed twice", async () => {
    const models: TimingConfig[] = [
      { model: "asynchronous" },
      { model: "synchronous", maxDelayMs: 15 },
      { model: "partially-synchronous", gstMs: 300, maxDelayMs: 15 },
    ];
    const hashes: string[] = [];
    for (const timing of models) {
      const run = () => new Simulation({ seed: 3, nodes, network: lossyHeavyTail, timing }).run();
      const [first, second] = [await run(), await run()];
      expect(second.traceHash).toBe(first.traceHash);
      hashes.push(first.traceHash);
    }
    // The models are different worlds.
    expect(new Set(hashes).size).toBe(3);
  });
});

/** The ConfigError that building a world from `config` throws. */
function refusal(config: Partial<SimulationConfig>): ConfigError {
  try {
    new Simulation({ seed: 1, nodes: { a: () => ({}), b: () => ({}) }, ...config });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("the world was built");
}

describe("timing models: bad input", () => {
  it("refuses a timing setting that is not an object", () => {
    const e = refusal({ timing: "synchronous" as unknown as TimingConfig });
    expect(e.field).toBe("timing");
    expect(e.message).toMatch(/`timing`.*"synchronous".*model: "partially-synchronous"/);
  });

  it("refuses an unknown model, naming it and the known ones", () => {
    const e = refusal({ timing: { model: "eventual" } as unknown as TimingConfig });
    expect(e.field).toBe("timing.model");
    expect(e.message).toMatch(/`timing.model`.*"eventual".*"synchronous"/);
  });

  it("refuses a missing, negative, non-finite or sub-microsecond maxDelayMs", () => {
    for (const maxDelayMs of [undefined, -5, Number.NaN, Infinity, 0]) {
      const timing = { model: "synchronous", maxDelayMs } as unknown as TimingConfig;
      const e = refusal({ timing });
      expect(e.field).toBe("timing.maxDelayMs");
      expect(e.message).toContain(`got ${String(maxDelayMs)}`);
      expect(e.fix).toMatch(/maxDelayMs: 20/);
    }
  });

  it("refuses a missing, negative or non-finite gstMs, and accepts GST at zero", () => {
    for (const gstMs of [undefined, -1, Infinity]) {
      const timing = { model: "partially-synchronous", gstMs, maxDelayMs: 20 } as TimingConfig;
      const e = refusal({ timing });
      expect(e.field).toBe("timing.gstMs");
      expect(e.message).toContain(`got ${String(gstMs)}`);
    }
    const nodes = { a: () => ({}) };
    const timing = { model: "partially-synchronous", gstMs: 0, maxDelayMs: 20 } as const;
    expect(() => new Simulation({ seed: 1, nodes, timing })).not.toThrow();
  });

  it("refuses a setting the model does not have, and suggests a near one", () => {
    const gst = refusal({
      timing: { model: "synchronous", maxDelayMs: 20, gstMs: 100 } as TimingConfig,
    });
    expect(gst.field).toBe("timing.gstMs");
    expect(gst.message).toMatch(/`timing.gstMs`.*100.*known: model, maxDelayMs/);
    const typo = refusal({
      timing: {
        model: "partially-synchronous",
        gstMs: 1,
        maxDelayMS: 20,
      } as unknown as TimingConfig,
    });
    expect(typo.message).toMatch(/`timing.maxDelayMS`.*did you mean `maxDelayMs`/);
  });

  it("refuses a partition-type fault in a synchronous world, and allows crashes, pauses, loss and slowness", () => {
    const timing = { model: "synchronous", maxDelayMs: 20 } as const;
    const e = refusal({
      timing,
      faults: [
        { atMs: 0, kind: "crash", node: "b", recoverAfterMs: 10 },
        { atMs: 5, kind: "link-down", from: "a", to: "b" },
      ],
    });
    expect(e.field).toBe("faults[1].kind");
    expect(e.message).toMatch(/`faults\[1\].kind`.*synchronous.*got "link-down"/);
    expect(e.fix).toMatch(/before gstMs.*asynchronous/);
    const allowed: FaultAction[] = [
      { atMs: 0, kind: "crash", node: "b", recoverAfterMs: 10 },
      { atMs: 1, kind: "pause", node: "a", durationMs: 50 },
      { atMs: 2, kind: "loss", probability: 0.5 },
      { atMs: 3, kind: "slow", factor: 10 },
      { atMs: 4, kind: "heal" },
    ];
    const nodes = { a: () => ({}), b: () => ({}) };
    expect(() => new Simulation({ seed: 1, nodes, timing, faults: allowed })).not.toThrow();
  });

  it("refuses a partition-type fault at GST, and allows one a microsecond before", () => {
    const timing = { model: "partially-synchronous", gstMs: 500, maxDelayMs: 20 } as const;
    const nodes = { a: () => ({}), b: () => ({}) };
    for (const kind of ["partition-majority", "isolate"] as const) {
      const at = (atMs: number): FaultAction =>
        kind === "isolate" ? { atMs, kind, node: "a" } : { atMs, kind, minority: ["a"] };
      expect(() => new Simulation({ seed: 1, nodes, timing, faults: [at(499.999)] })).not.toThrow();
      const e = refusal({ timing, faults: [at(100), at(500)] });
      expect(e.field).toBe("faults[1].atMs");
      expect(e.message).toMatch(
        new RegExp(`before timing.gstMs \\(500\\) for a "${kind}".*got 500`),
      );
      expect(e.fix).toMatch(/schedule it before 500 ms.*asynchronous/);
    }
  });

  it("applies the same check to inject(): a partition before GST goes in, one after GST is refused", async () => {
    const sim = new Simulation({
      seed: 1,
      nodes: { a: chatter(10, 100), b: chatter(10, 100) },
      timing: { model: "partially-synchronous", gstMs: 500, maxDelayMs: 20 },
    });
    const outcomes: unknown[] = [];
    const tryInject = (action: FaultAction) => () => {
      try {
        sim.inject(action);
        outcomes.push("applied");
      } catch (error) {
        outcomes.push(error);
      }
    };
    sim.at(100, tryInject({ atMs: 0, kind: "cut", from: "a", to: "b" }));
    sim.at(600, tryInject({ atMs: 0, kind: "ring", order: ["a", "b"] }));
    sim.at(700, tryInject({ atMs: 0, kind: "crash", node: "b" }));
    await sim.run();
    expect(outcomes[0]).toBe("applied");
    const refused = outcomes[1] as ConfigError;
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused.field).toBe("inject.atMs");
    expect(refused.message).toMatch(/before timing.gstMs \(500\) for a "ring".*got 600/);
    expect(refused.fix).toMatch(/inject it before 500 ms/);
    expect(outcomes[2]).toBe("applied");
  });
});
