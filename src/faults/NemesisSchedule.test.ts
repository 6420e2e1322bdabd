// Shows that a nemesis schedule is valid fault JSON for the world's nodes, the same for the same
// seed, close to the asked rate, free of overlapping episodes within a family, healed before the
// quiet tail, aimed at servers for process and clock faults, and that bad options are refused.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import { validateFaultSchedule } from "./FaultAction.js";
import { nemesisSchedule, parseNemesis } from "./NemesisSchedule.js";
import { faultEndMs } from "./RandomFaultSchedule.js";

const servers = ["n1", "n2", "n3"];
const nodes = [...servers, "c1", "c2"];
const options = {
  servers,
  nodes,
  durationMs: 600_000,
  families: parseNemesis("partition,pause,kill,clock"),
  faultsPerMinute: 30,
};

describe("nemesisSchedule", () => {
  it("draws the same valid schedule for the same seed and a different one for another", () => {
    const a = nemesisSchedule(Rng.fromSeed(5), options);
    expect(nemesisSchedule(Rng.fromSeed(5), options)).toEqual(a);
    expect(nemesisSchedule(Rng.fromSeed(6), options)).not.toEqual(a);
    expect(validateFaultSchedule(a, nodes)).toEqual(a);
  });

  it("starts about the asked number of episodes, one at a time per family, all over by the tail", () => {
    const actions = nemesisSchedule(Rng.fromSeed(1), options);
    const episodes = actions.filter(
      (a) =>
        a.kind !== "heal" &&
        !(a.kind === "clock-drift" && a.driftPpm === 0) &&
        !(a.kind === "loss" && a.probability === 0),
    );
    // Clock jumps come in pairs (there and back): count the first of each pair.
    const jumps = episodes.filter((a) => a.kind === "clock-jump").length / 2;
    const count = episodes.filter((a) => a.kind !== "clock-jump").length + jumps;
    // 30 a minute for 8 minutes of faults (the last fifth is quiet), less the time episodes last.
    expect(count).toBeGreaterThan(100);
    expect(count).toBeLessThan(300);
    const tail = options.durationMs * 0.8;
    for (const a of actions) expect(faultEndMs(a)).toBeLessThanOrEqual(tail);
    for (const kind of ["pause", "crash"] as const) {
      const lane = actions.filter((a) => a.kind === kind);
      for (let i = 1; i < lane.length; i++) {
        expect(lane[i]!.atMs).toBeGreaterThanOrEqual(faultEndMs(lane[i - 1]!));
      }
      for (const a of lane) expect(servers).toContain((a as { node: string }).node);
    }
  });

  it("splits the servers and puts every client on one side of each split", () => {
    const actions = nemesisSchedule(Rng.fromSeed(3), { ...options, families: ["partition"] });
    const splits = actions.filter((a) => a.kind === "partition");
    expect(splits.length).toBeGreaterThan(10);
    for (const a of splits) {
      expect(a.groups.flat().sort()).toEqual([...nodes].sort());
      for (const group of a.groups) expect(group.some((n) => servers.includes(n))).toBe(true);
    }
    const isolated = actions.flatMap((a) => (a.kind === "isolate" ? [a.node] : []));
    for (const node of isolated) expect(servers).toContain(node);
    const one = nemesisSchedule(Rng.fromSeed(3), {
      ...options,
      servers: ["n1"],
      nodes: ["n1", "c1"],
      families: ["partition"],
    });
    for (const a of one)
      if (a.kind !== "heal") expect(a).toMatchObject({ kind: "isolate", node: "c1" });
  });

  it("refuses unknown families, a partition of one node, and a tail as long as the run", () => {
    expect(() => parseNemesis("partition,earthquake")).toThrow(/earthquake/);
    expect(parseNemesis("none")).toEqual([]);
    expect(() =>
      nemesisSchedule(Rng.fromSeed(1), { ...options, nodes: ["n1"], servers: ["n1"] }),
    ).toThrow(ConfigError);
    expect(() =>
      nemesisSchedule(Rng.fromSeed(1), { ...options, quietTailMs: options.durationMs }),
    ).toThrow(/quietTailMs/);
    expect(nemesisSchedule(Rng.fromSeed(1), { ...options, faultsPerMinute: 0 })).toEqual([]);
  });
});
