import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import { Simulation } from "../world/Simulation.js";
import { validateFaultSchedule, type FaultAction, type FaultKind } from "./FaultAction.js";
import { RANDOM_FAULT_KINDS, randomFaultSchedule } from "./RandomFaultSchedule.js";
import { faultUnits, shrinkFaultSchedule } from "./shrinkFaultSchedule.js";

const NODES = ["a", "b", "c", "d", "e"];

/**
 * The generator ends crashes with `recoverAfterMs`; scripted schedules often write the recovery as
 * an action of its own. This turns every other timed crash into a crash and a `recover`.
 */
function withExplicitRecovers(actions: readonly FaultAction[]): FaultAction[] {
  let crashes = 0;
  const out = actions.flatMap((a): FaultAction[] =>
    a.kind === "crash" && a.recoverAfterMs !== undefined && crashes++ % 2 === 0
      ? [
          { atMs: a.atMs, kind: "crash", node: a.node },
          { atMs: a.atMs + a.recoverAfterMs, kind: "recover", node: a.node },
        ]
      : [a],
  );
  return validateFaultSchedule(out, NODES);
}

/** A schedule drawn like a swarm run's, with explicit recoveries mixed in. */
function schedule(seed: number, kinds: readonly FaultKind[], maxActions: number): FaultAction[] {
  const drawn = randomFaultSchedule(Rng.fromSeed(seed), {
    nodes: NODES,
    durationMs: 10_000,
    kinds,
    enableAll: true,
    maxActions,
  });
  return withExplicitRecovers(drawn.actions);
}

const MIXED_KINDS: readonly FaultKind[] = [
  "partition",
  "isolate",
  "crash",
  "pause",
  "link-down",
  "loss",
  "slow",
  "clock-jump",
  "byzantine",
];

const crashOfB = (c: readonly FaultAction[]) => c.some((a) => a.kind === "crash" && a.node === "b");
const hasPartition = (c: readonly FaultAction[]) => c.some((a) => a.kind === "partition");
const count = (c: readonly FaultAction[], ok: (a: FaultAction) => boolean) => c.filter(ok).length;

