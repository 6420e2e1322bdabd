// Fuzzes `new Simulation(config)` and its run: a working world's config with a few fields set to
// hostile values (wrong types, NaN, infinities, negative, huge, misspelt keys, unknown node ids,
// empty and repeated lists) anywhere in it, faults included. Every config is built or refused with
// a ConfigError; every built world runs, under small limits, to a result or a typed error.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import type { NodeFactory } from "../../src/sim/NodeApi.js";
import { Simulation } from "../../src/world/Simulation.js";
import type { SimulationConfig } from "../../src/world/SimulationConfig.js";
import { fuzzRuns, tally, typedOutcome, typedOutcomeAsync } from "./fuzzRuns.js";

const RUNS = fuzzRuns(200);

const pinger: NodeFactory = (ctx) => ({
  onStart: async () => {
    for (let i = 0; i < 5; i++) {
      try {
        await ctx.request(ctx.peers[0]!, i, { timeoutMs: 5 });
      } catch {
        // A lost request: go on.
      }
      await ctx.sleep(1);
    }
  },
  onMessage: (m) => {
    if (m.requestId !== undefined) ctx.reply(m, m.body);
  },
});

/** A world that works, as plain data (factories aside), with every kind of setting in it. */
function baseConfig(): Record<string, unknown> {
  return {
    seed: 1,
    nodes: [
      { id: "a", factory: pinger, clock: { driftPpm: 10 } },
      { id: "b", factory: pinger, storage: { crashPolicy: "random-prefix" } },
      { id: "c", factory: pinger },
    ],
    network: {
      latency: { kind: "uniform", minMs: 1, maxMs: 3 },
      lossProbability: 0.1,
      links: [{ from: "a", to: "b", lossProbability: 0.2 }],
    },
    clocks: { driftPpmMax: 50, ntp: { intervalMs: 10, errorMs: 1 } },
    faults: [
      { atMs: 2, kind: "partition", groups: [["a"], ["b", "c"]] },
      { atMs: 4, kind: "heal" },
      { atMs: 5, kind: "pause", node: "b", durationMs: 3 },
      { atMs: 6, kind: "crash", node: "c", recoverAfterMs: 2 },
      { atMs: 7, kind: "ring", order: ["a", "b", "c"] },
      { atMs: 8, kind: "clock-jump", node: "a", deltaMs: -5 },
      { atMs: 9, kind: "byzantine", node: "b", behavior: "corrupt" },
    ],
    limits: { maxEvents: 20_000, maxQueuedEvents: 10_000 },
    trace: { keepLast: 10 },
  };
}

const HOSTILE: unknown[] = [
  undefined,
  null,
  NaN,
  Infinity,
  -Infinity,
  -1,
  0,
  0.0001,
  1e300,
  2 ** 53,
  "",
  "a",
  "zz",
  "b",
  [],
  [[]],
  ["a", "a"],
  [["a"], ["a"]],
  {},
  { lossProbabilty: 0.5 },
  true,
  () => 5,
  () => Promise.resolve({}),
  "equivocate",
  "liar",
  "random-prefix",
  "asynchronous",
];

/** Every path to a value inside `data`, functions included as leaves. */
function paths(data: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (data === null || typeof data !== "object") return [prefix];
  const keys = Array.isArray(data) ? data.map((_, i) => i) : Object.keys(data);
  return [
    prefix,
    ...keys.flatMap((k) => paths((data as Record<string, unknown>)[k], [...prefix, k])),
  ];
}

type ConfigEdit = { path: number; value: unknown; add: boolean; key: string };
const configEdit: fc.Arbitrary<ConfigEdit> = fc.record({
  path: fc.nat(),
  value: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
    // Values that are often valid somewhere, so that many worlds build and run.
    {
      weight: 4,
      arbitrary: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom("a", "b", "c", 0.5)),
    },
  ),
  add: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  key: fc.constantFrom("extra", "atMS", "nodeId", "durationMS", "sink", "keepLast", "__proto__"),
});

function edited(edits: readonly ConfigEdit[]): Record<string, unknown> {
  const config = baseConfig();
  for (const edit of edits) {
    const all = paths(config).filter((p) => p.length > 0);
    const path = all[edit.path % all.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as never)[k], config) as Record<
      string | number,
      unknown
    >;
    if (edit.add && !Array.isArray(parent)) {
      Object.defineProperty(parent, edit.key, {
        value: edit.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else parent[path[path.length - 1]!] = edit.value;
  }
  return config;
}

describe("fuzz: new Simulation(config)", () => {
  it("shows that the base world builds and runs", async () => {
    const result = await new Simulation(baseConfig() as unknown as SimulationConfig).run({
      untilMs: 200,
    });
    expect(result.events).toBeGreaterThan(0);
  });

  it("shows that every hostile config is built or refused with a ConfigError, and every run ends typed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(configEdit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const config = edited(edits);
        const sim = typedOutcome("simulation config", () => new Simulation(config as never));
        if (!(sim instanceof Simulation)) {
          expect(sim).toBeInstanceOf(ConfigError);
          return;
        }
        tally("simulation config", "built");
        const result = await typedOutcomeAsync("simulation run", () => sim.run({ untilMs: 200 }));
        if ("stopReason" in result) tally("simulation run", `ended ${result.stopReason}`);
      }),
      { numRuns: RUNS },
    );
  });
});
