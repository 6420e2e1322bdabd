// How a real node reaches its peers: one TCP listener for what others send it, and one outgoing
// connection per peer for what it sends, so each direction of a pair is its own stream (a one-way
// partition cuts one and not the other, as in the simulator). Listeners bind to 127.0.0.1 unless
// told otherwise. Everything that arrives is untrusted: frames are size-limited and, with a shared
// key, authenticated (see FrameCodec); a frame that is forged, unparseable, not addressed to this
// node or from a node it does not know is counted, logged (the first few of each kind, then one in
// a thousand) and dropped, never a crash. A peer that cannot be reached loses what was sent to it,
// as a network would; a bounded queue covers only the moment a connection opens.

import { createServer, connect, type Server, type Socket } from "node:net";
import { ConfigError } from "../core/errors.js";
import { requireInteger } from "../core/validate.js";
import { encodeEnvelope, isHello, parseEnvelope, type Envelope } from "./Envelope.js";
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  FrameDecoder,
  FrameError,
  frameKey,
  type FrameKey,
  type FrameRejection,
} from "./FrameCodec.js";

export interface Address {
  host: string;
  port: number;
}

export interface TransportOptions {
  /** A shared key: every frame carries an HMAC-SHA256, and frames without a valid one are dropped. */
  hmacKey?: FrameKey | undefined;
  /** The largest frame accepted or sent, MAC included (default 1 MiB). */
  maxFrameBytes?: number | undefined;
  /**
   * Answer nodes not in the address book at the port their hello names (on the address they
   * connected from): how clients join a `murphy cluster`. Off by default: unknown senders are dropped.
   */
  acceptUnknownPeers?: boolean | undefined;
  /** Frames held per peer while its connection opens (default 1,024); beyond that they are lost. */
  maxQueuedFrames?: number | undefined;
  /** Inbound connections held at once (default 256); more are refused. */
  maxInboundConnections?: number | undefined;
}

export type Rejection = FrameRejection | "misaddressed" | "unknown-peer";

export interface TransportStats {
  framesIn: number;
  framesOut: number;
  /** Frames this node meant to send that were lost: no connection, or its queue was full. */
  framesLost: number;
  rejected: Record<Rejection, number>;
}

const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const RECONNECT_MS = 50;
const MAX_LEARNED_PEERS = 1024;

interface Outbound {
  socket: Socket | undefined;
  connected: boolean;
  queue: Buffer[];
  retryTimer: ReturnType<typeof setTimeout> | undefined;
}

