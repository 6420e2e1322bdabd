// Shows what defineWorld builds: a world whose seeds run deterministically with a history timed
// by virtual time, checks whose answers (reports, verdicts, booleans) become verdicts with the
// checker's own explanation, a fault schedule that is data (drawn per seed, replaceable), and a
// clear ConfigError for every malformed spec.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { volatileRegister } from "../../test/worlds/volatileRegister.js";
import { defineWorld, type WorldSpec } from "./defineWorld.js";

const seed = Seed.parse(3);

describe("defineWorld", () => {
  it("runs a seed twice to the same outcome and trace hash", async () => {
    const a = await volatileRegister.run({ seed, variant: "volatile" });
    const b = await volatileRegister.run({ seed, variant: "volatile" });
    expect(b).toEqual(a);
    expect(a.history!.length).toBeGreaterThan(10);
    expect(a.history!.every((op) => op.invokeMicros <= 1_000_000)).toBe(true);
    expect(a.properties["client-made-progress"]).toBe("held");
  });

  it("finds the volatile server's lost writes in some seed, explained by the checker, and none on disk", async () => {
    let violated = 0;
    for (let s = 0; s < 30; s++) {
      const volatile = await volatileRegister.run({ seed: Seed.parse(s), variant: "volatile" });
      if (volatile.properties.linearizable === "violated") {
        violated++;
        expect(volatile.details?.linearizable?.join("\n")).toMatch(/not linearizable/);
      }
      const durable = await volatileRegister.run({ seed: Seed.parse(s), variant: "durable" });
      expect(durable.properties.linearizable).toBe("held");
      expect(durable.details).toEqual({});
    }
    expect(violated).toBeGreaterThan(0);
  });

  it("draws each seed's fault schedule from the seed, and runs a given schedule instead", async () => {
    const schedule = volatileRegister.faultSchedule!({ seed, variant: "volatile" });
    expect(volatileRegister.faultSchedule!({ seed, variant: "volatile" })).toEqual(schedule);
    expect(
      volatileRegister.faultSchedule!({ seed: Seed.parse(4), variant: "volatile" }),
    ).not.toEqual(schedule);
    const own = await volatileRegister.run({ seed, variant: "volatile" });
    expect(own.figures.faults).toBe(schedule.length);
    const none = await volatileRegister.run({ seed, variant: "volatile", faults: [] });
    expect(none.figures.faults).toBe(0);
    expect(none.properties.linearizable).toBe("held");
  });

  it("maps every kind of check answer to a verdict", async () => {
    const answers = {
      "report-ok": () => ({ verdict: "ok" as const }),
      "report-illegal": () => ({ verdict: "illegal" as const }),
      "report-unknown": () => ({ verdict: "unknown" as const }),
      "bool-true": () => true,
      "bool-false": () => false,
      "verdict-held": () => "held" as const,
      "async-violated": async () => "violated" as const,
    };
    const world = defineWorld({ ...minimal(), checks: answers });
    const outcome = await world.run({ seed, variant: "default" });
    expect(outcome.properties).toEqual({
      "report-ok": "held",
      "report-illegal": "violated",
      "report-unknown": "unknown",
      "bool-true": "held",
      "bool-false": "violated",
      "verdict-held": "held",
      "async-violated": "violated",
    });
  });

  it("refuses a check that answers something else, naming the check", async () => {
    const world = defineWorld({ ...minimal(), checks: { odd: () => 42 as never } });
    await expect(world.run({ seed, variant: "default" })).rejects.toThrow(
      /`tiny\.checks\.odd` must be a checker's report/,
    );
  });

  it("refuses malformed specs with the field and the fix", () => {
    const cases: [Partial<WorldSpec> & Record<string, unknown>, RegExp][] = [
      [{ name: "has space" }, /`name` must be letters, digits/],
      [{ runForMS: 5 } as never, /`runForMS`.*did you mean `runForMs`/],
      [{ runForMs: 0 }, /`tiny\.runForMs`/],
      [{ nodes: {} as never }, /`tiny\.nodes` must be a function/],
      [{ checks: { ok: 1 as never } }, /`tiny\.checks\.ok` must be a function/],
      [{ variants: [{ name: "" }] }, /`variants\[0\]\.name`/],
    ];
    for (const [override, message] of cases) {
      expect(() => defineWorld({ ...minimal(), ...override } as WorldSpec)).toThrow(ConfigError);
      expect(() => defineWorld({ ...minimal(), ...override } as WorldSpec)).toThrow(message);
    }
  });

  it("refuses an unknown variant at run time", async () => {
    await expect(volatileRegister.run({ seed, variant: "fast" })).rejects.toThrow(
      /`variant` must be a variant of volatile-register.*volatile, durable/,
    );
  });
});

function minimal(): WorldSpec {
  return {
    name: "tiny",
    nodes: () => ({ n1: () => ({}) }),
    runForMs: 10,
    checks: { fine: () => true },
  };
}
