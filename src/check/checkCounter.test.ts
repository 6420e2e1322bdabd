import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCounter } from "./checkCounter.js";

describe("checkCounter", () => {
  it("shows that a final read below the acknowledged sum means lost increments", () => {
    const result = checkCounter({
      adds: [
        { delta: 1, outcome: "ok" },
        { delta: 1, outcome: "ok" },
        { delta: 5, outcome: "info" },
        { delta: 100, outcome: "fail" },
      ],
      finalRead: 1,
    });
    expect(result).toMatchObject({ verdict: "illegal", lowest: 2, highest: 7 });
    expect(result.violations[0]?.message).toMatch(/below 2.*increments were lost/);
    expect(
      checkCounter({ adds: [{ delta: 1, outcome: "ok" }], finalRead: 2 }).violations[0]?.message,
    ).toMatch(/applied twice/);
  });

  it("shows that any subset of unknown adds taking effect is accepted (property)", () => {
    const add = fc.record({
      delta: fc.integer({ min: -5, max: 5 }),
      outcome: fc.constantFrom("ok" as const, "info" as const, "fail" as const),
      applied: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(add, { maxLength: 20 }),
        fc.integer({ min: -10, max: 10 }),
        (adds, initial) => {
          const finalRead = adds.reduce(
            (sum, a) =>
              sum + (a.outcome === "ok" || (a.outcome === "info" && a.applied) ? a.delta : 0),
            initial,
          );
          expect(checkCounter({ initial, adds, finalRead }).verdict).toBe("ok");
        },
      ),
    );
  });

  it("shows that a delta that is not a number is a configuration error naming it", () => {
    expect(() =>
      checkCounter({ adds: [{ delta: Number.NaN, outcome: "ok" }], finalRead: 0 }),
    ).toThrow(/adds\[0\]\.delta/);
  });
});
