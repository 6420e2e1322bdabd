// A fault-injecting TCP proxy for one directed link (node A's sends to node B), with Toxiproxy's
// toxics as the model: latency with jitter, loss, duplication, a bandwidth limit, a blackhole (the
// partition: frames vanish, connections stay up, as with packets dropped by a firewall) and reset
// (every connection closed at once with a TCP RST). Unlike Toxiproxy it cuts the stream at frame
// boundaries (it knows the length prefix, not the key or the payload), so loss and duplication
// hit whole messages, as in the simulator. Latency keeps the stream's order, as TCP does: a frame
// is released at its arrival plus its delay, or after the frame before it, whichever is later.
// A toxic applies to frames that arrive after it is set; frames already delayed are in flight.

import { connect, createServer, type Server, type Socket } from "node:net";
import type { Random } from "../core/Clock.js";
import { probability } from "../core/units.js";
import { requireNonNegative, requirePositive } from "../core/validate.js";
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, LENGTH_BYTES } from "./FrameCodec.js";
import type { Address } from "./RealTransport.js";

export interface Toxics {
  /** Frames vanish on arrival: a partition of this link. */
  blackhole: boolean;
  lossProbability: number;
  duplicateProbability: number;
  /** Added to every frame, plus a draw uniform in ±jitterMs (never below zero). */
  latencyMs: number;
  jitterMs: number;
  /** Frames leave no faster than this; Infinity for no limit. */
  bandwidthBytesPerSecond: number;
}

export const NO_TOXICS: Readonly<Toxics> = {
  blackhole: false,
  lossProbability: 0,
  duplicateProbability: 0,
  latencyMs: 0,
  jitterMs: 0,
  bandwidthBytesPerSecond: Infinity,
};

export interface FaultProxyOptions {
  /** Names the link in logs, e.g. `n1->n2`. */
  name: string;
  random: Random;
  listenHost?: string;
  /** The largest frame carried (as the nodes' maxFrameBytes); a larger one ends the connection. */
  maxFrameBytes?: number;
  upstream?: Address;
}

export interface ProxyStats {
  framesIn: number;
  framesForwarded: number;
  droppedBlackhole: number;
  droppedLoss: number;
  duplicated: number;
  connections: number;
  resets: number;
}

/** One downstream connection and the upstream connection it feeds. */
interface Pipe {
  down: Socket;
  up: Socket;
  decoder: FrameDecoder;
  queue: { atMs: number; frame: Buffer }[];
  timer: ReturnType<typeof setTimeout> | undefined;
  lastReleaseMs: number;
  closing: boolean;
}

export class FaultProxy {
  readonly name: string;
  readonly stats: ProxyStats = {
    framesIn: 0,
    framesForwarded: 0,
    droppedBlackhole: 0,
    droppedLoss: 0,
    duplicated: 0,
    connections: 0,
    resets: 0,
  };
  private toxics: Toxics = { ...NO_TOXICS };
  private upstream: Address | undefined;
  private readonly pipes = new Set<Pipe>();
  private readonly random: Random;
  private readonly maxFrameBytes: number;
  private server: Server | undefined;
  private listening: Address | undefined;
  private closed = false;

  constructor(private readonly options: FaultProxyOptions) {
    this.name = options.name;
    this.random = options.random;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.upstream = options.upstream;
  }

