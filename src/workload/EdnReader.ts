// A reader for the subset of EDN (Clojure's data notation) that Jepsen writes in its histories:
// maps, vectors, lists, sets, keywords, strings, numbers (`##Inf`, `##-Inf` and `##NaN` too),
// booleans and nil, with `;` comments and commas as whitespace, and `#_` discarding the next value.
// A tagged value (`#jepsen.history.Op{...}`) reads as the value it tags.
// Not supported, because histories do not use them: symbols, characters, ratios.
//
// Input is untrusted, so numbers are exact: an integer a 64-bit float cannot hold reads as a
// bigint, a decimal it cannot hold as written (`1e400`, `0.30000000000000001`) is refused, and so
// is an integer with a leading zero (EDN has none). Collections nest at most MAX_NESTING_DEPTH
// deep. `ednToValue`, which turns EDN into the JSON data checkers compare, refuses what JSON
// cannot say exactly: bigints, `##NaN` and `##Inf`.

import { MAX_NESTING_DEPTH } from "../core/parseExactJson.js";
import { exactDecimal, exactInteger, MAX_NUMBER_TOKEN_CHARS } from "../core/exactNumber.js";
import { HistoryParseError } from "./HistoryParseError.js";
import type { Value } from "./Value.js";

/** An EDN keyword such as `:invoke`; interned, so keywords compare (and key maps) by identity. */
export class EdnKeyword {
  private static readonly interned = new Map<string, EdnKeyword>();
  private constructor(readonly name: string) {}

