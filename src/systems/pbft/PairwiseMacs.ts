// Message authentication codes for PBFT's normal case (Castro & Liskov, OSDI '99, §4.1 and TOCS
// '02, §3.2): every pair of participants (replicas and clients) shares a secret key, and a message
// carries an *authenticator* — one MAC per receiving replica — of which each receiver checks only
// its own entry. A MAC convinces only the one receiver that shares its key; it proves nothing to a
// third party, which is why statements that travel in a view change are signed instead (Keyring).
//
// The key of the pair {a, b} is HMAC-SHA256 over a master secret drawn from the seed and the
// ordered pair, so a run stays reproducible. A participant's code only ever gets a `MacAuthority`
// for itself, which uses the keys of pairs it belongs to: a Byzantine replica can authenticate any
// lie of its own to anyone, but it cannot compute the MAC that a correct replica would send to a
// third one. MACs are HMAC-SHA256 truncated to 64 bits, as the paper truncates its MACs. Keys are
// derived once per pair and kept as HMAC pads, so no call imports a key.

import { createHash, createHmac } from "node:crypto";
import * as nodeCrypto from "node:crypto";
import { assert } from "../../core/assert.js";
import type { Rng } from "../../core/Rng.js";

/** Bytes of a MAC after truncation (64 bits), written as base64url (11 characters). */
const MAC_BYTES = 8;
const BLOCK_BYTES = 64;
/** Statements longer than this (in UTF-8 bytes) go through `createHmac` instead of the scratch pad. */
const SCRATCH_BYTES = 1024;

/** SHA-256 of `data` in one call (`crypto.hash`, Node >= 20.12), else through a Hash object. */
export const sha256: (data: Buffer | string) => Buffer =
  typeof nodeCrypto.hash === "function"
    ? (data) => nodeCrypto.hash("sha256", data, "buffer")
    : (data) => createHash("sha256").update(data).digest();

/** Computes and checks MACs as one participant, with the keys of the pairs it belongs to. */
export interface MacAuthority {
  readonly id: string;
  /** The MAC of `statement` from this participant to `peer`. */
  mac(peer: string, statement: string): string;
  /** One MAC per receiver, in the order given; the entry for this participant itself is "". */
  authenticator(receivers: readonly string[], statement: string): string[];
  /** True when `mac` is `peer`'s MAC of `statement` to this participant. Never throws on bad input. */
  verify(peer: string, statement: string, mac: unknown): boolean;
}

/** Remembered MACs per key before the memo starts over (bounded, like everything else). */
const MEMO_ENTRIES = 4096;

/**
 * HMAC-SHA256 with one key, its pads computed once. It remembers the MACs it computed: the
 * receiver of an authenticator recomputes exactly the MAC its sender computed, so checking one
 * costs a lookup. Only holders of this pair's key reach the memo, so it reveals nothing new.
 */
class PairKey {
  private readonly memo = new Map<string, string>();
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(private readonly key: Buffer) {
    this.inner = Buffer.alloc(BLOCK_BYTES + SCRATCH_BYTES, 0x36);
    this.outer = Buffer.alloc(BLOCK_BYTES + 32, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.inner[i]! ^= key[i]!;
      this.outer[i]! ^= key[i]!;
    }
  }

  mac(statement: string): string {
    let mac = this.memo.get(statement);
    if (mac === undefined) {
      if (this.memo.size >= MEMO_ENTRIES) this.memo.clear();
      mac = this.compute(statement);
      this.memo.set(statement, mac);
    }
    return mac;
  }

  /** HMAC-SHA256(key, statement) truncated to MAC_BYTES, base64url. */
  private compute(statement: string): string {
    if (statement.length * 3 > SCRATCH_BYTES) {
      return createHmac("sha256", this.key)
        .update(statement)
        .digest()
        .toString("base64url", 0, MAC_BYTES);
    }
    const length = this.inner.write(statement, BLOCK_BYTES, "utf8");
    const innerDigest = sha256(this.inner.subarray(0, BLOCK_BYTES + length));
    innerDigest.copy(this.outer, BLOCK_BYTES);
    return sha256(this.outer).toString("base64url", 0, MAC_BYTES);
  }
}

export class PairwiseKeys {
  private readonly master: Buffer;
  private readonly ids: ReadonlySet<string>;
  private readonly keys = new Map<string, PairKey>();

  /** A master secret drawn from `rng`: the same seed gives the same keys for every pair. */
  constructor(ids: readonly string[], rng: Rng) {
    this.ids = new Set(ids);
    this.master = Buffer.alloc(32);
    for (let i = 0; i < 32; i += 4) this.master.writeUInt32LE(rng.nextU32(), i);
  }

  /** The MAC capability of `id`: hand it to `id`'s code (or to its adversary) only. */
  authority(id: string): MacAuthority {
    assert(this.ids.has(id), `no MAC keys for ${id}`);
    const mine = new Map<string, PairKey>();
    const keyWith = (peer: string): PairKey | undefined => {
      let key = mine.get(peer);
      if (key === undefined && this.ids.has(peer) && peer !== id) {
        key = this.pairKey(id, peer);
        mine.set(peer, key);
      }
      return key;
    };
    return {
      id,
      mac: (peer, statement) => {
        const key = keyWith(peer);
        assert(key !== undefined, `${id} shares no key with ${peer}`);
        return key.mac(statement);
      },
      authenticator: (receivers, statement) =>
        receivers.map((peer) => (peer === id ? "" : (keyWith(peer)?.mac(statement) ?? ""))),
      verify: (peer, statement, mac) => {
        const key = keyWith(peer);
        if (key === undefined || typeof mac !== "string" || mac.length === 0) return false;
        // A plain comparison: the simulator has no timing side channel to protect.
        return key.mac(statement) === mac;
      },
    };
  }

  /** The key of the unordered pair {a, b}: HMAC-SHA256(master, lower ‖ 0 ‖ higher), once. */
  private pairKey(a: string, b: string): PairKey {
    const [low, high] = a < b ? [a, b] : [b, a];
    const name = `${low}\u0000${high}`;
    let key = this.keys.get(name);
    if (key === undefined) {
      key = new PairKey(createHmac("sha256", this.master).update(name).digest());
      this.keys.set(name, key);
    }
    return key;
  }
}
