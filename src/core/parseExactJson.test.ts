import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstBigint, JsonTextError, MAX_NESTING_DEPTH, parseExactJson } from "./parseExactJson.js";

describe("parseExactJson", () => {
  it("shows that it reads what JSON.parse reads when every number is exact (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseExactJson(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it("shows that integers a float cannot hold stay exact, and inexact decimals are refused", () => {
    expect(parseExactJson('{"a":9007199254740993}')).toEqual({ a: 2n ** 53n + 1n });
    expect(firstBigint(parseExactJson("[1,[2,9007199254740993]]"))).toBe(2n ** 53n + 1n);
    expect(firstBigint(parseExactJson("[1,[2,9007199254740992]]"))).toBeUndefined();
    expect(() => parseExactJson("1e400")).toThrow(/64-bit float holds as written, not 1e400/);
    expect(() => parseExactJson("0.30000000000000001")).toThrow(JsonTextError);
    expect(() => parseExactJson("012")).toThrow(/the end of the text at column 2/);
  });

  it("shows that nesting past the documented depth is refused, at any length of input", () => {
    const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    expect(() => parseExactJson(nested(MAX_NESTING_DEPTH))).not.toThrow();
    expect(() => parseExactJson(nested(MAX_NESTING_DEPTH + 1))).toThrow(
      new RegExp(`at most ${MAX_NESTING_DEPTH} levels`),
    );
    expect(() => parseExactJson(nested(1_000_000))).toThrow(JsonTextError);
  });

  it("shows that keys are ordinary and unique: __proto__ is data, a repeated key is refused", () => {
    const value = parseExactJson('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(() => parseExactJson('{"a":1,"a":2}')).toThrow(/a key not already in this object/);
  });

  it("shows that malformed text names its column", () => {
    const cases: [string, RegExp][] = [
      ["", /a JSON value at column 1/],
      ["[1,]", /a JSON value at column 4/],
      ['{"a" 1}', /':' after the key at column 6/],
      ['"abc', /'"' to close the string/],
      ['"a\\x"', /valid escapes/],
      ['"a\u0001"', /raw control characters/],
      ["[1 2]", /',' or ']' at column 4/],
      ["tru", /a JSON value at column 1/],
    ];
    for (const [text, message] of cases) expect(() => parseExactJson(text)).toThrow(message);
  });
});
