// Client request IDs. A client makes one ID per logical operation and sends it with every retry of
// that operation, so that the server's DedupTable can recognise a retry and replay the first
// result instead of applying the operation again. The ID is drawn from the Random passed in: the
// seeded Rng in simulation (reproducible), CryptoRandom in production (unguessable).

import type { Random } from "../core/Clock.js";

const TWO_POW_32 = 4294967296;

/** A fresh RFC 4122 version-4 UUID, e.g. "9b2c…-4…-a…-…". */
export function createRequestId(random: Random): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  const w0 = random.int(TWO_POW_32);
  const w1 = (random.int(TWO_POW_32) & 0xffff0fff) | 0x4000;
  const w2 = (random.int(TWO_POW_32) & 0x3fffffff) | 0x80000000;
  const w3 = random.int(TWO_POW_32);
  const s = hex(w0) + hex(w1) + hex(w2) + hex(w3);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
