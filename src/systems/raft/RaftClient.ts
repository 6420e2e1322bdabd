// The client library of the Raft service. Every logical operation gets the client's id and the
// next sequence number, and every retry of it carries the same pair, so the service applies it
// once however many copies reach the log (the idempotency key). The client looks for the leader —
// the last one that answered, a server's hint, or the next server in turn — and retries on a
// timeout or a "not leader" answer until the operation succeeds or its time runs out.
//
// Outcomes are three-valued, as murphy's histories are: `ok`; `fail` when the operation certainly
// did not take effect (every server that answered said it was not the leader, and none timed out);
// `unknown` when some attempt timed out, so the command may still commit, now or later.
//
// Locks: `acquire(name, ttlMs)` returns the grant's fencing token and when, on this client's own
// monotonic clock, it must stop acting as holder — counted from when it first asked and shortened
// by the drift bound (the Lease primitive), so it stops before the leader can think the lease over.
// A pause can still fall between that check and a write: protect writes with the token.

import { ConfigError, TimeoutError } from "../../core/errors.js";
import { requireKnownKeys, requirePositive, requireRange } from "../../core/validate.js";
import { Lease } from "../../primitives/Lease.js";
import type { NodeContext } from "../../sim/NodeApi.js";
import type { KvValue, RaftOperation, RaftResult } from "./RaftCommands.js";
import type { ClientReply, ClientRequest } from "./RaftMessages.js";

export interface RaftClientOptions {
  servers: readonly string[];
  /** How long one attempt waits for an answer (default 250 ms). */
  requestTimeoutMs?: number;
  /** How long an operation keeps retrying before it is given up as unknown (default 2,000 ms). */
  giveUpAfterMs?: number;
  /** Pause before asking again when no server knows the leader (default 20 ms, jittered). */
  retryDelayMs?: number;
  /** Bound on the drift of any clock, for leases, in ppm (default 1,000). */
  driftPpm?: number;
  /** Subtracted from every lease's end, in ms, for the time between check and act (default 0). */
  leaseMarginMs?: number;
}

export type RaftOutcome<R> =
  | { status: "ok"; result: R }
  | { status: "fail"; error: string }
  | { status: "unknown"; error: string };

export interface LockGrant {
  readonly name: string;
  readonly token: number;
  /** The holder's safe end on its own monotonic clock (ms). */
  readonly expiresAtMs: number;
  readonly lease: Lease;
}

const KEYS: readonly (keyof RaftClientOptions)[] = [
  "servers",
  "requestTimeoutMs",
  "giveUpAfterMs",
  "retryDelayMs",
  "driftPpm",
  "leaseMarginMs",
];

export class RaftClient {
  /** Unique per incarnation, so a restarted client never reuses a sequence number. */
  readonly id: string;
  private readonly servers: readonly string[];
  private readonly requestTimeoutMs: number;
  private readonly giveUpAfterMs: number;
  private readonly retryDelayMs: number;
  private readonly driftPpm: number;
  private readonly leaseMarginMs: number;
  private seq = 0;
  private leader: string | undefined;
  private turn = 0;

  constructor(
    private readonly ctx: NodeContext,
    options: RaftClientOptions,
  ) {
    requireKnownKeys("raftClient", options, KEYS);
    if (!Array.isArray(options.servers) || options.servers.length === 0) {
      throw new ConfigError({
        field: "raftClient.servers",
        value: options.servers,
        expected: "a non-empty list of server ids",
        fix: "pass the same list the servers were configured with",
      });
    }
    this.servers = [...options.servers];
    this.requestTimeoutMs = requirePositive(
      "raftClient.requestTimeoutMs",
      options.requestTimeoutMs ?? 250,
    );
    this.giveUpAfterMs = requirePositive(
      "raftClient.giveUpAfterMs",
      options.giveUpAfterMs ?? 2_000,
    );
    this.retryDelayMs = requirePositive("raftClient.retryDelayMs", options.retryDelayMs ?? 20);
    this.driftPpm = requireRange("raftClient.driftPpm", options.driftPpm ?? 1_000, 0, 100_000);
    this.leaseMarginMs = requireRange(
      "raftClient.leaseMarginMs",
      options.leaseMarginMs ?? 0,
      0,
      Infinity,
    );
    this.id = `${ctx.id}.${ctx.incarnation}`;
    this.turn = ctx.random.int(this.servers.length);
  }

