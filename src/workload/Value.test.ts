import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashValue, isValue, showValue, valuesEqual, type Value } from "./Value.js";

const json = fc.jsonValue() as fc.Arbitrary<Value>;

describe("Value", () => {
  it("shows that equality ignores object key order and hashing agrees with equality", () => {
    const a: Value = { key: "1", value: [1, null, { x: true }] };
    const b: Value = { value: [1, null, { x: true }], key: "1" };
    expect(valuesEqual(a, b)).toBe(true);
    expect(hashValue(a)).toBe(hashValue(b));
    expect(valuesEqual(a, { key: "1", value: [1, null] })).toBe(false);
  });

  it("shows that equal values hash equal, for any JSON value (property)", () => {
    fc.assert(
      fc.property(json, (v) => {
        const copy = JSON.parse(JSON.stringify(v)) as Value;
        expect(valuesEqual(v, copy)).toBe(true);
        expect(hashValue(v)).toBe(hashValue(copy));
      }),
    );
  });

  it("shows that distinct scalars of different types are not equal", () => {
    expect(valuesEqual(1, "1")).toBe(false);
    expect(valuesEqual(null, 0)).toBe(false);
    expect(valuesEqual([], {})).toBe(false);
    expect(hashValue(1)).not.toBe(hashValue("1"));
  });

  it("shows that nil prints as nil and non-JSON values are rejected", () => {
    expect(showValue(null)).toBe("nil");
    expect(showValue([1, 2])).toBe("[1,2]");
    expect(isValue({ a: [1, "x", null] })).toBe(true);
    expect(isValue(undefined)).toBe(false);
    expect(isValue(new Map())).toBe(false);
    expect(isValue(Number.NaN)).toBe(false);
  });
});
