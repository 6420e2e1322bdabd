import { describe, expect, it } from "vitest";
import { checkUniqueness } from "./checkUniqueness.js";

describe("checkUniqueness", () => {
  it("shows that an ID handed to two clients is reported with both", () => {
    const result = checkUniqueness([
      { id: 1, client: "a" },
      { id: 2, client: "b" },
      { id: 1, client: "c" },
    ]);
    expect(result.verdict).toBe("illegal");
    expect(result.violations[0]?.message).toBe(
      "ID 1 was handed out 2 times (to client a, client c)",
    );
  });

  it('shows that distinct IDs pass, and 1 and "1" are different IDs', () => {
    expect(checkUniqueness([{ id: 1 }, { id: "1" }, { id: 2 }]).verdict).toBe("ok");
    expect(checkUniqueness([]).verdict).toBe("ok");
  });
});
