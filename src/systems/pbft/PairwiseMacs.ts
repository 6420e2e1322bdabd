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
//
// Digests come back as strings, never as Buffers: on Node 20 a one-shot SHA-256 that returns a
// Buffer costs about 2.5x one that returns hex or latin1 text (the Buffer and its backing store
// are allocated per call, and collected later), and a MAC is two such hashes.

import { createHash, createHmac } from "node:crypto";
import * as nodeCrypto from "node:crypto";
import { assert } from "../../core/assert.js";
import type { Rng } from "../../core/Rng.js";

/** Hex digits of a MAC after truncation (64 bits). */
const MAC_HEX_DIGITS = 16;
const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;
/** Statements longer than this (in UTF-8 bytes) go through `createHmac` instead of the scratch pad. */
const SCRATCH_BYTES = 1024;

type DigestEncoding = "hex" | "binary";

/** SHA-256 of `data` in one call (`crypto.hash`, Node >= 20.12), else through a Hash object. */
export const sha256: (data: Buffer | string, encoding: DigestEncoding) => string =
  typeof nodeCrypto.hash === "function"
    ? (data, encoding) => nodeCrypto.hash("sha256", data, encoding)
    : (data, encoding) => createHash("sha256").update(data).digest(encoding);

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
 * The blocks a MAC is computed in: key ⊕ ipad ‖ statement, and key ⊕ opad ‖ inner digest. One
 * pair for every key (the simulator runs one MAC to its end before the next), so a run allocates
 * no Buffer per key or per MAC: a key is its 128 bytes of pads, copied in before each use.
 */
const INNER = Buffer.alloc(BLOCK_BYTES + SCRATCH_BYTES);
const OUTER = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES);
/** `INNER` cut at each length a statement gives, made on first use (a subarray allocates). */
const INNER_VIEWS: Buffer[] = [];

/**
 * HMAC-SHA256 with one key, its pads computed once. It remembers the MACs it computed: the
 * receiver of an authenticator recomputes exactly the MAC its sender computed, so checking one
 * costs a lookup. The memo is keyed by the statement itself, so a statement that differs in any
 * character is computed afresh. Only holders of this pair's key reach the memo, so it reveals
 * nothing new.
 */
class HmacKey {
  private readonly memo = new Map<string, string>();
  /** key ⊕ ipad, then key ⊕ opad: one block each. */
  private readonly pads = Buffer.allocUnsafe(2 * BLOCK_BYTES);

  constructor(private readonly key: Buffer) {
    assert(key.length <= BLOCK_BYTES, `an HMAC key of at most ${BLOCK_BYTES} bytes`);
    this.pads.fill(0x36, 0, BLOCK_BYTES).fill(0x5c, BLOCK_BYTES);
    for (let i = 0; i < key.length; i++) {
      this.pads[i]! ^= key[i]!;
      this.pads[BLOCK_BYTES + i]! ^= key[i]!;
    }
  }

  /** HMAC-SHA256(key, statement) truncated to 64 bits, in hex; remembered. */
  mac(statement: string): string {
    let mac = this.memo.get(statement);
    if (mac === undefined) {
      if (this.memo.size >= MEMO_ENTRIES) this.memo.clear();
      mac = this.digest(statement, "hex").slice(0, MAC_HEX_DIGITS);
      this.memo.set(statement, mac);
    }
    return mac;
  }

  /** The whole HMAC-SHA256(key, statement), not remembered. */
  digest(statement: string, encoding: DigestEncoding): string {
    if (statement.length * 3 > SCRATCH_BYTES) {
      return createHmac("sha256", this.key).update(statement).digest(encoding);
    }
    this.pads.copy(INNER, 0, 0, BLOCK_BYTES);
    const length = INNER.write(statement, BLOCK_BYTES, "utf8");
    const inner = (INNER_VIEWS[length] ??= INNER.subarray(0, BLOCK_BYTES + length));
    this.pads.copy(OUTER, 0, BLOCK_BYTES, 2 * BLOCK_BYTES);
    // The inner digest as "binary" (latin1) text is its 32 bytes, one character each.
    OUTER.write(sha256(inner, "binary"), BLOCK_BYTES, "binary");
    return sha256(OUTER, encoding);
  }
}

export class PairwiseKeys {
  private readonly master: HmacKey;
  private readonly ids: ReadonlySet<string>;
  private readonly keys = new Map<string, HmacKey>();

  /** A master secret drawn from `rng`: the same seed gives the same keys for every pair. */
  constructor(ids: readonly string[], rng: Rng) {
    this.ids = new Set(ids);
    const master = Buffer.alloc(32);
    for (let i = 0; i < 32; i += 4) master.writeUInt32LE(rng.nextU32(), i);
    this.master = new HmacKey(master);
  }

  /** The MAC capability of `id`: hand it to `id`'s code (or to its adversary) only. */
  authority(id: string): MacAuthority {
    assert(this.ids.has(id), `no MAC keys for ${id}`);
    const mine = new Map<string, HmacKey>();
    const keyWith = (peer: string): HmacKey | undefined => {
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
  private pairKey(a: string, b: string): HmacKey {
    const [low, high] = a < b ? [a, b] : [b, a];
    const name = `${low}\u0000${high}`;
    let key = this.keys.get(name);
    if (key === undefined) {
      key = new HmacKey(Buffer.from(this.master.digest(name, "binary"), "binary"));
      this.keys.set(name, key);
    }
    return key;
  }
}