  get(key: string): Promise<RaftOutcome<KvValue>> {
    return this.run({ f: "get", key }, valueOf);
  }

  put(key: string, value: KvValue): Promise<RaftOutcome<null>> {
    return this.run({ f: "put", key, value }, nothing);
  }

  /** The lock, or `heldBy` when another client holds it. */
  async acquire(name: string, ttlMs: number): Promise<RaftOutcome<LockGrant | { heldBy: string }>> {
    requirePositive("acquire.ttlMs", ttlMs);
    const sentAtMs = this.ctx.clock.monotonicMs();
    const outcome = await this.call({ f: "acquire", name, ttlMs });
    return map(outcome, (r) => {
      if (r.f !== "acquire" || !("token" in r))
        return { heldBy: r.f === "acquire" ? r.heldBy : "" };
      return this.grant(name, r.token, ttlMs, sentAtMs);
    });
  }

  /** A renewed grant (same token, later end), or `undefined` when the lease was lost. */
  async renew(grant: LockGrant, ttlMs: number): Promise<RaftOutcome<LockGrant | undefined>> {
    const sentAtMs = this.ctx.clock.monotonicMs();
    const outcome = await this.call({ f: "renew", name: grant.name, token: grant.token, ttlMs });
    return map(outcome, (r) =>
      r.f === "renew" && r.renewed
        ? this.grant(grant.name, grant.token, ttlMs, sentAtMs)
        : undefined,
    );
  }

  async release(grant: LockGrant): Promise<RaftOutcome<boolean>> {
    const outcome = await this.call({ f: "release", name: grant.name, token: grant.token });
    return map(outcome, (r) => r.f === "release" && r.released);
  }

  /** Runs one operation to an outcome, retrying with the same idempotency key. */
  call(op: RaftOperation): Promise<RaftOutcome<RaftResult>> {
    return this.run(op, same);
  }

  /** `call`, with `output` applied to the result: no second promise per operation. */
  private async run<R>(op: RaftOperation, output: (r: RaftResult) => R): Promise<RaftOutcome<R>> {
    const ctx = this.ctx;
    const request: ClientRequest = { type: "client", client: this.id, seq: ++this.seq, op };
    const startMs = ctx.clock.monotonicMs();
    let mayHaveApplied = false;
    let target = this.leader ?? this.nextServer();
    for (;;) {
      if (ctx.clock.monotonicMs() - startMs >= this.giveUpAfterMs) {
        const error = `gave up after ${this.giveUpAfterMs} ms`;
        return mayHaveApplied ? { status: "unknown", error } : { status: "fail", error };
      }
      let reply: ClientReply;
      try {
        reply = await ctx.request<ClientReply>(target, request, {
          timeoutMs: this.requestTimeoutMs,
        });
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        mayHaveApplied = true;
        this.leader = undefined;
        target = this.nextServer();
        continue;
      }
      if (reply.ok) {
        this.leader = target;
        return { status: "ok", result: output(reply.result) };
      }
      this.leader = undefined;
      const hint = reply.leader;
      if (hint !== undefined && hint !== target && this.servers.includes(hint)) {
        target = hint;
      } else {
        target = this.nextServer();
        await ctx.sleep(this.retryDelayMs * ctx.random.uniform(0.5, 1.5));
      }
    }
  }

  private nextServer(): string {
    this.turn = (this.turn + 1) % this.servers.length;
    return this.servers[this.turn]!;
  }

  private grant(name: string, token: number, ttlMs: number, sentAtMs: number): LockGrant {
    const lease = new Lease({
      clock: this.ctx.clock,
      grant: { resource: name, holder: this.id, durationMs: ttlMs, token },
      requestSentAtMs: sentAtMs,
      driftPpm: this.driftPpm,
      safetyMarginMs: this.leaseMarginMs,
    });
    return { name, token, expiresAtMs: lease.safeEndMs, lease };
  }
}

const same = (r: RaftResult): RaftResult => r;
const valueOf = (r: RaftResult): KvValue => (r.f === "get" ? r.value : null);
const nothing = (): null => null;

function map<A, B>(outcome: RaftOutcome<A>, f: (a: A) => B): RaftOutcome<B> {
  return outcome.status === "ok" ? { status: "ok", result: f(outcome.result) } : outcome;
}
