// A small etcd v3 client over etcd's JSON gateway (HTTP/1.1 POSTs to /v3/..., which every etcd
// since 3.4 serves on its client port), with no dependency beyond Node's `http`.
//
// Why not a gRPC client (the `etcd3` package)? Three reasons. The lease adapter must stamp the send
// time of each keep-alive on the monotonic clock and match it with its reply: the gateway's
// keep-alive is one request and one reply, while over a gRPC stream the pairing is implicit and
// `etcd3` runs its own keep-alive timers. The lock's fencing token is the create revision of the
// lock key, which one transaction of our own returns and `etcd3`'s Lock keeps to itself. And plain
// HTTP over TCP is what murphy's fault proxy can cut, delay and reset without knowing gRPC.
//
// Replies are untrusted input: size-limited, parsed as JSON, and checked field by field. Outcomes
// are three-valued: a refused connection (nothing was sent) and most errors etcd reports are
// definite; a timeout, a reset, or etcd's "unavailable"/"deadline exceeded" are not, since the
// request may have taken effect.

import http from "node:http";
import { AbortedError, ConfigError, MurphyError } from "../../core/errors.js";
import { requirePositive } from "../../core/validate.js";
import type {
  EtcdCallOptions,
  EtcdCreateReply,
  EtcdKeepAliveReply,
  EtcdLeaseGrantReply,
  EtcdLockApi,
} from "../../primitives/etcd/EtcdApi.js";

export interface EtcdHttpClientOptions {
  /** Client URLs, e.g. "http://127.0.0.1:2379". A refused connection moves on to the next one. */
  readonly endpoints: readonly string[];
  /** Bound on each request, in ms. Default 5 000. */
  readonly requestTimeoutMs?: number;
  /** Replies longer than this are refused. Default 4 MiB. */
  readonly maxResponseBytes?: number;
}

/** A request to etcd failed. `definite` says whether it certainly did not take effect. */
export class EtcdRequestError extends MurphyError {
  readonly code = "E_ETCD_REQUEST";

  constructor(
    readonly endpoint: string,
    readonly path: string,
    readonly definite: boolean,
    readonly reason: string,
    /** etcd's gRPC status code, when etcd answered with an error. */
    readonly grpcCode?: number,
    options?: { cause?: unknown },
  ) {
    super(
      `etcd ${path} at ${endpoint} failed: ${reason}` +
        (definite ? "" : "; it may or may not have taken effect"),
      options,
    );
  }
}

/** gRPC codes after which the request may still have been applied. */
const INDEFINITE_GRPC_CODES = new Set([1, 2, 4, 14]);

export interface EtcdReadReply {
  /** Undefined when the key does not exist. */
  readonly value: string | undefined;
  /** The store's revision when the read was served. */
  readonly revision: number;
}

export class EtcdHttpClient implements EtcdLockApi {
  readonly endpoints: readonly string[];
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private preferred = 0;

  constructor(options: EtcdHttpClientOptions) {
    if (options.endpoints.length === 0) {
      throw new ConfigError({
        field: "endpoints",
        value: options.endpoints,
        expected: "at least one etcd client URL",
        fix: 'pass e.g. ["http://127.0.0.1:2379"] (EtcdCluster.endpoints)',
      });
    }
    for (const endpoint of options.endpoints) {
      if (!/^http:\/\/[^/]+$/.test(endpoint)) {
        throw new ConfigError({
          field: "endpoints",
          value: endpoint,
          expected: "a URL of the form http://host:port",
          fix: "give etcd's client URL without a path",
        });
      }
    }
    this.endpoints = [...options.endpoints];
    this.timeoutMs = requirePositive("requestTimeoutMs", options.requestTimeoutMs ?? 5_000);
    this.maxBytes = requirePositive("maxResponseBytes", options.maxResponseBytes ?? 4 << 20);
  }

  /** Closes idle connections; requests in flight finish. */
  close(): void {
    this.agent.destroy();
  }

  async grantLease(ttlSeconds: number, options?: EtcdCallOptions): Promise<EtcdLeaseGrantReply> {
    const reply = await this.post("/v3/lease/grant", { TTL: ttlSeconds }, options);
    return { leaseId: int64(reply, "ID"), ttlSeconds: safeInt(reply, "TTL") };
  }

