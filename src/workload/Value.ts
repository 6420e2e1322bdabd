// The values that flow through a history: what a client sent and what it got back. They are plain
// JSON data so that a history can be written to a file and read back unchanged. Equality and
// hashing are structural, and objects compare without regard to key order, so that two clients
// that built the same value in different ways are seen to agree.

import { MAX_NESTING_DEPTH } from "../core/parseExactJson.js";

/** A JSON value: the inputs and outputs of recorded operations. */
export type Value = null | boolean | number | string | readonly Value[] | ValueObject;

export interface ValueObject {
  readonly [key: string]: Value;
}

/** Structural equality; object keys in any order; `NaN` is not produced by JSON and not handled. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  const ao = a as ValueObject;
  const bo = b as ValueObject;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(bo, key) || !valuesEqual(ao[key] as Value, bo[key] as Value)) return false;
  }
  return true;
}

/** A 32-bit structural hash, consistent with `valuesEqual`. */
export function hashValue(value: Value): number {
  return hashInto(0x811c9dc5, value) >>> 0;
}

function hashInto(h: number, value: Value): number {
  if (value === null) return mixInt(h, 0x6e756c6c);
  switch (typeof value) {
    case "boolean":
      return mixInt(h, value ? 0x74727565 : 0x66616c73);
    case "number":
      return Number.isInteger(value) && Math.abs(value) < 2 ** 31
        ? mixInt(mixInt(h, 0x6e756d), value)
        : mixString(mixInt(h, 0x666c74), String(value));
    case "string":
      return mixString(mixInt(h, 0x737472), value);
    default:
      break;
  }
  if (Array.isArray(value)) {
    let out = mixInt(h, 0x617272 ^ value.length);
    for (const item of value as readonly Value[]) out = hashInto(out, item);
    return out;
  }
  // Objects: combine member hashes with addition so that key order does not matter.
  let sum = 0;
  const object = value as ValueObject;
  for (const key of Object.keys(object)) {
    sum = (sum + hashInto(mixString(0x9e3779b9, key), object[key] as Value)) | 0;
  }
  return mixInt(mixInt(h, 0x6f626a), sum);
}

function mixInt(h: number, x: number): number {
  h = Math.imul(h ^ (x | 0), 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x85ebca6b);
}

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mixInt(h, s.length);
}

/** Renders a value compactly for messages and reports: `nil` for null, JSON otherwise. */
export function showValue(value: Value | undefined): string {
  if (value === undefined) return "?";
  if (value === null) return "nil";
  const text = JSON.stringify(value);
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/**
 * True when `value` is plain JSON data (what `Value` promises), nested at most `maxDepth` deep
 * (MAX_NESTING_DEPTH, the bound the file readers keep, by default); used to validate input. The
 * bound is what keeps every recursive walk of a value (equality, hashing, printing) off the
 * stack's edge.
 */
export function isValue(value: unknown, maxDepth = MAX_NESTING_DEPTH): value is Value {
  if (value === null) return true;
  switch (typeof value) {
    case "boolean":
    case "string":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      if (maxDepth <= 0) return false;
      if (Array.isArray(value)) return value.every((item) => isValue(item, maxDepth - 1));
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.values(value as object).every((item) => isValue(item, maxDepth - 1));
    default:
      return false;
  }
}

/** A canonical JSON string: equal values (object keys in any order) give equal strings. */
export function canonicalValue(value: Value): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as Value[]).map(canonicalValue).join(",")}]`;
  const object = value as ValueObject;
  const keys = Object.keys(object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue(object[k] as Value)}`).join(",")}}`;
}
