import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { checkFencing } from "./checkFencing.js";

const at = (epochs: number[], writers?: string[]) =>
  epochs.map((epoch, i) => ({
    epoch,
    atMicros: i * 10,
    ...(writers ? { writer: writers[i] } : {}),
  }));

describe("checkFencing", () => {
  it("shows that a paused old leader's write accepted after the new leader's is a violation", () => {
    const result = checkFencing(at([1, 1, 2, 1], ["a", "a", "b", "a"]));
    expect(result.verdict).toBe("illegal");
    expect(result.violations[0]).toMatchObject({ kind: "stale-epoch", index: 3 });
    expect(result.violations[0]?.message).toBe(
      "at 30 µs the resource accepted a write from a with epoch 1 after accepting epoch 2 from b at 20 µs",
    );
  });

  it("shows that repeated writes in one epoch by one writer are fine, by two writers not", () => {
    expect(checkFencing(at([3, 3, 3], ["a", "a", "a"])).verdict).toBe("ok");
    const shared = checkFencing(at([3, 3], ["a", "b"]));
    expect(shared.violations.map((v) => v.kind)).toEqual(["shared-epoch"]);
  });

  it("shows that an unnamed first write in an epoch does not hide two named writers sharing it", () => {
    const writes = [
      { epoch: 1, atMicros: 0 },
      { epoch: 1, atMicros: 10, writer: "A" },
      { epoch: 1, atMicros: 20, writer: "B" },
    ];
    const result = checkFencing(writes);
    expect(result.violations).toMatchObject([{ kind: "shared-epoch", index: 2, after: writes[1] }]);
    expect(result.violations[0]?.message).toBe("epoch 1 was used by both A and B");
    // Unnamed writes around one named writer stay fine: they cannot be told apart.
    expect(checkFencing([{ epoch: 1, atMicros: 0 }, ...at([1], ["A"])]).verdict).toBe("ok");
  });

  it("shows that the verdict is ok exactly when epochs never decrease (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 20 }), (epochs) => {
        const sorted = epochs.every((e, i) => i === 0 || e >= (epochs[i - 1] as number));
        expect(checkFencing(at(epochs)).verdict).toBe(sorted ? "ok" : "illegal");
      }),
    );
  });

  it("shows that a missing epoch is a configuration error naming the entry", () => {
    expect(() => checkFencing([{ epoch: Number.NaN, atMicros: 0 }])).toThrow(ConfigError);
    expect(() => checkFencing([{ epoch: Number.NaN, atMicros: 0 }])).toThrow(
      /accepted\[0\]\.epoch/,
    );
  });
});
