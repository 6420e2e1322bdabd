// Digital signatures for the replicas and clients of a Byzantine-tolerant protocol. The simulator
// already authenticates every message by its sender (a node cannot forge `message.from`), which
// is all the normal case needs. A view change, though, forwards *other* replicas' statements (a
// prepared certificate is 2f+1 prepares), and those must stay verifiable second-hand — so
// statements that travel are signed with Ed25519. Ed25519 signing is deterministic (RFC 8032), and
// the keys are derived from the seed, so a signed run is as reproducible as any other. A Byzantine
// node holds its own private key (it can sign any lie of its own) but nobody else's.

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { assert } from "../../core/assert.js";
import type { Rng } from "../../core/Rng.js";

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Signs statements as one participant. */
export interface Signer {
  readonly id: string;
  sign(statement: string): string;
}

/** A short hex digest (SHA-256, 64 bits) of a string: names requests and certificates. */
export function digestOf(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export class Keyring {
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly publicKeys = new Map<string, KeyObject>();
  /** Verified (signer, statement, signature) triples: certificates repeat the same prepares. */
  private readonly verified = new Set<string>();

  /** One key pair per participant, drawn from `rng` (so the same seed gives the same keys). */
  constructor(ids: readonly string[], rng: Rng) {
    for (const id of ids) {
      const seed = Buffer.alloc(32);
      for (let i = 0; i < 32; i += 4) seed.writeUInt32LE(rng.nextU32(), i);
      const key = createPrivateKey({
        key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
        format: "der",
        type: "pkcs8",
      });
      this.privateKeys.set(id, key);
      this.publicKeys.set(id, createPublicKey(key));
    }
  }

  /** The signing capability of `id`: hand it to `id`'s code (or to its adversary) only. */
  signer(id: string): Signer {
    const key = this.privateKeys.get(id);
    assert(key !== undefined, `no key for ${id}`);
    return { id, sign: (statement) => sign(null, Buffer.from(statement), key).toString("base64") };
  }

  /** True when `signature` is `signer`'s signature of `statement`. Never throws on bad input. */
  verify(signer: string, statement: string, signature: unknown): boolean {
    const key = this.publicKeys.get(signer);
    if (key === undefined || typeof signature !== "string") return false;
    const memo = `${signer}\u0000${statement}\u0000${signature}`;
    if (this.verified.has(memo)) return true;
    const ok = verify(null, Buffer.from(statement), key, Buffer.from(signature, "base64"));
    if (ok) this.verified.add(memo);
    return ok;
  }
}
