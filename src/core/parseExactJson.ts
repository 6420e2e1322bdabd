// A JSON parser for untrusted files, where `JSON.parse` falls short in two ways. It rounds numbers
// (`9007199254740993` reads as `9007199254740992`), so two different values could compare equal;
// here every number is exact (see exactNumber.ts): an integer a float cannot hold is kept as a
// bigint, and a decimal a float cannot hold is refused. And nesting is unbounded, so a few KB of
// `[[[[…` become a value that every recursive walk after it (equality, hashing, printing)
// overflows the stack on; here nesting deeper than `MAX_NESTING_DEPTH` is refused. Objects are
// plain, a key may appear once, and `__proto__` is an ordinary key.

import { MurphyError } from "./errors.js";
import { exactDecimal, exactInteger, MAX_NUMBER_TOKEN_CHARS } from "./exactNumber.js";

/**
 * How deeply arrays and objects (and EDN collections) may nest in a file murphy reads: deep
 * enough for any history or trace, shallow enough that every recursive walk of a value is safe.
 */
export const MAX_NESTING_DEPTH = 100;

/** JSON data with exact numbers: integers a float cannot hold stay bigints. */
export type ExactJson =
  null | boolean | number | bigint | string | ExactJson[] | { [key: string]: ExactJson };

/** Where the text stopped being JSON this parser accepts, and what it expected there. */
export class JsonTextError extends MurphyError {
  readonly code = "E_JSON_TEXT";
  readonly definite = true;
  constructor(
    /** 1-based position in the text. */
    readonly column: number,
    readonly expected: string,
  ) {
    super(`expected ${expected} at column ${column}`);
  }
}

/** Parses one JSON text exactly; throws JsonTextError naming the column and what was expected. */
export function parseExactJson(text: string, maxDepth = MAX_NESTING_DEPTH): ExactJson {
  const parser = new Parser(text, maxDepth);
  const value = parser.value(0);
  parser.end();
  return value;
}

/** The first bigint in a parsed value (an integer a float cannot hold), if any. */
export function firstBigint(value: ExactJson | undefined): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (value === null || typeof value !== "object") return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = firstBigint(item);
    if (found !== undefined) return found;
  }
  return undefined;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  end(): void {
    this.space();
    if (this.pos < this.text.length) this.fail("the end of the text");
  }

  value(depth: number): ExactJson {
    this.space();
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal("true", true);
      case 0x66: // f
        return this.literal("false", false);
      case 0x6e: // n
        return this.literal("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail("a JSON value");
    }
  }

  private fail(expected: string): never {
    throw new JsonTextError(this.pos + 1, expected);
  }

  private space(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private nest(depth: number): void {
    if (depth > this.maxDepth) {
      this.fail(`at most ${this.maxDepth} levels of nested arrays and objects`);
    }
    this.pos++;
  }

  private object(depth: number): { [key: string]: ExactJson } {
    this.nest(depth);
    const out: { [key: string]: ExactJson } = {};
    this.space();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail("a string key");
      const keyAt = this.pos;
      const key = this.string();
      if (Object.hasOwn(out, key)) {
        this.pos = keyAt;
        this.fail(`a key not already in this object (${JSON.stringify(key)} is)`);
      }
      this.space();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("':' after the key");
      this.pos++;
      const value = this.value(depth);
      // Defined, not assigned: assigning `__proto__` would change the object's prototype.
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.space();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("',' or '}'");
      }
    }
  }

  private array(depth: number): ExactJson[] {
    this.nest(depth);
    const out: ExactJson[] = [];
    this.space();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.space();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("',' or ']'");
      }
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.pos;
    let pos = start + 1;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) {
        this.pos = pos;
        this.fail("'\"' to close the string");
      }
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        pos += 2;
        continue;
      }
      if (c < 0x20) {
        this.pos = pos;
        this.fail("a string without raw control characters (escape them, e.g. \\n)");
      }
      pos++;
    }
    this.pos = pos + 1;
    if (!escaped) return text.slice(start + 1, pos);
    try {
      // The escapes are JSON's own; JSON.parse decodes them (and refuses bad ones) without nesting.
      return JSON.parse(text.slice(start, pos + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail(
        'a string with valid escapes (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t, \\uXXXX)',
      );
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail("a JSON value");
    this.pos += word.length;
    return value;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.fail("a number");
    const token = match[0];
    if (token.length > MAX_NUMBER_TOKEN_CHARS) {
      this.fail(`a number of at most ${MAX_NUMBER_TOKEN_CHARS} characters`);
    }
    if (match[1] === undefined && match[2] === undefined) {
      this.pos += token.length;
      return exactInteger(token);
    }
    const n = exactDecimal(token);
    if (n === undefined) {
      this.fail(
        `a number a 64-bit float holds as written, not ${token.length > 40 ? token.slice(0, 37) + "..." : token} ` +
          "(out of range, or more digits than it keeps); write it as a string",
      );
    }
    this.pos += token.length;
    return n;
  }
}
