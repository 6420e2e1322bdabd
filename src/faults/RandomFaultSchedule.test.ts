import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import { validateFaultSchedule, type FaultAction } from "./FaultAction.js";
import {
  DEFAULT_RANDOM_FAULT_KINDS,
  describeActions,
  describeSchedule,
  faultEndMs,
  randomFaultSchedule,
  type RandomFaultScheduleOptions,
} from "./RandomFaultSchedule.js";

const nodes = ["n1", "n2", "n3", "n4", "n5"];
const base: RandomFaultScheduleOptions = { nodes, durationMs: 10_000 };
const draw = (seed: number, options: Partial<RandomFaultScheduleOptions> = {}) =>
  randomFaultSchedule(Rng.fromSeed(seed), { ...base, ...options });

/** Every node an action names. */
function namedNodes(a: FaultAction): string[] {
  switch (a.kind) {
    case "partition":
      return a.groups.flat();
    case "partition-majority":
      return a.minority;
    case "ring":
      return a.order;
    case "cut":
    case "link-down":
    case "link-up":
      return [a.from, a.to];
    case "slow":
      return a.from !== undefined ? [a.from, a.to!] : [];
    case "heal":
    case "loss":
    case "duplicate":
      return [];
    default:
      return [a.node];
  }
}

describe("randomFaultSchedule: swarm-style schedules from the seed", () => {
  it("shows that the same seed gives an identical schedule and does not advance the rng", () => {
    const rng = Rng.fromSeed(42);
    const first = randomFaultSchedule(rng, base);
    const again = randomFaultSchedule(Rng.fromSeed(42), base);
    expect(again).toEqual(first);
    expect(randomFaultSchedule(rng, base)).toEqual(first);
    expect(first.actions.length).toBeGreaterThan(0);
  });

  it("shows that different seeds switch on different subsets of the menu at different intensities", () => {
    const subsets = new Set<string>();
    const intensities = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      const s = draw(seed);
      expect(s.enabledKinds.length).toBeGreaterThan(0);
      expect(s.intensity).toBeGreaterThan(0);
      expect(s.intensity).toBeLessThanOrEqual(1);
      for (const k of s.enabledKinds) expect(DEFAULT_RANDOM_FAULT_KINDS).toContain(k);
      subsets.add(s.enabledKinds.join(","));
      intensities.add(s.intensity);
    }
    expect(subsets.size).toBeGreaterThan(40);
    expect(intensities.size).toBeGreaterThan(40);
  });

  it("shows that the default menu holds network, process and clock faults but no Byzantine ones", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 100; seed++) for (const a of draw(seed).actions) seen.add(a.kind);
    expect(seen).not.toContain("byzantine");
    for (const k of ["partition", "pause", "crash", "clock-jump", "loss", "slow", "heal"])
      expect(seen).toContain(k);
  });

  it("shows that every generated schedule validates and is already in validated (time) order", () => {
    for (let seed = 0; seed < 200; seed++) {
      const { actions } = draw(seed, {
        kinds: [...DEFAULT_RANDOM_FAULT_KINDS, "byzantine"],
        allowCrashStop: true,
      });
      expect(validateFaultSchedule(actions, nodes)).toEqual(actions);
    }
  });

  it("shows that every fault with an end gets one: heals, link-ups, baseline rates, factor 1, honesty", () => {
    for (let seed = 0; seed < 100; seed++) {
      const { actions } = draw(seed, {
        kinds: [...DEFAULT_RANDOM_FAULT_KINDS, "byzantine"],
        enableAll: true,
        baselineLossProbability: 0.01,
      });
      const last = <K extends FaultAction["kind"]>(kind: K) =>
        actions.filter((a): a is Extract<FaultAction, { kind: K }> => a.kind === kind).at(-1);
      const partitions = actions.filter((a) =>
        ["partition", "partition-majority", "cut", "isolate", "ring"].includes(a.kind),
      ).length;
      expect(actions.filter((a) => a.kind === "heal")).toHaveLength(partitions);
      expect(actions.filter((a) => a.kind === "link-up")).toHaveLength(
        actions.filter((a) => a.kind === "link-down").length,
      );
      if (last("loss")) expect(last("loss")!.probability).toBe(0.01);
      if (last("duplicate")) expect(last("duplicate")!.probability).toBe(0);
      if (last("slow")) expect(last("slow")!.factor).toBe(1);
      for (const a of actions) if (a.kind === "crash") expect(a.recoverAfterMs).toBeDefined();
      const liars = new Map<string, string>();
      for (const a of actions) if (a.kind === "byzantine") liars.set(a.node, a.behavior);
      for (const behavior of liars.values()) expect(behavior).toBe("honest");
    }
  });

  it("shows that crash-stop appears only when allowed and always leaves a majority running", () => {
    let stops = 0;
    for (let seed = 0; seed < 300; seed++) {
      const { actions } = draw(seed, { kinds: ["crash"], intensity: 1, allowCrashStop: true });
      const stopped = actions.filter((a) => a.kind === "crash" && a.recoverAfterMs === undefined);
      expect(stopped.length).toBeLessThanOrEqual(2);
      for (const s of stopped) {
        const node = (s as { node: string }).node;
        expect(actions.filter((a) => "node" in a && a.node === node && a.atMs > s.atMs)).toEqual(
          [],
        );
      }
      stops += stopped.length;
    }
    expect(stops).toBeGreaterThan(0);
  });

  it("shows that intensity scales how many faults a schedule holds", () => {
    const count = (intensity: number) => {
      let n = 0;
      for (let seed = 0; seed < 50; seed++)
        n += draw(seed, { intensity, enableAll: true }).actions.length;
      return n;
    };
    expect(count(1)).toBeGreaterThan(2 * count(0.05));
  });

  it("shows that maxActions bounds the schedule and the quiet tail stays free of faults", () => {
    for (let seed = 0; seed < 50; seed++) {
      const s = draw(seed, { maxActions: 7, enableAll: true, intensity: 1, quietTailMs: 3_000 });
      expect(s.actions.length).toBeLessThanOrEqual(7);
      for (const a of s.actions) expect(faultEndMs(a)).toBeLessThanOrEqual(7_000);
    }
  });

  it("shows that a one-node world gets no faults between nodes and a menu of only those is refused", () => {
    const s = randomFaultSchedule(Rng.fromSeed(1), {
      nodes: ["solo"],
      durationMs: 1_000,
      enableAll: true,
    });
    expect(s.enabledKinds).toEqual([
      "loss",
      "duplicate",
      "pause",
      "crash",
      "clock-jump",
      "clock-drift",
    ]);
    expect(() =>
      randomFaultSchedule(Rng.fromSeed(1), { nodes: ["solo"], durationMs: 1, kinds: ["ring"] }),
    ).toThrow(ConfigError);
  });

  it("rejects invalid options with the field, the value and the fix", () => {
    const rng = Rng.fromSeed(1);
    expect(() => randomFaultSchedule(rng, { nodes: [], durationMs: 1 })).toThrow(
      /randomFaults\.nodes/,
    );
    expect(() => randomFaultSchedule(rng, { nodes, durationMs: -5 })).toThrow(
      /randomFaults\.durationMs.*-5/,
    );
    expect(() => randomFaultSchedule(rng, { nodes, durationMs: 10, kinds: ["heal"] })).toThrow(
      /randomFaults\.kinds\[0\].*"heal".*generated as the ends/,
    );
    expect(() => randomFaultSchedule(rng, { nodes, durationMs: 10, intensity: 0 })).toThrow(
      /randomFaults\.intensity/,
    );
    expect(() => randomFaultSchedule(rng, { nodes, durationMs: 10, maxActions: 0.5 })).toThrow(
      /randomFaults\.maxActions/,
    );
    expect(() => randomFaultSchedule(rng, { nodes, durationMs: 10, quietTailMs: 10 })).toThrow(
      /randomFaults\.quietTailMs/,
    );
  });

  it("describes a schedule in one line for tables and one line per action", () => {
    const s = draw(7);
    expect(describeSchedule(s)).toBe(
      `${s.enabledKinds.join(",")} @${s.intensity.toFixed(2)} (${s.actions.length} actions)`,
    );
    const lines = describeActions(s.actions);
    expect(lines).toHaveLength(s.actions.length);
    expect(lines[0]).toMatch(/^\d+ms \S/);
  });
});

describe("randomFaultSchedule: laws over many seeds", () => {
  it("keeps every action and every effect's end within [0, durationMs] and names only given nodes", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.boolean(),
        (seed, nodeCount, durationMs, allowCrashStop) => {
          const ids = Array.from({ length: nodeCount }, (_, i) => `node-${i}`);
          const { actions } = randomFaultSchedule(Rng.fromSeed(seed), {
            nodes: ids,
            durationMs,
            kinds: [...DEFAULT_RANDOM_FAULT_KINDS, "byzantine"],
            allowCrashStop,
          });
          expect(actions.length).toBeLessThanOrEqual(100);
          for (const a of actions) {
            expect(a.atMs).toBeGreaterThanOrEqual(0);
            expect(faultEndMs(a)).toBeLessThanOrEqual(durationMs);
            for (const id of namedNodes(a)) expect(ids).toContain(id);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
