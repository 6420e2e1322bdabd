// A reader for the subset of EDN (Clojure's data notation) that Jepsen writes in its histories:
// maps, vectors, lists, sets, keywords, strings, numbers (`##Inf`, `##-Inf` and `##NaN` too),
// booleans and nil, with `;` comments and commas as whitespace. A tagged value
// (`#jepsen.history.Op{...}`) reads as the value it tags.
// Not supported, because histories do not use them: symbols, characters, ratios, `#_` discard.

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
  null | boolean | number | string | EdnKeyword | EdnSet | readonly EdnValue[] | EdnMap;
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

/** Converts EDN to JSON data: keywords become their names, sets become arrays, keys strings. */
export function ednToValue(edn: EdnValue): Value {
  if (edn === null || typeof edn !== "object") return edn;
  if (edn instanceof EdnKeyword) return edn.name;
  if (edn instanceof EdnSet) return edn.items.map(ednToValue);
  if (Array.isArray(edn)) return (edn as readonly EdnValue[]).map(ednToValue);
  const out: Record<string, Value> = {};
  for (const [key, value] of edn as EdnMap) out[keyName(key)] = ednToValue(value);
  return out;
}

function keyName(key: EdnValue): string {
  if (key instanceof EdnKeyword) return key.name;
  if (typeof key === "string") return key;
  return JSON.stringify(ednToValue(key));
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

  skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos] as string;
      if (c === " " || c === "," || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (c === ";") {
        while (this.pos < text.length && text[this.pos] !== "\n") this.pos++;
      } else break;
    }
  }

  value(): EdnValue {
    this.skipSpace();
    const c = this.text[this.pos];
    switch (c) {
      case undefined:
        return this.fail("an EDN value");
      case "{":
        return this.map();
      case "[":
        this.pos++;
        return this.sequence("]");
      case "(":
        this.pos++;
        return this.sequence(")");
      case '"':
        return this.string();
      case ":":
        this.pos++;
        return EdnKeyword.of(this.token("a keyword name after ':'"));
      case "#":
        return this.dispatch();
      default:
        return this.atom();
    }
  }

  private map(): EdnMap {
    this.pos++;
    const map = new Map<EdnValue, EdnValue>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return map;
      }
      if (this.atEnd()) this.fail("'}' to close the map");
      const key = this.value();
      this.skipSpace();
      if (this.text[this.pos] === "}" || this.atEnd()) this.fail("a value for the last map key");
      map.set(key, this.value());
    }
  }

  private sequence(close: string): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      if (this.atEnd()) this.fail(`'${close}' to close the sequence`);
      items.push(this.value());
    }
  }

  private dispatch(): EdnValue {
    this.pos++;
    if (this.text[this.pos] === "{") {
      this.pos++;
      return new EdnSet(this.sequence("}"));
    }
    if (this.text[this.pos] === "#") return this.symbolicNumber();
    // A tagged literal: `#tag value` reads as `value`.
    this.token("a set '#{' or a tag name after '#'");
    return this.value();
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
    if (/^[+-]?\d+N?$/.test(token)) return Number(token.replace(/N$/, ""));
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(token)) return Number(token.replace(/M$/, ""));
    this.pos = start;
    return this.fail("nil, true, false, a number, a string, a keyword, a map, a vector or a set");
  }
}
