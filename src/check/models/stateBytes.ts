// What V8 spends on the pieces the built-in models' states are made of (64-bit, no pointer
// compression, as Node ships), rounded up: the figures their `sizeOfState` adds up.

/** A JSArray and its backing store's header (measured: 56). */
export const ARRAY_BYTES = 64;
/** One pointer-sized slot. */
export const SLOT_BYTES = 8;
/** A JSMap and its hash table's header. */
export const MAP_BYTES = 96;
/** One Map entry (key, value, chain) and its share of the buckets, at the table's lowest load. */
export const MAP_ENTRY_BYTES = 56;

/** A flat string of `length` characters (two bytes each, to be safe) and its header. */
export function stringBytes(length: number): number {
  return 24 + 2 * length;
}
