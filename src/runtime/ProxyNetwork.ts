// The network of a real test: a fault proxy on every directed link between the world's nodes, so
// node A reaches node B only through the proxy `A->B`. Network faults from the fault JSON go to a
// LinkTable (the simulator's meaning of each fault), and each proxy's toxics follow from it:
// a blocked link is a blackhole, `loss` and `duplicate` become the proxies' probabilities, and
// `slow xF` adds (F - 1) x `slowUnitMs` of latency, since loopback has no latency to multiply (a
// LAN round trip, 1 ms, is the default unit). Base latency and jitter apply to every link.
// A node that restarts on a new port is re-pointed with `setTarget`.

import type { Random } from "../core/Clock.js";
import { requireNonNegative } from "../core/validate.js";
import type { FaultAction } from "../faults/FaultAction.js";
import { FaultProxy, type Toxics } from "./FaultProxy.js";
import { LinkTable } from "./LinkTable.js";
import type { Address } from "./RealTransport.js";

export interface ProxyNetworkOptions {
  nodeIds: readonly string[];
  random: Random;
  maxFrameBytes?: number;
  /** Latency added to every frame, in ms (default 0: loopback as it is). */
  latencyMs?: number;
  jitterMs?: number;
  /** What one unit of `slow` adds, in ms (default 1). */
  slowUnitMs?: number;
}

export class ProxyNetwork {
  readonly links: LinkTable;
  private readonly proxies = new Map<string, FaultProxy>();
  private readonly latencyMs: number;
  private readonly jitterMs: number;
  private readonly slowUnitMs: number;

  private constructor(private readonly options: ProxyNetworkOptions) {
    this.links = new LinkTable(options.nodeIds);
    this.latencyMs = requireNonNegative("latencyMs", options.latencyMs ?? 0);
    this.jitterMs = requireNonNegative("jitterMs", options.jitterMs ?? 0);
    this.slowUnitMs = requireNonNegative("slowUnitMs", options.slowUnitMs ?? 1);
  }

  /** Starts a proxy for every ordered pair of distinct nodes. */
  static async start(options: ProxyNetworkOptions): Promise<ProxyNetwork> {
    const net = new ProxyNetwork(options);
    try {
      for (const from of options.nodeIds) {
        for (const to of options.nodeIds) {
          if (from === to) continue;
          const proxy = new FaultProxy({
            name: `${from}->${to}`,
            random: options.random,
            ...(options.maxFrameBytes === undefined
              ? {}
              : { maxFrameBytes: options.maxFrameBytes }),
          });
          net.proxies.set(linkKey(from, to), proxy);
          await proxy.listen();
        }
      }
      net.refresh();
      return net;
    } catch (error) {
      await net.close();
      throw error;
    }
  }

  /** Where `from` sends to reach `to`: the proxy of that link. */
  addressFor(from: string, to: string): Address {
    return this.proxy(from, to).address!;
  }

  /** Every address `from` needs: one proxy per other node. */
  addressBookOf(from: string): Record<string, Address> {
    const book: Record<string, Address> = {};
    for (const to of this.options.nodeIds) if (to !== from) book[to] = this.addressFor(from, to);
    return book;
  }

  /** Points every link into `node` at its listener (undefined while it is down). */
  setTarget(node: string, address: Address | undefined): void {
    for (const from of this.options.nodeIds) {
      if (from !== node) this.proxy(from, node).setUpstream(address);
    }
  }

  /** Applies a network fault; false for faults that act on a node. */
  apply(action: FaultAction): boolean {
    if (!this.links.apply(action)) return false;
    this.refresh();
    return true;
  }

  /** Ends every network fault. */
  healAll(): void {
    this.links.reset();
    this.refresh();
  }

  /** Resets (RST) every connection on the links into and out of `node`. */
  resetConnections(node: string): void {
    for (const [key, proxy] of this.proxies) {
      const [from, to] = key.split("\u0000");
      if (from === node || to === node) proxy.reset();
    }
  }

  toxicsOf(from: string, to: string): Readonly<Toxics> {
    return this.proxy(from, to).currentToxics;
  }

  /** Frames carried and dropped, over every link. */
  totals(): { framesIn: number; dropped: number; duplicated: number } {
    let framesIn = 0;
    let dropped = 0;
    let duplicated = 0;
    for (const p of this.proxies.values()) {
      framesIn += p.stats.framesIn;
      dropped += p.stats.droppedBlackhole + p.stats.droppedLoss;
      duplicated += p.stats.duplicated;
    }
    return { framesIn, dropped, duplicated };
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
  }

  private proxy(from: string, to: string): FaultProxy {
    const proxy = this.proxies.get(linkKey(from, to));
    if (proxy === undefined) throw new RangeError(`no link ${from}->${to}`);
    return proxy;
  }

  private refresh(): void {
    for (const [key, proxy] of this.proxies) {
      const [from, to] = key.split("\u0000") as [string, string];
      const slow = this.links.slow(from, to);
      proxy.setToxics({
        blackhole: this.links.blocked(from, to) !== null,
        lossProbability: this.links.lossProbability,
        duplicateProbability: this.links.duplicateProbability,
        latencyMs: this.latencyMs + Math.max(0, slow - 1) * this.slowUnitMs,
        jitterMs: this.jitterMs,
      });
    }
  }
}

function linkKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
