// Shows that the nemesis is fault data drawn from the seed: episodes one at a time, each healed
// before the next and all before the workload ends, partitions as cuts between nodes only.
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/Rng.js";
import { validateFaultSchedule } from "../../faults/FaultAction.js";
import { cutsBetween, nemesisSchedule, restartsOf } from "./nemesis.js";

const nodes = ["n0", "n1", "n2", "n3", "n4"];
const draw = (seed: number, kinds: ("partition" | "pause" | "kill")[], untilMs = 20_000) =>
  nemesisSchedule(Rng.fromSeed(seed), { kinds, nodes, fromMs: 100, untilMs, intervalMs: 1000 });

describe("nemesisSchedule", () => {
  it("shows episodes that never overlap and all end before the workload does, over many seeds", () => {
    for (let seed = 0; seed < 50; seed++) {
      const { actions, episodes } = draw(seed, ["partition", "pause", "kill"]);
      expect(episodes.length).toBeGreaterThan(3);
      episodes.forEach((e, i) => {
        expect(e.startMs).toBeGreaterThanOrEqual(100);
        expect(e.endMs).toBeLessThan(20_000);
        if (i > 0) expect(e.startMs).toBeGreaterThan(episodes[i - 1]!.endMs);
      });
      expect(validateFaultSchedule(actions, nodes)).toHaveLength(actions.length);
    }
  });

  it("shows the same seed drawing the same schedule, and another seed another", () => {
    expect(draw(7, ["partition", "kill"])).toEqual(draw(7, ["partition", "kill"]));
    expect(draw(7, ["partition", "kill"])).not.toEqual(draw(8, ["partition", "kill"]));
  });

  it("shows a partition as cuts both ways between the sides, healed once; kills restart", () => {
    expect(
      cutsBetween(5, [["n0"], ["n1", "n2"]]).map((c) => c.kind === "cut" && `${c.from}>${c.to}`),
    ).toEqual(["n0>n1", "n0>n2", "n1>n0", "n2>n0"]);
    const { actions } = draw(3, ["kill"]);
    expect(restartsOf(actions).length).toBe(actions.length);
    expect(draw(3, ["partition"]).actions.filter((a) => a.kind === "heal").length).toBe(
      draw(3, ["partition"]).episodes.length,
    );
  });

  it("shows no partition for a single node and nothing at all when no kind is asked for", () => {
    expect(
      nemesisSchedule(Rng.fromSeed(1), {
        kinds: ["partition"],
        nodes: ["n0"],
        fromMs: 0,
        untilMs: 10_000,
        intervalMs: 500,
      }).actions,
    ).toEqual([]);
    expect(draw(1, []).episodes).toEqual([]);
  });
});
