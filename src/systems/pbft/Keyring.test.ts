// Shows that the keyring's keys are the seed's (the same seed, the same keys, whatever the import
// path), that signatures and MACs convince only with the right key, and that each participant's
// MAC capability covers only its own pairs.

import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/Rng.js";
import { Keyring, digestOf } from "./Keyring.js";

const IDS = ["r0", "r1", "c0"];

describe("Keyring", () => {
  it("imports each Ed25519 key as the seed's own (the JWK import derives the public key from d)", () => {
    const rng = Rng.fromSeed(7).derive("keys");
    const keyring = new Keyring(IDS, rng);
    // The same draws, imported the standard way (PKCS#8 DER): the public keys must be equal.
    const again = Rng.fromSeed(7).derive("keys");
    for (const id of IDS) {
      const seed = Buffer.alloc(32);
      for (let i = 0; i < 32; i += 4) seed.writeUInt32LE(again.nextU32(), i);
      const prefix = Buffer.from("302e020100300506032b657004220420", "hex");
      const der = createPrivateKey({
        key: Buffer.concat([prefix, seed]),
        format: "der",
        type: "pkcs8",
      });
      const expected = createPublicKey(der).export({ format: "jwk" }).x;
      expect(keyring.publicKey(id)!.export({ format: "jwk" }).x).toBe(expected);
    }
  });

  it("verifies a signature only for its signer and statement", () => {
    const keyring = new Keyring(IDS, Rng.fromSeed(1).derive("keys"));
    const signature = keyring.signer("r0").sign("view-change|1|r0|x");
    expect(keyring.verify("r0", "view-change|1|r0|x", signature)).toBe(true);
    expect(keyring.verify("r1", "view-change|1|r0|x", signature)).toBe(false);
    expect(keyring.verify("r0", "view-change|1|r0|y", signature)).toBe(false);
    expect(keyring.verify("r0", "view-change|1|r0|x", 42)).toBe(false);
  });

  it("gives the same MAC keys for the same seed, other keys for another, none across pairs", () => {
    const a = new Keyring(IDS, Rng.fromSeed(1).derive("keys"));
    const b = new Keyring(IDS, Rng.fromSeed(1).derive("keys"));
    const c = new Keyring(IDS, Rng.fromSeed(2).derive("keys"));
    const mac = a.macs("r0").mac("r1", "prepare|0|1|d|r0");
    expect(b.macs("r1").verify("r0", "prepare|0|1|d|r0", mac)).toBe(true);
    expect(c.macs("r1").verify("r0", "prepare|0|1|d|r0", mac)).toBe(false);
    // The pair {r0, c0} has another key than {r0, r1}: c0 cannot pass r0's MAC for r1 as its own.
    expect(a.macs("r1").verify("c0", "prepare|0|1|d|r0", mac)).toBe(false);
    expect(mac).toMatch(/^[0-9a-f]{16}$/);
    expect(() => a.macs("r0").mac("nobody", "x")).toThrow(/shares no key/);
  });

  it("digests a text as SHA-256 every time, a remembered digest only for the very same text", () => {
    const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
    const texts = ["request|c0|1|op", "request|c0|1|oq", "request|c0|1|op ", "request|c0|1|ø"];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) expect(digestOf(text)).toBe(sha(text));
    }
    expect(new Set(texts.map(digestOf)).size).toBe(texts.length);
    // Past the memo's bound it starts over and still answers the same.
    for (let i = 0; i < 5000; i++) digestOf(`filler ${i}`);
    for (const text of texts) expect(digestOf(text)).toBe(sha(text));
  });
});