  static of(name: string): EdnKeyword {
    let keyword = EdnKeyword.interned.get(name);
    if (keyword === undefined) {
      keyword = new EdnKeyword(name);
      EdnKeyword.interned.set(name, keyword);
    }
    return keyword;
  }

  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSet {
  constructor(readonly items: readonly EdnValue[]) {}
}

export type EdnValue =
  null | boolean | number | bigint | string | EdnKeyword | EdnSet | readonly EdnValue[] | EdnMap;
export type EdnMap = ReadonlyMap<EdnValue, EdnValue>;

const DELIMITERS = new Set(["{", "}", "[", "]", "(", ")", '"', ";"]);
const SYMBOLIC_NUMBERS = new Map([
  ["Inf", Infinity],
  ["-Inf", -Infinity],
  ["NaN", NaN],
]);

/** Reads exactly one EDN value from `text`; `line` is used in error messages. */
export function readEdn(text: string, line = 1): EdnValue {
  const reader = new Reader(text, line);
  const value = reader.value();
  reader.skipSpace();
  if (!reader.atEnd()) reader.fail("the end of the value");
  return value;
}

/**
 * Reads one EDN value from the start of `text` and returns it with the text after it (leading
 * whitespace removed), for lines where a value is followed by free text, such as Jepsen's error
 * column.
 */
export function readEdnPrefix(text: string, line = 1): { value: EdnValue; rest: string } {
  const reader = new Reader(text, line);
  const value = reader.value();
  reader.skipSpace();
  return { value, rest: reader.remaining() };
}

/** Reads every top-level EDN value in `text` (e.g. several values on one line). */
export function readEdnAll(text: string, line = 1): EdnValue[] {
  const reader = new Reader(text, line);
  const values: EdnValue[] = [];
  for (reader.skipSpace(); !reader.atEnd(); reader.skipSpace()) values.push(reader.value());
  return values;
}

/**
 * Converts EDN to JSON data: keywords become their names, sets become arrays, keys strings.
 * Throws HistoryParseError (on `line`) for a number JSON data cannot hold exactly: a bigint,
 * `##NaN` (which equals nothing, not even itself) or `##Inf`.
 */
export function ednToValue(edn: EdnValue, line = 1): Value {
  if (typeof edn === "bigint" || (typeof edn === "number" && !Number.isFinite(edn))) {
    throw new HistoryParseError({
      line,
      expected:
        typeof edn === "bigint"
          ? "an integer a 64-bit float holds exactly"
          : "a finite number (##NaN and ##Inf have no exact comparison)",
      got:
        typeof edn === "bigint"
          ? String(edn)
          : edn === edn
            ? `##${edn < 0 ? "-" : ""}Inf`
            : "##NaN",
      fix: "values are compared exactly; write such numbers as strings",
    });
  }
  if (edn === null || typeof edn !== "object") return edn;
  if (edn instanceof EdnKeyword) return edn.name;
  if (edn instanceof EdnSet) return edn.items.map((item) => ednToValue(item, line));
  if (Array.isArray(edn)) return (edn as readonly EdnValue[]).map((item) => ednToValue(item, line));
  const out: Record<string, Value> = {};
  for (const [key, value] of edn as EdnMap) {
    // Defined, not assigned: a key named `__proto__` must stay an ordinary key.
    Object.defineProperty(out, keyName(key, line), {
      value: ednToValue(value, line),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function keyName(key: EdnValue, line: number): string {
  if (key instanceof EdnKeyword) return key.name;
  if (typeof key === "string") return key;
  return JSON.stringify(ednToValue(key, line));
}

class Reader {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly line: number,
  ) {}

  remaining(): string {
    return this.text.slice(this.pos);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(expected: string): never {
    const rest = this.text.slice(this.pos, this.pos + 40);
    throw new HistoryParseError({
      line: this.line,
      expected: `${expected} at column ${this.pos + 1}`,
      got: rest === "" ? "the end of the line" : rest,
    });
  }

  /** Skips whitespace, commas, `;` comments and `#_` discarded values (nested `depth` deep). */
  skipSpace(depth = 0): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos] as string;
      if (c === " " || c === "," || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (c === ";") {
        while (this.pos < text.length && text[this.pos] !== "\n") this.pos++;
      } else if (c === "#" && text[this.pos + 1] === "_") {
        // `#_ value` is whitespace to the reader: the value is read (it must be well formed) and
        // dropped, wherever it stands.
        this.deeper(depth + 1);
        this.pos += 2;
        this.value(depth + 1);
      } else break;
    }
  }

  /** Reads one value; `depth` is how many collections enclose it. */
  value(depth = 0): EdnValue {
    this.skipSpace(depth);
    const c = this.text[this.pos];
    switch (c) {
      case undefined:
        return this.fail("an EDN value");
      case "{":
        return this.map(depth + 1);
      case "[":
        this.nest(depth + 1);
        return this.sequence("]", depth + 1);
      case "(":
        this.nest(depth + 1);
        return this.sequence(")", depth + 1);
      case '"':
        return this.string();
      case ":":
        this.pos++;
        return EdnKeyword.of(this.token("a keyword name after ':'"));
      case "#":
        return this.dispatch(depth);
      default:
        return this.atom();
    }
  }

  /** Steps into a collection at `depth`, refusing nesting deeper than MAX_NESTING_DEPTH. */
  private nest(depth: number): void {
    this.deeper(depth);
    this.pos++;
  }

  /** Collections, tags and discards nest: each is a level of the reader's recursion. */
  private deeper(depth: number): void {
    if (depth > MAX_NESTING_DEPTH) {
      this.fail(`at most ${MAX_NESTING_DEPTH} levels of nested collections, tags and discards`);
    }
  }

  private map(depth: number): EdnMap {
    this.nest(depth);
    const map = new Map<EdnValue, EdnValue>();
    for (;;) {
      this.skipSpace(depth);
      if (this.text[this.pos] === "}") {
        this.pos++;
        return map;
      }
      if (this.atEnd()) this.fail("'}' to close the map");
      const keyAt = this.pos;
      const key = this.value(depth);
      if (map.has(key)) {
        this.pos = keyAt;
        this.fail("a key not already in this map");
      }
      this.skipSpace(depth);
      if (this.text[this.pos] === "}" || this.atEnd()) this.fail("a value for the last map key");
      map.set(key, this.value(depth));
    }
  }

  private sequence(close: string, depth: number): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      this.skipSpace(depth);
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      if (this.atEnd()) this.fail(`'${close}' to close the sequence`);
      items.push(this.value(depth));
    }
  }

  private dispatch(depth: number): EdnValue {
    this.pos++;
    if (this.text[this.pos] === "{") {
      this.nest(depth + 1);
      return new EdnSet(this.sequence("}", depth + 1));
    }
    if (this.text[this.pos] === "#") return this.symbolicNumber();
    // A tagged literal: `#tag value` reads as `value`.
    this.deeper(depth + 1);
    this.token("a set '#{' or a tag name after '#'");
    return this.value(depth + 1);
  }

  /** `##Inf`, `##-Inf` or `##NaN`, the EDN spelling of the numbers that have no digits. */
  private symbolicNumber(): number {
    this.pos++;
    const expected = "Inf, -Inf or NaN after '##'";
    const start = this.pos;
    const name = this.token(expected);
    const number = SYMBOLIC_NUMBERS.get(name);
    if (number !== undefined) return number;
    this.pos = start;
    return this.fail(expected);
  }

  private string(): string {
    this.pos++;
    let out = "";
    const text = this.text;
    for (;;) {
      const c = text[this.pos];
      if (c === undefined) return this.fail("'\"' to close the string");
      this.pos++;
      if (c === '"') return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[this.pos++];
      if (e === "n") out += "\n";
      else if (e === "t") out += "\t";
      else if (e === "r") out += "\r";
      else if (e === '"' || e === "\\") out += e;
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else {
        this.pos -= 2;
        this.fail('a string escape (\\n, \\t, \\r, \\", \\\\ or \\uXXXX)');
      }
    }
  }

  private token(expected: string): string {
    const start = this.pos;
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos] as string;
      if (c === " " || c === "," || c === "\t" || c === "\n" || c === "\r") break;
      if (DELIMITERS.has(c)) break;
      this.pos++;
    }
    if (this.pos === start) this.fail(expected);
    return text.slice(start, this.pos);
  }

  private atom(): EdnValue {
    const start = this.pos;
    const token = this.token("an EDN value");
    if (token === "nil") return null;
    if (token === "true") return true;
    if (token === "false") return false;
    const integer = /^[+-]?(\d+)N?$/.exec(token);
    const decimal = integer === null && /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(token);
    if (integer === null && !decimal) {
      this.pos = start;
      return this.fail("nil, true, false, a number, a string, a keyword, a map, a vector or a set");
    }
    if (token.length > MAX_NUMBER_TOKEN_CHARS) {
      this.pos = start;
      return this.fail(`a number of at most ${MAX_NUMBER_TOKEN_CHARS} characters`);
    }
    if (integer !== null) {
      if (integer[1]!.length > 1 && integer[1]!.startsWith("0")) {
        this.pos = start;
        return this.fail("an integer without leading zeros (EDN has no octal)");
      }
      return exactInteger(token.replace(/N$/, ""));
    }
    const n = exactDecimal(token.replace(/M$/, ""));
    if (n === undefined) {
      this.pos = start;
      return this.fail(
        "a number a 64-bit float holds as written (in range, and no more digits than it keeps)",
      );
    }
    return n;
  }
}
