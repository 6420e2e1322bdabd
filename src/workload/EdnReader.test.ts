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
});
