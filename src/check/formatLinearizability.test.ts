// Shows how a linearizability result reads in a terminal: the verdict in one line; for an illegal
// history the longest order that worked with each interval in ms (or as event numbers for a
// Jepsen file, which has only an order), the state it reached, what the model expected of the
// operation that cannot follow against what its client saw, and why each candidate fails.
import { describe, expect, it } from "vitest";
import { readJepsenLog } from "../workload/JepsenHistory.js";
import { readHistoryJsonl } from "../workload/MurphyJsonl.js";
import { checkLinearizability } from "./checkLinearizability.js";
import { formatLinearizability } from "./formatLinearizability.js";
import { registerModel } from "./models/registerModel.js";

/** Two writes, then a read of the first one's value: a stale read, with times in µs. */
const STALE_READ_JSONL = [
  '{"type":"invoke","process":0,"f":"write","value":1,"atMicros":0}',
  '{"type":"ok","process":0,"atMicros":10}',
  '{"type":"invoke","process":1,"f":"write","value":2,"atMicros":20}',
  '{"type":"ok","process":1,"atMicros":30}',
  '{"type":"invoke","process":2,"f":"read","atMicros":40500}',
  '{"type":"ok","process":2,"value":1,"atMicros":1250000}',
].join("\n");

describe("formatLinearizability", () => {
  it("shows a stale read as the order that worked with times in ms, the state, the expected and seen value, and the read that cannot follow", () => {
    const result = checkLinearizability(readHistoryJsonl(STALE_READ_JSONL), registerModel);
    const text = formatLinearizability(result);
    expect(text).toMatch(/^illegal: not linearizable as a register; in part all/);
    expect(text).toContain("1. p0 write(1) → nil  [line 1, 0.000..0.010 ms]");
    expect(text).toContain("2. p1 write(2) → nil  [line 3, 0.020..0.030 ms]");
    expect(text).toContain("state after it: 2");
    expect(text).toContain(
      "p2 read() → 1  [line 5, 40.500..1250.000 ms] completed, but cannot be linearised:\n" +
        "    expected: 2  (what the model returns in that state)\n" +
        "    seen:     1  (what the client got)\n",
    );
    expect(text).toContain("it must take effect before it completed, but it cannot take effect");
    expect(result.verdict === "illegal" && result.longest[0]!.expected).toBe(2);
  });

  it("shows a Jepsen history, whose times are only an order, with event numbers instead of ms", () => {
    const history = readJepsenLog(
      "0\t:invoke\t:write\t1\n0\t:ok\t:write\t1\n1\t:invoke\t:write\t2\n1\t:ok\t:write\t2\n" +
        "2\t:invoke\t:read\tnil\n2\t:ok\t:read\t1\n",
    );
    const result = checkLinearizability(history, registerModel);
    const text = formatLinearizability(result, { times: "order" });
    expect(text).toContain("1. p0 write(1) → 1  [line 1, events 1..2]");
    expect(text).toContain("p2 read() → 1  [line 5, events 5..6] completed");
    expect(text).not.toContain(" ms]");
  });

  it("shows an info operation as open to the end, and the state it may have left as what was expected", () => {
    // The info write of 3 may land any time; the reads of 3 then 1 cannot both be explained.
    const history = readHistoryJsonl(
      [
        '{"type":"invoke","process":0,"f":"write","value":1,"atMicros":0}',
        '{"type":"ok","process":0,"atMicros":1000}',
        '{"type":"invoke","process":1,"f":"write","value":3,"atMicros":2000}',
        '{"type":"info","process":1,"atMicros":3000}',
        '{"type":"invoke","process":2,"f":"read","atMicros":4000}',
        '{"type":"ok","process":2,"value":3,"atMicros":5000}',
        '{"type":"invoke","process":2,"f":"read","atMicros":6000}',
        '{"type":"ok","process":2,"value":1,"atMicros":7000}',
      ].join("\n"),
    );
    const result = checkLinearizability(history, registerModel);
    const text = formatLinearizability(result);
    expect(text).toContain("p1 write(3) → ? (info)  [line 3, 2.000 ms..open]");
    expect(text).toContain("p2 read() → 1  [line 7, 6.000..7.000 ms] completed");
    expect(text).toContain("expected: 3");
    expect(text).toContain("seen:     1");
  });

  it("shows no expected value for a model that cannot say what it would have answered (no apply)", () => {
    const { apply: _apply, ...stepOnly } = registerModel;
    const result = checkLinearizability(readHistoryJsonl(STALE_READ_JSONL), stepOnly);
    expect(result.verdict).toBe("illegal");
    expect(result.verdict === "illegal" && "expected" in result.longest[0]!).toBe(false);
    const text = formatLinearizability(result);
    expect(text).toContain("p2 read() → 1  [line 5, 40.500..1250.000 ms] completed");
    expect(text).not.toContain("expected:");
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
    expect(unknown).toContain("raise --max-steps (maxSteps)");
  });
});
