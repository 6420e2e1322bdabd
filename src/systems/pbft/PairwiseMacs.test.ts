// Shows that a pair's MAC is standard HMAC-SHA256 (truncated to 64 bits) under the key derived
// from the seed, on either side of the scratch-pad limit and for non-ASCII text, and that the
// memo of computed MACs never lets a different statement pass with another statement's MAC.

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/Rng.js";
import { PairwiseKeys } from "./PairwiseMacs.js";

const IDS = ["r0", "r1", "c0"];

/** The pair key and MAC computed from the definitions, with node's own HMAC. */
function reference(seed: number, a: string, b: string, statement: string): string {
  const rng = Rng.fromSeed(seed).derive("macs");
  const master = Buffer.alloc(32);
  for (let i = 0; i < 32; i += 4) master.writeUInt32LE(rng.nextU32(), i);
  const [low, high] = a < b ? [a, b] : [b, a];
  const key = createHmac("sha256", master).update(`${low}\u0000${high}`).digest();
  return createHmac("sha256", key).update(statement).digest("hex").slice(0, 16);
}

describe("PairwiseKeys", () => {
  it("computes HMAC-SHA256 under the pair's key, short or long, ASCII or not", () => {
    const keys = new PairwiseKeys(IDS, Rng.fromSeed(3).derive("macs"));
    const statements = [
      "",
      "prepare|0|1|0123456789abcdef|r0",
      "request|c0|1|naïve → ünïcödé ☃",
      "x".repeat(341), // the longest that fits the scratch pad (3 bytes per character at most)
      "x".repeat(342), // the shortest that goes through createHmac instead
      "é".repeat(600),
    ];
    for (const statement of statements) {
      const expected = reference(3, "r0", "r1", statement);
      expect(keys.authority("r0").mac("r1", statement)).toBe(expected);
      expect(keys.authority("r1").mac("r0", statement)).toBe(expected);
      expect(keys.authority("r0").mac("c0", statement)).toBe(reference(3, "r0", "c0", statement));
    }
  });

  it("rejects a statement changed after its MAC was computed and remembered", () => {
    const keys = new PairwiseKeys(IDS, Rng.fromSeed(4).derive("macs"));
    const sender = keys.authority("r0");
    const receiver = keys.authority("r1");
    const statement = "prepare|0|1|0123456789abcdef|r0";
    const mac = sender.mac("r1", statement);
    expect(receiver.verify("r0", statement, mac)).toBe(true);
    // Same length, one character apart; a prefix; an extension: each is computed afresh.
    for (const tampered of [
      "prepare|0|1|0123456789abcdee|r0",
      "prepare|0|1|0123456789abcdef|r",
      `${statement}|r2`,
    ]) {
      expect(receiver.verify("r0", tampered, mac)).toBe(false);
      expect(receiver.verify("r0", tampered, sender.mac("r1", tampered))).toBe(true);
    }
    expect(receiver.verify("r0", statement, mac)).toBe(true);
  });
});
