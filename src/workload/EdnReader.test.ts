import { describe, expect, it } from "vitest";
import {
  EdnKeyword,
  EdnSet,
  ednToValue,
  readEdn,
  readEdnAll,
  readEdnPrefix,
  type EdnMap,
} from "./EdnReader.js";
import { HistoryParseError } from "./HistoryParseError.js";

describe("EdnReader", () => {
  it("shows that a Jepsen map reads with interned keywords as keys", () => {
    const map = readEdn('{:process 0, :type :invoke, :f :put, :key "1", :value "x"}') as EdnMap;
    expect(map.get(EdnKeyword.of("process"))).toBe(0);
    expect(map.get(EdnKeyword.of("f"))).toBe(EdnKeyword.of("put"));
    expect(ednToValue(map)).toEqual({ process: 0, type: "invoke", f: "put", key: "1", value: "x" });
  });

  it("shows that vectors, lists, sets, numbers, nil, booleans, escapes and tags read", () => {
    expect(readEdn("[1 -2 3.5 1e3 7N 2.5M nil true false]")).toEqual([
      1,
      -2,
      3.5,
      1000,
      7,
      2.5,
      null,
      true,
      false,
    ]);
    expect(readEdn("(1 [2 3])")).toEqual([1, [2, 3]]);
    expect(readEdn("#{1 2}")).toEqual(new EdnSet([1, 2]));
    expect(readEdn('"a\\"b\\n\\u0041"')).toBe('a"b\nA');
    expect(ednToValue(readEdn("#jepsen.history.Op{:f :read ; comment\n}"))).toEqual({ f: "read" });
    expect(readEdnAll("1 2 ,, 3")).toEqual([1, 2, 3]);
  });

  it("shows that ##Inf, ##-Inf and ##NaN are the symbolic numbers, not tags that swallow a value", () => {
    expect(readEdn("[##Inf 1]")).toEqual([Infinity, 1]);
    expect(readEdn("[##-Inf, ##NaN]")).toEqual([-Infinity, NaN]);
    expect(readEdnAll("##Inf ##Inf")).toEqual([Infinity, Infinity]);
    expect(() => readEdn("##Infinity", 2)).toThrow(
      /line 2: expected Inf, -Inf or NaN after '##' at column 3/,
    );
    expect(() => readEdn("[##]")).toThrow(/expected Inf, -Inf or NaN after '##' at column 4/);
  });

  it("shows that malformed EDN names the line, the column and what was expected", () => {
    const cases: [string, RegExp][] = [
      ["{:a 1", /line 4: expected '}' to close the map at column 6/],
      ["{:a}", /expected a value for the last map key at column 4/],
      ['"open', /expected '"' to close the string/],
      ["[1 2", /expected ']' to close the sequence/],
      ["foo", /expected nil, true, false, a number/],
      ["1 2", /expected the end of the value at column 3/],
    ];
    for (const [text, message] of cases) {
      expect(() => readEdn(text, 4)).toThrow(HistoryParseError);
      expect(() => readEdn(text, 4)).toThrow(message);
    }
  });

  it("shows that readEdnPrefix reads one value and returns the free text after it", () => {
    expect(readEdnPrefix("[0 3]\t:value-mismatch")).toEqual({
      value: [0, 3],
      rest: ":value-mismatch",
    });
    expect(readEdnPrefix("nil\tindeterminate: Read timed out")).toEqual({
      value: null,
      rest: "indeterminate: Read timed out",
    });
    expect(readEdnPrefix("4")).toEqual({ value: 4, rest: "" });
    expect(() => readEdnPrefix("[0 3\t:x", 9)).toThrow(/^line 9: expected ']' to close/);
  });

  it("shows that numbers are exact: big integers stay bigints, inexact ones and leading zeros are refused", () => {
    expect(readEdn("[9007199254740992 9007199254740993 9007199254740993N]")).toEqual([
      2 ** 53,
      2n ** 53n + 1n,
      2n ** 53n + 1n,
    ]);
    expect(() => readEdn("1e400")).toThrow(/a number a 64-bit float holds as written/);
    expect(() => readEdn("0.30000000000000001M")).toThrow(/64-bit float holds as written/);
    expect(() => readEdn("[1 007]")).toThrow(
      /an integer without leading zeros \(EDN has no octal\) at column 4/,
    );
    expect(readEdn("[0 -0 +7]")).toEqual([0, 0, 7]);
  });

  it("shows that ednToValue refuses what JSON data cannot hold exactly, naming the line", () => {
    expect(() => ednToValue(readEdn("[1 9007199254740993]"), 7)).toThrow(
      /line 7: expected an integer a 64-bit float holds exactly, got "9007199254740993"/,
    );
    expect(() => ednToValue(readEdn("##NaN"), 3)).toThrow(/line 3: expected a finite number/);
    expect(() => ednToValue(readEdn("{:a ##-Inf}"))).toThrow(/"##-Inf"/);
  });

  it("shows that #_ discards the next value wherever it stands", () => {
    expect(readEdn("[1 #_ 2 3]")).toEqual([1, 3]);
    expect(readEdn("[1 #_ #_ 2 3 4]")).toEqual([1, 4]);
    expect(ednToValue(readEdn("{:a #_ :b 1}"))).toEqual({ a: 1 });
    expect(readEdnAll("#_ {:x 1} 5")).toEqual([5]);
    expect(() => readEdn("[1 #_]")).toThrow(/an EDN value/);
  });

  it("shows that nesting, tags and discards past the documented depth are refused, not a stack overflow", () => {
    const deep = (open: string, close: string, n: number) => open.repeat(n) + close.repeat(n);
    expect(() => readEdn(deep("[", "]", 100))).not.toThrow();
    for (const text of [
      deep("[", "]", 101),
      deep("{:a ", "}", 100_000),
      deep("#{", "}", 100_000),
      "#_ ".repeat(100_000) + "1",
      "#t ".repeat(100_000) + "1",
    ]) {
      expect(() => readEdn(text)).toThrow(/at most 100 levels/);
    }
  });

  it("shows that a repeated map key is refused rather than one value silently kept", () => {
    expect(() => readEdn("{:value 1 :value 2}")).toThrow(
      /a key not already in this map at column 11/,
    );
  });
});
