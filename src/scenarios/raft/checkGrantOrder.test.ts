// Shows the grant-order check: a grant asked for after another completed must carry a larger
// token, concurrent grants are not compared, and one token never names two holders.
import { describe, expect, it } from "vitest";
import type { Operation } from "../../workload/Operation.js";
import { checkGrantOrder } from "./checkGrantOrder.js";

let id = 0;
function grant(
  process: string,
  token: number,
  invokeMicros: number,
  completeMicros: number,
): Operation {
  return {
    id: id++,
    process,
    f: "acquire",
    input: { name: "L" },
    invokeMicros,
    status: "ok",
    output: { token },
    completeMicros,
  };
}

describe("checkGrantOrder", () => {
  it("accepts tokens that increase in real-time order, and concurrent grants in either order", () => {
    const report = checkGrantOrder([
      grant("a", 5, 0, 10),
      grant("b", 9, 20, 30),
      // Concurrent with b: asked before b completed, so its smaller token is no violation.
      grant("c", 7, 25, 40),
      // A refusal carries no token and is not a grant.
      { ...grant("d", 0, 50, 60), output: { heldBy: "c" } },
    ]);
    expect(report.verdict).toBe("ok");
  });

  it("finds a token that did not increase after a completed grant, and a token shared by two holders", () => {
    const report = checkGrantOrder([
      grant("a", 8, 0, 10),
      grant("b", 8, 20, 30),
      grant("c", 3, 40, 50),
    ]);
    expect(report.verdict).toBe("illegal");
    expect(report.violations.map((v) => v.kind)).toEqual([
      "token-shared",
      "token-not-increasing",
      "token-not-increasing",
    ]);
    expect(report.summary).toMatch(/token 8 was granted to both a/);
  });
});
