import { describe, expect, it } from "vitest";
import { checkDurability } from "./checkDurability.js";

describe("checkDurability", () => {
  it("shows that an acknowledged write missing from the final read is lost", () => {
    const result = checkDurability({
      writes: [
        { key: "log", value: 1, outcome: "ok" },
        { key: "log", value: 2, outcome: "ok" },
      ],
      finalReads: [{ key: "log", values: [1] }],
    });
    expect(result.verdict).toBe("illegal");
    expect(result.violations[0]?.message).toBe(
      'acknowledged write of 2 under key "log" is missing from the final read',
    );
  });

  it("shows that unknown-outcome writes may or may not appear, and are counted when they do", () => {
    const result = checkDurability({
      writes: [
        { value: "a", outcome: "ok" },
        { value: "b", outcome: "info" },
        { value: "c", outcome: "info" },
      ],
      finalReads: [{ values: ["a", "b"] }],
    });
    expect(result).toMatchObject({ verdict: "ok", acknowledged: 1, recovered: 1 });
  });

  it("shows that a failed write that appears, and a value nobody wrote, are violations", () => {
    const result = checkDurability({
      writes: [{ value: { id: 1, v: "x" }, outcome: "fail" }],
      finalReads: [{ values: [{ v: "x", id: 1 }, "ghost"] }],
    });
    expect(result.violations.map((v) => v.kind)).toEqual(["failed-write-visible", "phantom-value"]);
  });

  it("shows that a key with acknowledged writes and no final read leaves the verdict unknown", () => {
    const result = checkDurability({
      writes: [{ key: "k", value: 1, outcome: "ok" }],
      finalReads: [],
    });
    expect(result.verdict).toBe("unknown");
    expect(result.summary).toContain("1 acknowledged writes have no final read");
  });
});
