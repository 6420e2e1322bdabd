// How much memory a model state holds, for the checker's memory budget. The memo keeps every
// state the search reaches, so a budget that counted entries at a fixed size would let a queue or
// set history, whose states grow with the history, take gigabytes while it thought it held
// megabytes. A built-in model says what each of its states adds (`Model.sizeOfState`); for any
// other model this walks the state and counts everything it reaches, shared parts included. That
// overstates what sharing saves, which only makes the budget trip early: the safe side.

/** Bytes V8 spends on one heap object's header, roughly (map, properties, elements pointers). */
const OBJECT_BYTES = 32;
/** Bytes per slot of an array, an object property or a Map or Set entry (with its hash bucket). */
const SLOT_BYTES = 8;
const ENTRY_BYTES = 40;
/** Beyond this many objects the walk stops and charges the rest at this rate: a bounded cost. */
const MAX_WALKED = 100_000;

/** An upper estimate of the bytes `state` holds, walking it iteratively (any depth). */
export function approxStateBytes(state: unknown): number {
  let bytes = 0;
  let walked = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [state];
  while (stack.length > 0) {
    const value = stack.pop();
    switch (typeof value) {
      case "string":
        bytes += 16 + 2 * value.length;
        continue;
      case "bigint":
        bytes += 16 + 8 * Math.ceil(value.toString(16).length / 16);
        continue;
      case "number":
        bytes += Number.isInteger(value) && Math.abs(value) < 2 ** 30 ? 0 : 16;
        continue;
      case "object":
        break;
      default:
        continue;
    }
    if (value === null || seen.has(value)) continue;
    seen.add(value);
    if (++walked > MAX_WALKED) {
      // Charge what is left as if every pending value were a small object.
      return bytes + (stack.length + 1) * (OBJECT_BYTES + SLOT_BYTES);
    }
    bytes += OBJECT_BYTES + objectBytes(value, stack);
  }
  return bytes;
}

/** The bytes of one object beyond its header; pushes what it refers to. */
function objectBytes(value: object, stack: unknown[]): number {
  if (Array.isArray(value)) {
    for (const item of value) stack.push(item);
    return SLOT_BYTES * value.length;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) stack.push(k, v);
    return ENTRY_BYTES * value.size;
  }
  if (value instanceof Set) {
    for (const k of value) stack.push(k);
    return ENTRY_BYTES * value.size;
  }
  if (ArrayBuffer.isView(value)) return value.byteLength;
  const keys = Object.keys(value);
  for (const key of keys) {
    stack.push(key, (value as Record<string, unknown>)[key]);
  }
  return SLOT_BYTES * 2 * keys.length;
}
