import { describe, expect, it } from "vitest";
import { checkSet } from "./checkSet.js";

describe("checkSet", () => {
  it("shows lost, failed-but-visible and unexpected elements, each named", () => {
    const result = checkSet({
      adds: [
        { value: 1, outcome: "ok" },
        { value: 2, outcome: "ok" },
        { value: 3, outcome: "fail" },
        { value: 4, outcome: "info" },
      ],
      finalRead: [1, 3, 4, 9],
    });
    expect(result.verdict).toBe("illegal");
    expect(result.violations.map((v) => v.kind)).toEqual([
      "lost-element",
      "failed-add-visible",
      "unexpected-element",
    ]);
    expect(result).toMatchObject({ acknowledged: 2, lost: 1, recovered: 1 });
  });

  it("shows that a value added once ok and once failed counts as acknowledged", () => {
    const result = checkSet({
      adds: [
        { value: "x", outcome: "fail" },
        { value: "x", outcome: "ok" },
      ],
      finalRead: ["x"],
    });
    expect(result.verdict).toBe("ok");
  });
});