  async keepAliveLease(leaseId: string, options?: EtcdCallOptions): Promise<EtcdKeepAliveReply> {
    const reply = await this.post("/v3/lease/keepalive", { ID: leaseId }, options);
    const result = field(reply, "result");
    return { ttlSeconds: safeInt(result, "TTL", 0) };
  }

  async revokeLease(leaseId: string, options?: EtcdCallOptions): Promise<void> {
    await this.post("/v3/lease/revoke", { ID: leaseId }, options);
  }

  /** Seconds the server still gives the lease; -1 when it no longer has it. */
  async leaseTimeToLive(leaseId: string, options?: EtcdCallOptions): Promise<number> {
    const reply = await this.post("/v3/lease/timetolive", { ID: leaseId }, options);
    return safeInt(reply, "TTL", 0);
  }

  async createIfAbsent(
    key: string,
    value: string,
    leaseId: string,
    options?: EtcdCallOptions,
  ): Promise<EtcdCreateReply> {
    const k = b64(key);
    const reply = await this.post(
      "/v3/kv/txn",
      {
        compare: [{ key: k, target: "CREATE", result: "EQUAL", create_revision: "0" }],
        success: [{ request_put: { key: k, value: b64(value), lease: leaseId } }],
        failure: [{ request_range: { key: k } }],
      },
      options,
    );
    if (reply.succeeded === true) {
      return { created: true, createRevision: safeInt(field(reply, "header"), "revision") };
    }
    const range = field(firstOf(reply, "responses"), "response_range");
    const kv = firstOf(range, "kvs");
    return {
      created: false,
      createRevision: safeInt(kv, "create_revision"),
      leaseId: kv.lease === undefined ? "0" : int64(kv, "lease"),
      value: unb64(kv, "value"),
    };
  }

  async deleteIfCreated(key: string, createRevision: number, options?: EtcdCallOptions) {
    const k = b64(key);
    const reply = await this.post(
      "/v3/kv/txn",
      {
        compare: [{ key: k, target: "CREATE", result: "EQUAL", create_revision: createRevision }],
        success: [{ request_delete_range: { key: k } }],
      },
      options,
    );
    return reply.succeeded === true;
  }

  /** Reads a key. `serializable` lets the member answer from its own, possibly stale, state. */
  async read(
    key: string,
    options: EtcdCallOptions & { serializable?: boolean } = {},
  ): Promise<EtcdReadReply> {
    const body = { key: b64(key), ...(options.serializable ? { serializable: true } : {}) };
    const reply = await this.post("/v3/kv/range", body, options);
    const revision = safeInt(field(reply, "header"), "revision");
    const kvs = reply.kvs;
    if (kvs === undefined) return { value: undefined, revision };
    return { value: unb64(firstOf(reply, "kvs"), "value"), revision };
  }

  /** Writes a key; resolves the revision of the write. */
  async write(key: string, value: string, options?: EtcdCallOptions): Promise<number> {
    const reply = await this.post("/v3/kv/put", { key: b64(key), value: b64(value) }, options);
    return safeInt(field(reply, "header"), "revision");
  }

  /** Sets `key` to `to` if its value is `from` (undefined: the key is absent); says whether it did. */
  async compareAndSet(
    key: string,
    from: string | undefined,
    to: string,
    options?: EtcdCallOptions,
  ): Promise<boolean> {
    const k = b64(key);
    const compare =
      from === undefined
        ? { key: k, target: "CREATE", result: "EQUAL", create_revision: "0" }
        : { key: k, target: "VALUE", result: "EQUAL", value: b64(from) };
    const reply = await this.post(
      "/v3/kv/txn",
      { compare: [compare], success: [{ request_put: { key: k, value: b64(to) } }] },
      options,
    );
    return reply.succeeded === true;
  }

  /** The cluster's members: etcd's member ID (decimal) and name. */
  async memberList(options?: EtcdCallOptions): Promise<{ id: string; name: string }[]> {
    const reply = await this.post("/v3/cluster/member/list", {}, options);
    const members = reply.members;
    if (!Array.isArray(members)) throw new EtcdReplyError("etcd reply: members is not a list");
    return members.map((m, i) => {
      const member = asObject(m, `members[${i}]`);
      return { id: int64(member, "ID"), name: typeof member.name === "string" ? member.name : "" };
    });
  }

