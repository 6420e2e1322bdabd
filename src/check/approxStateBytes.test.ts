import { describe, expect, it } from "vitest";
import { approxStateBytes } from "./approxStateBytes.js";
import { kvModel } from "./models/kvModel.js";
import { queueModel } from "./models/queueModel.js";

describe("approxStateBytes", () => {
  it("shows that the estimate grows with what a state holds, and small integers cost nothing", () => {
    const small = approxStateBytes(Array.from({ length: 10 }, (_, i) => i));
    const large = approxStateBytes(Array.from({ length: 10_000 }, (_, i) => i));
    expect(large).toBeGreaterThan(500 * small);
    expect(approxStateBytes(5)).toBe(0);
    expect(approxStateBytes("x".repeat(1000))).toBeGreaterThanOrEqual(1000);
    expect(approxStateBytes(new Map([["k", "v".repeat(100)]]))).toBeGreaterThan(100);
  });

  it("shows that a cycle or a deep chain is walked once, without recursion", () => {
    const a: unknown[] = [];
    a.push(a, a);
    expect(approxStateBytes(a)).toBeGreaterThan(0);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(approxStateBytes(deep)).toBeGreaterThan(0);
  });

  it("shows that built-in models count their states by size", () => {
    const queue = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(queueModel.sizeOfState!(queue(1000))).toBeGreaterThan(8_000);
    expect(kvModel.sizeOfState!(new Map([["k", "v".repeat(500)]]))).toBeGreaterThan(1_000);
  });
});