describe("shrinkFaultSchedule: delta debugging over a fault and its end", () => {
  it("shows that a 40-action schedule shrinks to the two units the failure needs, deterministically", async () => {
    const input = schedule(382, MIXED_KINDS, 40);
    expect(input).toHaveLength(40);
    const fails = (c: FaultAction[]) => crashOfB(c) && hasPartition(c);
    const result = await shrinkFaultSchedule(input, fails);
    expect(result.actions.map((a) => `${a.kind} ${"node" in a ? a.node : ""}`.trim())).toEqual([
      "partition",
      "heal",
      "crash b",
      "recover b",
    ]);
    expect(result.exhausted).toBe(false);
    // 36 runs measured: 20 for ddmin over 23 units, 16 to shorten both gaps to 1 ms.
    expect(result.runs).toBeLessThanOrEqual(50);
    expect(result.actions[1]!.atMs - result.actions[0]!.atMs).toBe(1);
    expect(await shrinkFaultSchedule(input, fails)).toEqual(result);
  });

  it("shows the pairing rules: each fault with the action that ends it, the rest alone", () => {
    const actions: FaultAction[] = [
      { atMs: 0, kind: "heal" },
      { atMs: 10, kind: "cut", from: "a", to: "b" },
      { atMs: 20, kind: "link-down", from: "a", to: "b" },
      { atMs: 30, kind: "crash", node: "c" },
      { atMs: 40, kind: "crash", node: "d", recoverAfterMs: 5 },
      { atMs: 50, kind: "slow", factor: 4, from: "a", to: "b" },
      { atMs: 60, kind: "slow", factor: 3 },
      { atMs: 70, kind: "loss", probability: 0.3 },
      { atMs: 80, kind: "byzantine", node: "e", behavior: "lie" },
      { atMs: 90, kind: "pause", node: "a", durationMs: 50 },
      { atMs: 100, kind: "heal" },
      { atMs: 110, kind: "link-up", from: "b", to: "a" },
      { atMs: 120, kind: "recover", node: "c" },
      { atMs: 130, kind: "recover", node: "d" },
      { atMs: 140, kind: "slow", factor: 1 },
      { atMs: 150, kind: "slow", factor: 1, from: "a", to: "b" },
      { atMs: 160, kind: "loss", probability: 0 },
      { atMs: 170, kind: "byzantine", node: "e", behavior: "honest" },
      { atMs: 180, kind: "loss", probability: 0.1 },
      { atMs: 190, kind: "loss", probability: 0.2 },
    ];
    expect(faultUnits(actions)).toEqual([
      [0], // a heal with no fault before it
      [1, 10],
      [2, 11], // link-up names the link the other way round
      [3, 12],
      [4], // recovers by itself at 45 ms, before the recover at 130 ms
      [5, 15],
      [6, 14],
      [7, 16],
      [8, 17],
      [9],
      [13],
      [18], // the next loss raises the rate: it does not end this one
      [19],
    ]);
  });

  it("shows that a partition is never kept without its heal, nor any other fault without its end", async () => {
    const predicates: ((c: FaultAction[]) => boolean)[] = [
      (c) => c.some((a) => a.kind === "heal"),
      (c) => count(c, (a) => a.kind === "heal") >= 2,
      (c) => c.some((a) => a.kind === "heal" && a.atMs > 5_000),
      (c) => c.some((a) => a.kind === "recover") && c.some((a) => a.kind === "link-up"),
      (c) => c.some((a) => a.kind === "byzantine" && a.behavior === "honest"),
      (c) => count(c, (a) => a.kind === "isolate" || a.kind === "partition") >= 2,
    ];
    let checked = 0;
    for (let seed = 0; seed < 8; seed++) {
      const input = schedule(seed, MIXED_KINDS, 40);
      for (const fails of predicates) {
        if (!fails(input)) continue;
        const { actions } = await shrinkFaultSchedule(input, fails);
        const openers = count(actions, (a) => a.kind === "partition" || a.kind === "isolate");
        expect(openers).toBe(count(actions, (a) => a.kind === "heal"));
        expect(count(actions, (a) => a.kind === "link-down")).toBe(
          count(actions, (a) => a.kind === "link-up"),
        );
        expect(count(actions, (a) => a.kind === "crash" && a.recoverAfterMs === undefined)).toBe(
          count(actions, (a) => a.kind === "recover"),
        );
        expect(count(actions, (a) => a.kind === "byzantine" && a.behavior !== "honest")).toBe(
          count(actions, (a) => a.kind === "byzantine" && a.behavior === "honest"),
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it("shows that the result still fails, is a sub-list of the input and is 1-minimal unless exhausted", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 2, max: 40 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(3, 20, 500),
        async (seed, maxActions, picks, maxRuns) => {
          const input = schedule(seed, RANDOM_FAULT_KINDS, maxActions);
          // The culprits: a few actions that must all be present, each exactly as in the input.
          const culprits = picks.map((p) => JSON.stringify(input[p % input.length]));
          const fails = (c: readonly FaultAction[]) => {
            const present = new Set(c.map((a) => JSON.stringify(a)));
            return culprits.every((k) => present.has(k));
          };
          const result = await shrinkFaultSchedule(input, fails, { maxRuns });
          const { actions } = result;
          expect(fails(actions)).toBe(true);
          expect(result.runs).toBeLessThanOrEqual(maxRuns);
          expect(actions.map((a) => a.atMs)).toEqual(
            actions.map((a) => a.atMs).sort((x, y) => x - y),
          );
          expectShortenedSubList(actions, input);
          if (result.exhausted) return;
          for (const unit of faultUnits(actions)) {
            expect(fails(actions.filter((_, i) => !unit.includes(i)))).toBe(false);
          }
        },
      ),
    );
  });

  it("shows that durations are halved while the run still fails: a 5,000 ms pause to [300, 600) ms", async () => {
    const input: FaultAction[] = [
      { atMs: 100, kind: "pause", node: "a", durationMs: 120 },
      { atMs: 200, kind: "crash", node: "b", recoverAfterMs: 900 },
      { atMs: 300, kind: "pause", node: "c", durationMs: 5_000 },
      { atMs: 400, kind: "pause", node: "d", durationMs: 250 },
    ];
    const fails = (c: FaultAction[]) => c.some((a) => a.kind === "pause" && a.durationMs >= 300);
    const { actions, exhausted } = await shrinkFaultSchedule(input, fails);
    expect(exhausted).toBe(false);
    expect(actions).toHaveLength(1);
    const pause = actions[0]!;
    expect(pause.kind === "pause" && pause.node).toBe("c");
    expect(pause.kind === "pause" && pause.durationMs).toBeGreaterThanOrEqual(300);
    expect(pause.kind === "pause" && pause.durationMs).toBeLessThan(600);
  });

  it("shows that a crash's downtime and the time from a fault to its end shrink the same way", async () => {
    const input: FaultAction[] = [
      { atMs: 100, kind: "crash", node: "a", recoverAfterMs: 4_000 },
      { atMs: 200, kind: "partition", groups: [["a"], ["b", "c"]] },
      { atMs: 3_200, kind: "heal" },
    ];
    const fails = (c: FaultAction[]) =>
      c.some((a) => a.kind === "crash" && (a.recoverAfterMs ?? Infinity) >= 500) &&
      c.some((a) => a.kind === "heal" && a.atMs - 200 >= 300);
    const { actions } = await shrinkFaultSchedule(input, fails);
    expect(actions).toEqual([
      { atMs: 100, kind: "crash", node: "a", recoverAfterMs: 500 },
      { atMs: 200, kind: "partition", groups: [["a"], ["b", "c"]] },
      { atMs: 575, kind: "heal" },
    ]);
    // The input was copied, not shortened in place.
    expect(input[0]).toEqual({ atMs: 100, kind: "crash", node: "a", recoverAfterMs: 4_000 });
  });

  it("shows that a failure that needs no fault shrinks to the empty schedule in two runs", async () => {
    const result = await shrinkFaultSchedule(schedule(1, MIXED_KINDS, 40), () => true);
    expect(result).toEqual({ actions: [], runs: 2, exhausted: false });
  });

  it("shows that a spent budget stops the shrinker with a schedule that still fails", async () => {
    const input = schedule(382, MIXED_KINDS, 40);
    const fails = async (c: FaultAction[]) => crashOfB(c) && hasPartition(c);
    const result = await shrinkFaultSchedule(input, fails, { maxRuns: 5 });
    expect(result.exhausted).toBe(true);
    expect(result.runs).toBe(5);
    expect(await fails(result.actions)).toBe(true);
    expect(result.actions.length).toBeLessThan(input.length);
  });

  it("shows that a world whose monitor misses three heartbeats shrinks to one fault that still breaks it", async () => {
    // Find the first seed whose random schedule breaks the world, as a seed sweep would.
    let seed = 1;
    let input: FaultAction[] = [];
    for (; seed <= 50; seed++) {
      input = heartbeatSchedule(seed);
      if (await missesThreeBeats(seed, input)) break;
    }
    expect(seed).toBeLessThanOrEqual(50);
    expect(await missesThreeBeats(seed, [])).toBe(false);

    const result = await shrinkFaultSchedule(input, (c) => missesThreeBeats(seed, c));
    expect(result.exhausted).toBe(false);
    expect(input.length).toBeGreaterThanOrEqual(10);
    expect(faultUnits(result.actions)).toHaveLength(1);
    expect(result.actions.length).toBeLessThanOrEqual(2);
    // The minimal schedule replays as a scripted one and still breaks the world.
    expect(await missesThreeBeats(seed, result.actions)).toBe(true);
  });

  it("rejects a bad budget and a schedule that passes with the field, the value and the fix", async () => {
    const input = schedule(382, MIXED_KINDS, 40);
    for (const maxRuns of [0, -1, 2.5, Number.NaN]) {
      await expect(shrinkFaultSchedule(input, () => true, { maxRuns })).rejects.toThrow(
        ConfigError,
      );
      await expect(shrinkFaultSchedule(input, () => true, { maxRuns })).rejects.toMatchObject({
        field: "shrink.maxRuns",
      });
    }
    let runs = 0;
    const passes = () => {
      runs++;
      return false;
    };
    await expect(shrinkFaultSchedule(input, passes)).rejects.toMatchObject({
      code: "E_CONFIG",
      field: "shrink.actions",
      message: expect.stringContaining("passed, so there is nothing to shrink"),
    });
    expect(runs).toBe(1);
    await expect(shrinkFaultSchedule("[]" as never, () => true)).rejects.toThrow(ConfigError);
  });
});

/**
 * Every action of `result` is a distinct action of `input` with the same kind and targets, at the
 * same time or earlier (a closer moved towards its fault) and no longer (a shortened duration).
 */
function expectShortenedSubList(result: readonly FaultAction[], input: readonly FaultAction[]) {
  const shape = (a: FaultAction) =>
    JSON.stringify({ ...a, atMs: 0, durationMs: undefined, recoverAfterMs: undefined });
  const lengthOf = (a: FaultAction) =>
    a.kind === "pause" ? a.durationMs : a.kind === "crash" ? (a.recoverAfterMs ?? -1) : 0;
  const used = new Set<number>();
  for (const r of result) {
    const i = input.findIndex(
      (a, j) =>
        !used.has(j) && shape(a) === shape(r) && r.atMs <= a.atMs && lengthOf(r) <= lengthOf(a),
    );
    expect(i, `${JSON.stringify(r)} is not in the input`).toBeGreaterThanOrEqual(0);
    used.add(i);
  }
}

// --- A small world for the end-to-end test ------------------------------------------------------
// Node a heartbeats b every 100 ms; b checks every 100 ms and fails the run once it has missed
// three beats in a row. c only stands by, so that partitions have a third side.

const WORLD = ["a", "b", "c"];
const WORLD_MS = 3_000;

function heartbeatSchedule(seed: number): FaultAction[] {
  const rng = Rng.fromSeed(seed).derive("faults");
  return randomFaultSchedule(rng, { nodes: WORLD, durationMs: WORLD_MS }).actions;
}

async function missesThreeBeats(seed: number, faults: FaultAction[]): Promise<boolean> {
  let failed = false;
  const sim = new Simulation({
    seed,
    nodes: {
      a: (ctx) => {
        const beat = (): void => {
          ctx.send("b", "beat");
          ctx.setTimer(100, beat);
        };
        return { onStart: beat };
      },
      b: (ctx) => {
        let heard = false;
        let missed = 0;
        const check = (): void => {
          missed = heard ? 0 : missed + 1;
          heard = false;
          if (missed >= 3) failed = true;
          ctx.setTimer(100, check);
        };
        return {
          onStart: () => void ctx.setTimer(150, check),
          onMessage: () => void (heard = true),
        };
      },
      c: () => ({}),
    },
    faults,
  });
  await sim.run({ untilMs: WORLD_MS });
  return failed;
}
