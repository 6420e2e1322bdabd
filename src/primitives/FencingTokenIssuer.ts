// Issues fencing tokens: integers that strictly increase with every call, so that whoever holds
// the newest grant (of a lock or lease) also holds the largest token, and storage can refuse a
// write from anyone holding an older one. Strictly increasing across restarts too, but only if the
// last issued token is persisted before a token is handed out and passed back in as `lastIssued`
// when the issuer is rebuilt: an issuer that forgets will hand out a token already used.

import { assert } from "../core/assert.js";
import { requireInteger } from "../core/validate.js";

export class FencingTokenIssuer {
  private last: number;

  constructor(options: { lastIssued?: number } = {}) {
    this.last = requireInteger("lastIssued", options.lastIssued ?? 0, 0);
  }

  /** A token larger than every token issued before. */
  next(): number {
    const token = this.last + 1;
    assert(Number.isSafeInteger(token), "fencing tokens exhausted the safe integer range");
    assert(token > this.last, "fencing tokens must strictly increase");
    this.last = token;
    return token;
  }

  /** The largest token issued so far (0 if none). */
  lastIssued(): number {
    return this.last;
  }
}
