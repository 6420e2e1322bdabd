import { describe, expect, it } from "vitest";
import { readJepsenLog } from "../workload/JepsenHistory.js";
import { checkLinearizability } from "./checkLinearizability.js";
import { formatLinearizability } from "./formatLinearizability.js";
import { registerModel } from "./models/registerModel.js";

describe("formatLinearizability", () => {
  it("shows a stale read as the order that worked, the state, and the read that cannot follow", () => {
    const history = readJepsenLog(
      "0\t:invoke\t:write\t1\n0\t:ok\t:write\t1\n1\t:invoke\t:write\t2\n1\t:ok\t:write\t2\n" +
        "2\t:invoke\t:read\tnil\n2\t:ok\t:read\t1\n",
    );
    const text = formatLinearizability(checkLinearizability(history, registerModel));
    expect(text).toMatch(/^illegal: not linearizable as a register; in part all/);
    expect(text).toContain("1. p0 write(1) → 1  [line 1, 1..2]");
    expect(text).toContain("2. p1 write(2) → 2  [line 3, 3..4]");
    expect(text).toContain("state after it: 2");
    expect(text).toContain("p2 read() → 1  [line 5, 5..6] completed, but cannot be linearised:");
    expect(text).toContain("it must take effect before it completed, but it cannot take effect");
  });

  it("shows ok and unknown in one line each, unknown with what to raise", () => {
    const ok = formatLinearizability(checkLinearizability([], registerModel));
    expect(ok).toMatch(/^ok: linearizable as a register \(0 operations/);
    const history = readJepsenLog(
      "0\t:invoke\t:write\t1\n1\t:invoke\t:read\tnil\n1\t:ok\t:read\t1\n",
    );
    const unknown = formatLinearizability(
      checkLinearizability(history, registerModel, { maxSteps: 1 }),
    );
    expect(unknown).toMatch(/^unknown: the step budget ran out before a verdict/);
    expect(unknown).toContain("raise --timeout-ms");
  });
});
