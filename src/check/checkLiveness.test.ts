import { describe, expect, it } from "vitest";
import type { Operation } from "../workload/Operation.js";
import { checkLiveness } from "./checkLiveness.js";

function op(
  id: number,
  invokeMicros: number,
  end: number | undefined,
  status: Operation["status"] = "ok",
): Operation {
  return {
    id,
    process: id,
    f: "write",
    input: id,
    invokeMicros,
    status,
    output: status === "ok" ? null : undefined,
    completeMicros: end,
  };
}

describe("checkLiveness", () => {
  it("shows that operations after heal plus the bound must answer, and reports recovery time", () => {
    const history = [
      op(0, 0, undefined, "info"), // during the fault: not judged
      op(1, 1_000, 1_300), // after the heal, before recovery: not judged
      op(2, 2_500, 2_600),
      op(3, 3_000, 3_100),
    ];
    const result = checkLiveness({
      history,
      healedAtMicros: 1_000,
      recoveryMicros: 1_000,
      latencyMicros: 500,
      endMicros: 5_000,
    });
    expect(result).toMatchObject({ verdict: "ok", judged: 2, recoveredAfterMicros: 300 });
    expect(result.summary).toContain("first success 300 µs after the heal");
  });

  it("shows that a call that never answers, or answers too slowly, after recovery is a violation", () => {
    const history = [op(0, 2_500, undefined, "info"), op(1, 2_600, 3_900), op(2, 2_700, 2_800)];
    const result = checkLiveness({
      history,
      healedAtMicros: 1_000,
      recoveryMicros: 1_000,
      latencyMicros: 500,
      endMicros: 5_000,
    });
    expect(result.violations.map((v) => v.kind)).toEqual(["no-response", "slow-response"]);
  });

  it("shows that answers that are all failures are no progress", () => {
    const history = [op(0, 2_500, 2_600, "fail")];
    const result = checkLiveness({
      history,
      healedAtMicros: 1_000,
      recoveryMicros: 1_000,
      endMicros: 5_000,
    });
    expect(result.violations.map((v) => v.kind)).toEqual(["no-progress"]);
    expect(result.recoveredAfterMicros).toBeUndefined();
  });

  it("shows that with no operations in the judged window the verdict is unknown, not ok", () => {
    const history = [op(0, 4_800, undefined, "info")];
    const result = checkLiveness({
      history,
      healedAtMicros: 1_000,
      recoveryMicros: 1_000,
      latencyMicros: 500,
      endMicros: 5_000,
    });
    expect(result.verdict).toBe("unknown");
  });

  it("shows that a bad window is a configuration error naming the field", () => {
    expect(() =>
      checkLiveness({ history: [], healedAtMicros: 10, recoveryMicros: 1, endMicros: 5 }),
    ).toThrow(/endMicros/);
    expect(() => checkLiveness({ history: [], healedAtMicros: -1, recoveryMicros: 1 })).toThrow(
      /healedAtMicros/,
    );
  });
});