  listen(): Promise<Address> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.options.listenHost ?? "127.0.0.1", port: 0 }, () => {
        server.off("error", reject);
        const a = server.address();
        if (a === null || typeof a === "string") throw new Error("proxy has no TCP address");
        this.listening = { host: a.address, port: a.port };
        resolve(this.listening);
      });
    });
  }

  get address(): Address | undefined {
    return this.listening;
  }

  get currentToxics(): Readonly<Toxics> {
    return this.toxics;
  }

  /** Where frames go; undefined while the target is down. Open connections to the old one close. */
  setUpstream(address: Address | undefined): void {
    const same =
      address !== undefined &&
      this.upstream !== undefined &&
      address.host === this.upstream.host &&
      address.port === this.upstream.port;
    this.upstream = address;
    if (!same) for (const pipe of [...this.pipes]) this.destroy(pipe);
  }

  setToxics(changes: Partial<Toxics>): void {
    const next = { ...this.toxics, ...changes };
    probability(next.lossProbability, `${this.name}.lossProbability`);
    probability(next.duplicateProbability, `${this.name}.duplicateProbability`);
    requireNonNegative(`${this.name}.latencyMs`, next.latencyMs);
    requireNonNegative(`${this.name}.jitterMs`, next.jitterMs);
    if (next.bandwidthBytesPerSecond !== Infinity) {
      requirePositive(`${this.name}.bandwidthBytesPerSecond`, next.bandwidthBytesPerSecond);
    }
    this.toxics = next;
  }

  /** Resets every open connection (RST both ways); frames in flight are lost. */
  reset(): void {
    for (const pipe of [...this.pipes]) {
      this.stats.resets++;
      this.destroy(pipe, true);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pipe of [...this.pipes]) this.destroy(pipe);
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(down: Socket): void {
    const target = this.upstream;
    if (this.closed || target === undefined) {
      down.destroy();
      return;
    }
    this.stats.connections++;
    down.setNoDelay(true);
    const up = connect({ host: target.host, port: target.port });
    up.setNoDelay(true);
    const pipe: Pipe = {
      down,
      up,
      decoder: new FrameDecoder({ maxFrameBytes: this.maxFrameBytes }),
      queue: [],
      timer: undefined,
      lastReleaseMs: 0,
      closing: false,
    };
    this.pipes.add(pipe);
    down.on("data", (chunk: Buffer) => this.arrive(pipe, chunk));
    down.on("end", () => {
      pipe.closing = true;
      if (pipe.queue.length === 0) this.destroy(pipe);
    });
    up.on("data", () => undefined);
    for (const socket of [down, up]) {
      socket.on("error", () => this.destroy(pipe));
      socket.on("close", () => this.destroy(pipe));
    }
  }

  private arrive(pipe: Pipe, chunk: Buffer): void {
    const { frames, errors } = pipe.decoder.push(chunk);
    if (errors.some((e) => e.fatal)) {
      this.destroy(pipe);
      return;
    }
    const t = this.toxics;
    for (const payload of frames) {
      this.stats.framesIn++;
      if (t.blackhole) {
        this.stats.droppedBlackhole++;
        continue;
      }
      if (t.lossProbability > 0 && this.random.float() < t.lossProbability) {
        this.stats.droppedLoss++;
        continue;
      }
      const frame = Buffer.allocUnsafe(LENGTH_BYTES + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      payload.copy(frame, LENGTH_BYTES);
      const copies = t.duplicateProbability > 0 && this.random.float() < t.duplicateProbability;
      if (copies) this.stats.duplicated++;
      for (let c = 0; c < (copies ? 2 : 1); c++) this.enqueue(pipe, frame);
    }
  }

  private enqueue(pipe: Pipe, frame: Buffer): void {
    const t = this.toxics;
    const now = performance.now();
    const jitter = t.jitterMs === 0 ? 0 : (this.random.float() * 2 - 1) * t.jitterMs;
    const delay = Math.max(0, t.latencyMs + jitter);
    const transmit =
      t.bandwidthBytesPerSecond === Infinity
        ? 0
        : (frame.length * 1000) / t.bandwidthBytesPerSecond;
    const atMs = Math.max(pipe.lastReleaseMs, now + delay) + transmit;
    pipe.lastReleaseMs = atMs;
    if (atMs <= now && pipe.queue.length === 0) {
      this.forward(pipe, frame);
      return;
    }
    pipe.queue.push({ atMs, frame });
    if (pipe.timer === undefined) this.arm(pipe);
  }

  private arm(pipe: Pipe): void {
    const head = pipe.queue[0];
    if (head === undefined) return;
    pipe.timer = setTimeout(
      () => {
        pipe.timer = undefined;
        const now = performance.now();
        while (pipe.queue.length > 0 && pipe.queue[0]!.atMs <= now + 0.5) {
          this.forward(pipe, pipe.queue.shift()!.frame);
        }
        if (pipe.queue.length > 0) this.arm(pipe);
        else if (pipe.closing) this.destroy(pipe);
      },
      Math.max(0, head.atMs - performance.now()),
    );
  }

  private forward(pipe: Pipe, frame: Buffer): void {
    if (pipe.up.destroyed) return;
    pipe.up.write(frame);
    this.stats.framesForwarded++;
  }

  private destroy(pipe: Pipe, reset = false): void {
    if (!this.pipes.delete(pipe)) return;
    if (pipe.timer !== undefined) clearTimeout(pipe.timer);
    pipe.queue = [];
    for (const socket of [pipe.down, pipe.up]) {
      if (reset && !socket.destroyed && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
