// Shows what a world defined with defineWorld gives the real runtime: its nodes for a seed and
// variant (the clients' history on the clock it is handed), and its checks run on a recorded
// history — where a check or figure that reads the simulation or the run's state is skipped with
// the reason, not answered on a world that did not exist; and that a bad `real` is refused.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { defineWorld } from "./defineWorld.js";

const world = defineWorld({
  name: "real-hooks",
  state: () => ({ reports: 0 }),
  nodes: ({ history, state }) => ({
    s: () => ({ onMessage: () => void state.reports++ }),
    c: () => ({
      onStart() {
        history.invoke("c", "write", 1).ok();
      },
    }),
  }),
  runForMs: 100,
  checks: {
    wrote: ({ history }) => history.length === 1,
    quiet: ({ simulation }) => simulation.nodeIds.length > 0,
    reported: ({ state }) => state.reports > 0,
  },
  figures: {
    reports: ({ state }) => state.reports,
    ops: { value: ({ history }) => history.length },
  },
  real: { clients: ["c"] },
});

describe("defineWorld's real hooks", () => {
  it("builds the nodes with the history on the given clock and judges a recorded run", async () => {
    expect(world.real?.clients).toEqual(["c"]);
    let now = 0;
    const run = world.real!.build({
      seed: Seed.parse(1),
      variant: "default",
      nowMicros: () => now,
    });
    expect(run.nodes.map((n) => n.id)).toEqual(["s", "c"]);
    now = 1_234;
    run.history.invoke("c", "write", 1).ok();
    const history = run.history.history();
    expect(history[0]!.invokeMicros).toBe(1_234);
    const outcome = await run.check({ history, faults: [], endMicros: 5_000 });
    expect(outcome.properties).toEqual({ wrote: "held" });
    expect(Object.keys(outcome.skipped)).toEqual(["quiet", "reported"]);
    expect(outcome.skipped.quiet).toMatch(/simulation exists only in the simulator/);
    expect(outcome.skipped.reported).toMatch(/servers report to their own/);
    expect(outcome.figures.ops).toBe(1);
    expect(outcome.figures.reports).toBeNaN();
  });

  it("refuses a real section without a list of clients", () => {
    const spec = { name: "w", nodes: () => ({}), runForMs: 1, checks: {} };
    expect(() => defineWorld({ ...spec, real: {} as never })).toThrow(ConfigError);
    expect(() => defineWorld({ ...spec, real: { clients: "c1" } as never })).toThrow(/clients/);
  });
});
