// The node API on real sockets, clocks and disks: the very NodeFactory the simulator runs, hosted
// in an OS process (a server under `murphy cluster` or `murphy test`) or in the harness (a client).
// `send` is a frame on a TCP stream (see RealTransport); `request` waits for the reply on the
// node's own monotonic clock and rejects with the simulator's TimeoutError; timers and `sleep` run
// on that clock too, drift included (see InjectableClock); storage is whatever is passed in (a
// FileStorage for servers). Stopping a node abandons what it waits for — pending requests and
// sleeps never settle, as when the simulator crashes a node — so a client loop simply ends.

import type { TimerId } from "../core/Clock.js";
import { ConfigError } from "../core/errors.js";
import { randomBytes } from "node:crypto";
import { Rng } from "../core/Rng.js";
import { requireNonNegative } from "../core/validate.js";
import type {
  Message,
  NodeContext,
  NodeFactory,
  NodeHandlers,
  NodeId,
  Storage,
} from "../sim/NodeApi.js";
import { timeoutError } from "../sim/timeoutError.js";
import { StableStorage } from "../storage/StableStorage.js";
import type { Envelope } from "./Envelope.js";
import { ClockTimers, InjectableClock } from "./InjectableClock.js";
import {
  RealTransport,
  type Address,
  type TransportOptions,
  type TransportStats,
} from "./RealTransport.js";

export interface RealNodeOptions {
  id: NodeId;
  /** Every other node of the world, in a fixed order: what `ctx.peers` says. */
  peers: readonly NodeId[];
  /** Where to send to each peer (in `murphy test`, the fault proxy of that link). */
  addresses: Readonly<Record<NodeId, Address>>;
  factory: NodeFactory;
  /** How many times this node has restarted (0 on first start). */
  incarnation?: number | undefined;
  /** Default: in memory (a client's; nothing survives the process). */
  storage?: Storage | undefined;
  /** `ctx.random`; default a stream seeded from the OS's randomness. */
  random?: Rng | undefined;
  clock?: InjectableClock | undefined;
  /** Where to listen: 127.0.0.1 and a port the OS picks, unless told otherwise. */
  listen?: { host?: string; port?: number } | undefined;
  transport?: TransportOptions | undefined;
  /** Where `ctx.log` lines and dropped-frame notices go (default: nowhere). */
  log?: ((text: string) => void) | undefined;
  /** A handler threw or rejected (default: rethrown, which ends the process as a crash would). */
  onError?: ((error: unknown) => void) | undefined;
}

interface PendingRequest {
  to: NodeId;
  resolve: (body: unknown) => void;
  timer: TimerId;
}

export class RealNode {
  readonly id: NodeId;
  readonly clock: InjectableClock;
  private readonly transport: RealTransport;
  private readonly timers: ClockTimers;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly log: (text: string) => void;
  private readonly onError: (error: unknown) => void;
  private handlers: NodeHandlers | undefined;
  private readonly storage: Storage;
  private readonly random: Rng;
  private nextRequestId = 1;
  private stopped = false;

  constructor(private readonly options: RealNodeOptions) {
    this.id = options.id;
    this.clock = options.clock ?? new InjectableClock();
    this.timers = new ClockTimers(this.clock);
    this.storage = options.storage ?? new StableStorage();
    this.random =
      options.random ?? Rng.fromSeed(BigInt.asUintN(64, randomBytes(8).readBigUInt64BE(0)));
    this.log = options.log ?? (() => undefined);
    this.onError =
      options.onError ??
      ((error) => {
        throw error;
      });
    const addresses = new Map(Object.entries(options.addresses));
    addresses.delete(this.id);
    this.transport = new RealTransport(this.id, addresses, options.transport ?? {}, {
      deliver: (envelope) => this.deliver(envelope),
      log: this.log,
    });
  }

  /** Binds the listener; messages arriving before `start` are dropped. */
  listen(): Promise<Address> {
    return this.transport.listen(this.options.listen?.host, this.options.listen?.port);
  }

  get address(): Address | undefined {
    return this.transport.address;
  }

  /** Points `peer` at a new address (a peer that came back on another port). */
  setAddress(peer: NodeId, address: Address): void {
    this.transport.setAddress(peer, address);
  }

  get stats(): TransportStats {
    return this.transport.stats;
  }

