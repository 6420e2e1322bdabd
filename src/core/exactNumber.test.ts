import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactDecimal, exactInteger } from "./exactNumber.js";

describe("exactInteger", () => {
  it("shows that an integer becomes a float only when the float holds it exactly", () => {
    expect(exactInteger("9007199254740991")).toBe(2 ** 53 - 1);
    expect(exactInteger("9007199254740992")).toBe(2 ** 53);
    expect(exactInteger("9007199254740993")).toBe(2n ** 53n + 1n);
    expect(exactInteger("-9007199254740993")).toBe(-(2n ** 53n) - 1n);
    expect(exactInteger("1152921504606846976")).toBe(2 ** 60);
    expect(exactInteger("-0")).toBe(0);
    expect(Object.is(exactInteger("-0"), -0)).toBe(false);
    expect(exactInteger("1" + "0".repeat(400))).toBe(10n ** 400n);
  });

  it("shows that two different integers never read as the same number (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (n) => {
        const read = exactInteger(String(n));
        expect(BigInt(read)).toBe(n);
      }),
    );
  });
});

describe("exactDecimal", () => {
  it("shows that a decimal is refused when the float cannot hold it as written", () => {
    expect(exactDecimal("1.5")).toBe(1.5);
    expect(exactDecimal("0.1")).toBe(0.1);
    expect(exactDecimal("1.50e2")).toBe(150);
    expect(exactDecimal("1e400")).toBeUndefined();
    expect(exactDecimal("-1e400")).toBeUndefined();
    expect(exactDecimal("1e-400")).toBeUndefined();
    expect(exactDecimal("0.30000000000000001")).toBeUndefined();
    expect(exactDecimal("9007199254740993.0")).toBeUndefined();
    expect(exactDecimal("0.0e999")).toBe(0);
    expect(exactDecimal("5e-324")).toBe(5e-324);
  });

  it("shows that every float's own spelling reads back as that float (property)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(exactDecimal(String(x))).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});
