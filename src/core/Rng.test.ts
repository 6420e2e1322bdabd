import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "./errors.js";
import { Rng, Seed } from "./Rng.js";

describe("Seed", () => {
  it("shows that hex, decimal and bigint seeds parse to the same value and print as 0x hex", () => {
    expect(Seed.parse("0x2a").toString()).toBe("0x000000000000002a");
    expect(Seed.parse("42").toString()).toBe(Seed.parse(42).toString());
    expect(Seed.parse(0xffffffffffffffffn).toString()).toBe("0xffffffffffffffff");
  });

  it("shows that bad seeds give a ConfigError naming the field and the fix", () => {
    expect(() => Seed.parse("banana")).toThrow(ConfigError);
    expect(() => Seed.parse(-1)).toThrow(/seed/);
    expect(() => Seed.parse(1n << 64n)).toThrow(/2\^64/);
  });
});

describe("Rng", () => {
  it("shows that the same seed and path give the same stream", () => {
    const a = Rng.fromSeed(7).derive("node/1");
    const b = Rng.fromSeed(7).derive("node/1");
    expect(Array.from({ length: 100 }, () => a.nextU32())).toEqual(
      Array.from({ length: 100 }, () => b.nextU32()),
    );
  });

  it("shows that derived streams are independent of draws from the parent and of each other", () => {
    const root = Rng.fromSeed(7);
    const before = root.derive("link/a-b").nextU32();
    for (let i = 0; i < 10; i++) root.nextU32();
    root.derive("node/x").nextU32();
    expect(root.derive("link/a-b").nextU32()).toBe(before);
    expect(root.derive("link/a-b").nextU32()).not.toBe(root.derive("link/b-a").nextU32());
  });

  it("shows that draws stay in range for every seed", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 1, max: 1e9 }),
        (s, n) => {
          const rng = Rng.fromSeed(s);
          for (let i = 0; i < 20; i++) {
            const f = rng.float();
            const k = rng.int(n);
            expect(f >= 0 && f < 1).toBe(true);
            expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
          }
        },
      ),
    );
  });

  it("shows that floats are roughly uniform and exponential draws have the right mean", () => {
    const rng = Rng.fromSeed(1);
    const n = 100_000;
    let sum = 0;
    let expSum = 0;
    for (let i = 0; i < n; i++) {
      sum += rng.float();
      expSum += rng.exponential(10);
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(expSum / n).toBeGreaterThan(9.8);
    expect(expSum / n).toBeLessThan(10.2);
  });

  it("shows that uuid() is a well-formed v4 UUID and reproducible", () => {
    const u = Rng.fromSeed(3).uuid();
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Rng.fromSeed(3).uuid()).toBe(u);
  });
});
