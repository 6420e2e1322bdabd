// The keys of a Byzantine-tolerant group: digital signatures for statements that must convince a
// third party, and pairwise MAC keys (PairwiseMacs) for everything else. The simulator already
// authenticates every message by its sender (a node cannot forge `message.from`); PBFT's normal
// case still carries MAC authenticators, as it would over a real network. A view change forwards
// what replicas said, and that must stay verifiable second-hand — so view-change messages are
// signed with Ed25519. Ed25519 signing is deterministic (RFC 8032), and all keys are derived from
// the seed, so a signed run is as reproducible as any other. A Byzantine node holds its own private
// key and the MAC keys of the pairs it belongs to (it can sign or authenticate any lie of its own)
// but nobody else's.
//
// Costs are paid once: a key pair is imported the first time its participant signs or is verified
// (runs without a view change never import one), a verified signature is remembered, and a pair's
// MAC key is derived once.

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { assert } from "../../core/assert.js";
import type { Rng } from "../../core/Rng.js";
import { type MacAuthority, PairwiseKeys, sha256 } from "./PairwiseMacs.js";

/**
 * The `x` (public key) member a JWK must have to be imported. OpenSSL builds an Ed25519 private
 * key from `d` alone and derives the public key from it, so this placeholder is never used (the
 * Keyring test checks that the derived public key is the one a PKCS#8 import gives). A JWK import
 * costs about a tenth of a PKCS#8 (DER) import on Node 20.
 */
const UNUSED_X = Buffer.alloc(32).toString("base64url");

/** Signs statements as one participant. */
export interface Signer {
  readonly id: string;
  sign(statement: string): string;
}

/** Remembered digests before the memo starts over (bounded, like everything else). */
const DIGEST_MEMO_ENTRIES = 4096;
const digests = new Map<string, string>();

/**
 * A short hex digest (SHA-256, 64 bits) of a string: names requests and certificates. Every
 * replica digests each request it sees, and again when it checks a pre-prepare or a view-change,
 * so digests are remembered — keyed by the text itself, so only the very same text gets a
 * remembered digest. The memo is a pure function's cache: what it returns does not depend on it.
 */
export function digestOf(text: string): string {
  let digest = digests.get(text);
  if (digest === undefined) {
    if (digests.size >= DIGEST_MEMO_ENTRIES) digests.clear();
    digest = sha256(text, "hex").slice(0, 16);
    digests.set(text, digest);
  }
  return digest;
}

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export class Keyring {
  /** Each participant's Ed25519 seed, drawn up front so the draws do not depend on use. */
  private readonly seeds = new Map<string, Buffer>();
  private readonly pairs = new Map<string, KeyPair>();
  /** Verified (signer, statement, signature) triples: a new-view repeats the view-changes. */
  private readonly verified = new Set<string>();
  private readonly macKeys: PairwiseKeys;

  /** One key pair per participant, drawn from `rng` (so the same seed gives the same keys). */
  constructor(ids: readonly string[], rng: Rng) {
    for (const id of ids) {
      const seed = Buffer.alloc(32);
      for (let i = 0; i < 32; i += 4) seed.writeUInt32LE(rng.nextU32(), i);
      this.seeds.set(id, seed);
    }
    this.macKeys = new PairwiseKeys(ids, rng.derive("pairwise-macs"));
  }

  /** The public key of `id` (imported on first use). */
  publicKey(id: string): KeyObject | undefined {
    return this.keyPair(id)?.publicKey;
  }

  private keyPair(id: string): KeyPair | undefined {
    let pair = this.pairs.get(id);
    const seed = this.seeds.get(id);
    if (pair === undefined && seed !== undefined) {
      const privateKey = createPrivateKey({
        key: { kty: "OKP", crv: "Ed25519", d: seed.toString("base64url"), x: UNUSED_X },
        format: "jwk",
      });
      pair = { privateKey, publicKey: createPublicKey(privateKey) };
      this.pairs.set(id, pair);
    }
    return pair;
  }

  /** The signing capability of `id`: hand it to `id`'s code (or to its adversary) only. */
  signer(id: string): Signer {
    assert(this.seeds.has(id), `no key for ${id}`);
    return {
      id,
      sign: (statement) =>
        sign(null, Buffer.from(statement), this.keyPair(id)!.privateKey).toString("base64"),
    };
  }

  /** The MAC capability of `id` (keys of the pairs `id` belongs to): for `id`'s code only. */
  macs(id: string): MacAuthority {
    return this.macKeys.authority(id);
  }

  /** True when `signature` is `signer`'s signature of `statement`. Never throws on bad input. */
  verify(signer: string, statement: string, signature: unknown): boolean {
    if (!this.seeds.has(signer) || typeof signature !== "string") return false;
    const memo = `${signer}\u0000${statement}\u0000${signature}`;
    if (this.verified.has(memo)) return true;
    const key = this.keyPair(signer)!.publicKey;
    const ok = verify(null, Buffer.from(statement), key, Buffer.from(signature, "base64"));
    if (ok) this.verified.add(memo);
    return ok;
  }
}