export class RealTransport {
  readonly stats: TransportStats = {
    framesIn: 0,
    framesOut: 0,
    framesLost: 0,
    rejected: {
      oversize: 0,
      empty: 0,
      forged: 0,
      unparseable: 0,
      invalid: 0,
      misaddressed: 0,
      "unknown-peer": 0,
    },
  };
  private readonly key: Buffer | undefined;
  private readonly maxFrameBytes: number;
  private readonly maxQueuedFrames: number;
  private readonly maxInbound: number;
  private readonly acceptUnknown: boolean;
  private readonly outbound = new Map<string, Outbound>();
  private readonly addresses: Map<string, Address>;
  private readonly learned = new Map<string, Address>();
  private readonly inbound = new Set<Socket>();
  private server: Server | undefined;
  private listening: Address | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    addresses: ReadonlyMap<string, Address>,
    options: TransportOptions,
    private readonly handlers: { deliver(envelope: Envelope): void; log(text: string): void },
  ) {
    this.addresses = new Map(addresses);
    this.key = frameKey(options.hmacKey);
    this.maxFrameBytes = requireInteger(
      "maxFrameBytes",
      options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      64,
    );
    this.maxQueuedFrames = requireInteger("maxQueuedFrames", options.maxQueuedFrames ?? 1024, 0);
    this.maxInbound = requireInteger(
      "maxInboundConnections",
      options.maxInboundConnections ?? 256,
      1,
    );
    this.acceptUnknown = options.acceptUnknownPeers ?? false;
  }

  /** Binds the listener (127.0.0.1 and a port the OS picks, unless told otherwise). */
  listen(host = "127.0.0.1", port = 0): Promise<Address> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port }, () => {
        server.off("error", reject);
        const a = server.address();
        if (a === null || typeof a === "string") throw new Error("listener has no TCP address");
        this.listening = { host: a.address, port: a.port };
        resolve(this.listening);
      });
    });
  }

  get address(): Address | undefined {
    return this.listening;
  }

  /** Points `peer` at a new address; a connection to the old one is closed. */
  setAddress(peer: string, address: Address): void {
    this.addresses.set(peer, address);
    this.outbound.get(peer)?.socket?.destroy();
  }

  /** True when `to` has an address: in the book, or learned from its hello. */
  knows(to: string): boolean {
    return this.addresses.has(to) || this.learned.has(to);
  }

  /** Sends one envelope to `envelope.to`; loses it (counted) if the peer cannot be reached. */
  send(envelope: Envelope): void {
    if (this.closed) return;
    const to = envelope.to;
    if (!this.knows(to)) {
      throw new ConfigError({
        field: "send.to",
        value: to,
        expected: "a node of this world (or a peer that said hello)",
        fix: `send to one of ${[...this.addresses.keys()].slice(0, 8).join(", ")}`,
      });
    }
    const frame = encodeFrame(encodeEnvelope(envelope), {
      key: this.key,
      maxFrameBytes: this.maxFrameBytes,
    });
    const out = this.outboundTo(to);
    if (out.connected && out.socket !== undefined) {
      if (out.socket.writableLength > MAX_BUFFERED_BYTES) {
        this.stats.framesLost++;
        return;
      }
      out.socket.write(frame);
      this.stats.framesOut++;
      return;
    }
    if (out.queue.length >= this.maxQueuedFrames) {
      this.stats.framesLost++;
      return;
    }
    out.queue.push(frame);
    if (out.socket === undefined && out.retryTimer === undefined) this.open(to, out);
  }

  /** Closes the listener and every connection; nothing is sent or delivered afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    for (const out of this.outbound.values()) {
      if (out.retryTimer !== undefined) clearTimeout(out.retryTimer);
      out.socket?.destroy();
      out.queue = [];
    }
    for (const socket of this.inbound) socket.destroy();
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private outboundTo(to: string): Outbound {
    let out = this.outbound.get(to);
    if (out === undefined) {
      out = { socket: undefined, connected: false, queue: [], retryTimer: undefined };
      this.outbound.set(to, out);
    }
    return out;
  }

  private open(to: string, out: Outbound): void {
    const address = this.addresses.get(to) ?? this.learned.get(to)!;
    const socket = connect({ host: address.host, port: address.port });
    out.socket = socket;
    socket.setNoDelay(true);
    socket.on("connect", () => {
      if (this.closed) return;
      out.connected = true;
      if (this.listening !== undefined) {
        const hello: Envelope = { v: 1, from: this.id, to, hello: { port: this.listening.port } };
        socket.write(encodeFrame(encodeEnvelope(hello), { key: this.key }));
      }
      for (const frame of out.queue) socket.write(frame);
      this.stats.framesOut += out.queue.length;
      out.queue = [];
    });
    // A peer never writes on a connection this node opened; whatever arrives is discarded.
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    socket.on("close", () => {
      out.socket = undefined;
      out.connected = false;
      this.stats.framesLost += out.queue.length;
      out.queue = [];
      if (this.closed) return;
      // Try again on the next send, but not before a short pause: a dead peer is not hammered.
      out.retryTimer = setTimeout(() => {
        out.retryTimer = undefined;
        if (!this.closed && out.queue.length > 0) this.open(to, out);
      }, RECONNECT_MS);
    });
  }

  private accept(socket: Socket): void {
    if (this.closed || this.inbound.size >= this.maxInbound) {
      socket.destroy();
      return;
    }
    this.inbound.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder({ key: this.key, maxFrameBytes: this.maxFrameBytes });
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on("data", (chunk: Buffer) => {
      const { frames, errors } = decoder.push(chunk);
      for (const error of errors) {
        this.reject(error.reason, `from ${remote}: ${error.detail}`);
        if (error.fatal) socket.destroy();
      }
      for (const frame of frames) this.receive(frame, socket, remote);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => this.inbound.delete(socket));
  }

  private receive(frame: Buffer, socket: Socket, remote: string): void {
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(frame);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.reject(error.reason, `from ${remote}: ${error.detail}`);
      return;
    }
    if (envelope.to !== this.id) {
      this.reject("misaddressed", `from ${remote}: addressed to ${JSON.stringify(envelope.to)}`);
      return;
    }
    if (isHello(envelope)) {
      if (this.acceptUnknown && !this.addresses.has(envelope.from)) this.learn(envelope, socket);
      return;
    }
    if (!this.knows(envelope.from)) {
      this.reject("unknown-peer", `from ${remote}: ${JSON.stringify(envelope.from)} is unknown`);
      return;
    }
    this.stats.framesIn++;
    this.handlers.deliver(envelope);
  }

  private learn(hello: Extract<Envelope, { hello: unknown }>, socket: Socket): void {
    if (!this.learned.has(hello.from) && this.learned.size >= MAX_LEARNED_PEERS) {
      this.learned.delete(this.learned.keys().next().value!);
    }
    const host = socket.remoteAddress ?? "127.0.0.1";
    this.learned.set(hello.from, { host, port: hello.hello.port });
  }

  private reject(reason: Rejection, detail: string): void {
    const n = ++this.stats.rejected[reason];
    if (n <= 10 || n % 1000 === 0) {
      this.handlers.log(`${this.id} dropped a frame (${reason}, ${n} so far) ${detail}`);
    }
  }
}