  /** Builds the node from its factory and runs its `onStart`. */
  start(): void {
    if (this.handlers !== undefined || this.stopped) return;
    const handlers = this.options.factory(this.context());
    this.handlers = handlers;
    if (handlers.onStart !== undefined) this.invoke(() => handlers.onStart!());
  }

  /** Stops the node: closes its sockets and timers; what it was waiting for never settles. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.clearAll();
    this.pending.clear();
    await this.transport.close();
  }

  private context(): NodeContext {
    const o = this.options;
    return {
      id: o.id,
      peers: [...o.peers],
      incarnation: o.incarnation ?? 0,
      send: (to, body) => this.post({ v: 1, from: o.id, to, body }),
      request: <R>(to: NodeId, body: unknown, options: { timeoutMs: number }) =>
        this.request(to, body, options.timeoutMs) as Promise<R>,
      reply: (message, body) => {
        if (message.requestId === undefined) {
          throw new ConfigError({
            field: "reply.message",
            value: message.body,
            expected: "a message sent with request()",
            fix: "answer plain messages with send()",
          });
        }
        this.post({ v: 1, from: o.id, to: message.from, body, rid: message.requestId, re: true });
      },
      setTimer: (delayMs, callback) =>
        this.timers.setTimer(delayMs, () => {
          if (!this.stopped) this.invoke(callback);
        }),
      clearTimer: (id) => this.timers.clearTimer(id),
      sleep: (delayMs, signal) => this.timers.sleep(delayMs, signal),
      clock: this.clock,
      storage: this.storage,
      random: this.random,
      log: (...parts) =>
        this.log(parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")),
    };
  }

  private request(to: NodeId, body: unknown, timeoutMs: number): Promise<unknown> {
    requireNonNegative("request.timeoutMs", timeoutMs);
    if (to !== this.id && !this.transport.knows(to)) this.unknown("request.to", to);
    const rid = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimer(timeoutMs, () => {
        if (!this.pending.delete(rid)) return;
        reject(timeoutError(`request ${rid} to ${to}`, timeoutMs));
      });
      this.pending.set(rid, { to, resolve, timer });
      this.post({ v: 1, from: this.id, to, body, rid });
    });
  }

  private post(envelope: Envelope): void {
    if (this.stopped) return;
    if (envelope.to === this.id) {
      // To itself: no socket, but still later, as a message is.
      setImmediate(() => this.deliver(envelope));
      return;
    }
    if (!this.transport.knows(envelope.to)) this.unknown("send.to", envelope.to);
    this.transport.send(envelope);
  }

  private unknown(field: string, to: string): never {
    throw new ConfigError({
      field,
      value: to,
      expected: "the id of a node in this world",
      fix: `use one of ${this.options.peers
        .slice(0, 8)
        .map((x) => JSON.stringify(x))
        .join(", ")}`,
    });
  }

  private deliver(envelope: Envelope): void {
    if (this.stopped || this.handlers === undefined || "hello" in envelope) return;
    if (envelope.re === true) {
      const pending = this.pending.get(envelope.rid!);
      // A late reply (its request timed out) or one from a node the request did not go to.
      if (pending === undefined || pending.to !== envelope.from) return;
      this.pending.delete(envelope.rid!);
      this.timers.clearTimer(pending.timer);
      pending.resolve(envelope.body);
      return;
    }
    const onMessage = this.handlers.onMessage;
    if (onMessage === undefined) return;
    const message: Message =
      envelope.rid === undefined
        ? { from: envelope.from, body: envelope.body }
        : { from: envelope.from, body: envelope.body, requestId: envelope.rid };
    this.invoke(() => onMessage(message));
  }

  /** Runs node code; a throw or a rejected promise goes to `onError`. */
  private invoke(fn: () => void | Promise<void>): void {
    try {
      const result = fn();
      if (result !== undefined && typeof (result as Promise<void>).then === "function") {
        (result as Promise<void>).then(undefined, (error: unknown) => {
          if (!this.stopped) this.onError(error);
        });
      }
    } catch (error) {
      if (!this.stopped) this.onError(error);
    }
  }
}

/** Listens and starts a node on real sockets: `await startRealNode({ id, peers, ... })`. */
export async function startRealNode(options: RealNodeOptions): Promise<RealNode> {
  const node = new RealNode(options);
  await node.listen();
  node.start();
  return node;
}