  /** POSTs to the preferred endpoint, moving on to the next only when a connection is refused. */
  private async post(path: string, body: unknown, options?: EtcdCallOptions): Promise<Json> {
    let lastRefusal: EtcdRequestError | undefined;
    for (let i = 0; i < this.endpoints.length; i++) {
      const index = (this.preferred + i) % this.endpoints.length;
      try {
        const reply = await this.postTo(this.endpoints[index]!, path, body, options?.signal);
        this.preferred = index;
        return reply;
      } catch (error) {
        if (!(error instanceof EtcdRequestError && error.reason.startsWith("connection refused"))) {
          throw error;
        }
        lastRefusal = error;
      }
    }
    throw lastRefusal!;
  }

  private postTo(endpoint: string, path: string, body: unknown, signal?: AbortSignal) {
    const payload = JSON.stringify(body);
    const url = new URL(path, endpoint);
    return new Promise<Json>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortedError(`etcd ${path}`, true, { cause: signal.reason }));
        return;
      }
      let sent = false;
      const fail = (definite: boolean, reason: string, code?: number, cause?: unknown) =>
        reject(new EtcdRequestError(endpoint, path, definite, reason, code, { cause }));
      const request = http.request(url, {
        method: "POST",
        agent: this.agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
        timeout: this.timeoutMs,
        ...(signal ? { signal } : {}),
      });
      request.on("timeout", () => request.destroy(new Error(`no reply in ${this.timeoutMs} ms`)));
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (signal?.aborted) {
          reject(new AbortedError(`etcd ${path}`, !sent, { cause: signal.reason }));
        } else if (error.code === "ECONNREFUSED") {
          fail(true, "connection refused", undefined, error);
        } else {
          fail(false, error.message, undefined, error);
        }
      });
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > this.maxBytes) {
            request.destroy(new Error(`reply longer than ${this.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => {
          let json: Json;
          try {
            json = asObject(JSON.parse(Buffer.concat(chunks).toString("utf8")), "reply");
          } catch {
            fail(false, `unparseable reply (HTTP ${response.statusCode})`);
            return;
          }
          if (response.statusCode === 200 && json.error === undefined) {
            resolve(json);
            return;
          }
          // Unary errors are {error, code, message}; a stream's are {error: {grpc_code, message}}.
          const detail =
            typeof json.error === "object" && json.error !== null ? (json.error as Json) : json;
          const rawCode = detail.code ?? detail.grpc_code;
          const code = typeof rawCode === "number" ? rawCode : undefined;
          const message =
            typeof detail.message === "string" ? detail.message : `HTTP ${response.statusCode}`;
          fail(code === undefined || !INDEFINITE_GRPC_CODES.has(code), message, code);
        });
      });
      request.on("finish", () => (sent = true));
      request.end(payload);
    });
  }
}

type Json = Record<string, unknown>;

class EtcdReplyError extends MurphyError {
  readonly code = "E_ETCD_REPLY";
  readonly definite = false;
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EtcdReplyError(`etcd reply: ${what} is not an object`);
  }
  return value as Json;
}

function field(json: Json, name: string): Json {
  return asObject(json[name], name);
}

function firstOf(json: Json, name: string): Json {
  const list = json[name];
  if (!Array.isArray(list) || list.length === 0) {
    throw new EtcdReplyError(`etcd reply: ${name} is not a non-empty list`);
  }
  return asObject(list[0], `${name}[0]`);
}

/** An int64 field as its decimal string (etcd's JSON writes int64 as strings). */
function int64(json: Json, name: string): string {
  const value = json[name];
  if (typeof value !== "string" || !/^-?\d{1,20}$/.test(value)) {
    throw new EtcdReplyError(`etcd reply: ${name} is not an int64, got ${String(value)}`);
  }
  return value;
}

/** An int64 field that must fit a safe integer; absent fields (zero, omitted) give `absent`. */
function safeInt(json: Json, name: string, absent?: number): number {
  if (json[name] === undefined && absent !== undefined) return absent;
  const value = Number(int64(json, name));
  if (!Number.isSafeInteger(value)) {
    throw new EtcdReplyError(`etcd reply: ${name} = ${String(json[name])} is beyond 2^53`);
  }
  return value;
}

function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function unb64(json: Json, name: string): string {
  const value = json[name];
  if (value === undefined) return "";
  if (typeof value !== "string") throw new EtcdReplyError(`etcd reply: ${name} is not base64`);
  return Buffer.from(value, "base64").toString("utf8");
}
