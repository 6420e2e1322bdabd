// Storage that checks fencing tokens: the chapter's `Storage.write(data, fencing_token)`. For each
// resource it remembers the highest token it has accepted and refuses, with
// StaleFencingTokenError, any write carrying a lower one. A client that paused while holding a
// lease, and wakes to write after the lease passed to someone else, is stopped here: the new holder
// has a larger token and has already written, or will, and the old token is now stale.
//
// Equal tokens are accepted. A token names one grant of the lease, and its holder may write many
// times under it; two different holders never share a token, because the issuer strictly
// increases. The check and the write happen in one synchronous step, so no write can slip between.

import { requireInteger } from "../core/validate.js";
import { assert } from "../core/assert.js";
import { StaleFencingTokenError } from "./errors.js";

/** Where the data goes. The default keeps it in memory. */
export interface FencedStoreBackend<V> {
  read(resource: string): V | undefined;
  write(resource: string, value: V): void;
}

export class FencedStore<V> {
  private readonly backend: FencedStoreBackend<V>;
  private readonly highest = new Map<string, number>();

  constructor(options: { backend?: FencedStoreBackend<V> } = {}) {
    if (options.backend !== undefined) {
      this.backend = options.backend;
    } else {
      const data = new Map<string, V>();
      this.backend = {
        read: (resource) => data.get(resource),
        write: (resource, value) => void data.set(resource, value),
      };
    }
  }

  /** Writes `value` if `token` is at least the highest accepted for `resource`; else throws. */
  write(resource: string, value: V, token: number): void {
    requireInteger("token", token, 0);
    const highest = this.highest.get(resource);
    if (highest !== undefined && token < highest) {
      throw new StaleFencingTokenError(resource, token, highest);
    }
    this.backend.write(resource, value);
    this.highest.set(resource, token);
    assert(this.highest.get(resource)! >= (highest ?? 0), "accepted tokens never decrease");
  }

  read(resource: string): V | undefined {
    return this.backend.read(resource);
  }

  /** The highest token accepted for `resource`, or undefined if none was. */
  highestToken(resource: string): number | undefined {
    return this.highest.get(resource);
  }
}
