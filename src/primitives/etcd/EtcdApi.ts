// The few etcd calls that the lease and lock adapters make, as an interface. The adapters hold the
// logic that decides safety (when a lease can no longer be trusted, which number is the fencing
// token); how the calls reach etcd is the runtime's business (src/runtime/etcd/EtcdHttpClient.ts
// speaks etcd's JSON gateway). Keeping the transport behind this interface is what lets the
// adapters live among the remedies, depend on `core` only, and be tested on a ManualClock with a
// fake etcd whose every reply time the test chooses.
//
// Lease IDs are etcd's int64s as decimal strings: they do not fit a JavaScript number. Revisions do
// fit (etcd would need 2^53 writes to overflow them), and the transport checks that they do.

/** Cancellation for one call; a transport aborts the request when the signal aborts. */
export interface EtcdCallOptions {
  readonly signal?: AbortSignal | undefined;
}

export interface EtcdLeaseGrantReply {
  readonly leaseId: string;
  /** The TTL the server granted, which may be longer than the one asked for (etcd's minimum). */
  readonly ttlSeconds: number;
}

export interface EtcdKeepAliveReply {
  /** The TTL the lease was renewed for; 0 when the server no longer has the lease. */
  readonly ttlSeconds: number;
}

/** Created: this call put the key, at `createRevision`. Else the key exists and these are its facts. */
export type EtcdCreateReply =
  | { readonly created: true; readonly createRevision: number }
  | {
      readonly created: false;
      readonly createRevision: number;
      /** The lease the existing key is attached to ("0" when none). */
      readonly leaseId: string;
      readonly value: string;
    };

export interface EtcdLeaseApi {
  grantLease(ttlSeconds: number, options?: EtcdCallOptions): Promise<EtcdLeaseGrantReply>;
  /** One keep-alive: renews the lease for its TTL, counted by the server from when it arrives. */
  keepAliveLease(leaseId: string, options?: EtcdCallOptions): Promise<EtcdKeepAliveReply>;
  /** Revokes the lease and deletes every key attached to it. */
  revokeLease(leaseId: string, options?: EtcdCallOptions): Promise<void>;
}

export interface EtcdLockApi extends EtcdLeaseApi {
  /**
   * In one transaction: if `key` does not exist, put it with `value` attached to `leaseId`; else
   * read it. The put's revision is the key's create revision.
   */
  createIfAbsent(
    key: string,
    value: string,
    leaseId: string,
    options?: EtcdCallOptions,
  ): Promise<EtcdCreateReply>;
  /** Deletes `key` if its create revision is still `createRevision`; says whether it did. */
  deleteIfCreated(key: string, createRevision: number, options?: EtcdCallOptions): Promise<boolean>;
}
