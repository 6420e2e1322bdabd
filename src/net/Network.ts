// The network between nodes: who can reach whom (partitions, one-way cuts, links down), what a
// message suffers on the way (loss, duplication, latency from a distribution, a slow-network
// multiplier, forced reordering) and the switch queue in front of each receiver. It decides, at
// send time, whether a message is dropped and when each copy arrives. Link state is kept only for
// links that have been configured or cut, so a world of 10,000 nodes costs no per-pair memory.

import { ConfigError } from "../core/errors.js";
import { probability } from "../core/units.js";
import type { Rng } from "../core/Rng.js";
import { requireNonNegative, requirePositive } from "../core/validate.js";
import { compileLatency, validateLatency, type LatencySpec } from "./Latency.js";
import { SwitchQueue } from "./SwitchQueue.js";

export interface LinkOptions {
  latency?: LatencySpec;
  lossProbability?: number;
  duplicateProbability?: number;
  /** With this probability a message gets an extra delay uniform in [0, reorderWindowMs). */
  reorderProbability?: number;
}

export interface LinkOverride extends LinkOptions {
  from: string;
  to: string;
}

export interface NetworkConfig extends LinkOptions {
  /** The window of forced reordering, for every link. */
  reorderWindowMs?: number;
  /** A switch output queue in front of every receiver (drop-tail). */
  switchQueue?: { capacityPackets: number; transmissionMicrosPerPacket: number };
  links?: LinkOverride[];
}

export type DropReason = "partition" | "link-down" | "loss" | "queue-full";

interface CompiledLink {
  sample: (rng: Rng) => number;
  lossProbability: number;
  reorderProbability: number;
  duplicateProbability: number;
  rng: Rng | undefined;
  /** Set by the link's own configuration; otherwise it follows the network's, faults included. */
  ownLoss: boolean;
  ownDuplicate: boolean;
}

export const DEFAULT_LATENCY: LatencySpec = { kind: "uniform", minMs: 1, maxMs: 10 };

export class Network {
  private readonly n: number;
  private readonly index: Map<string, number>;
  private readonly defaultLink: CompiledLink;
  private readonly overrides = new Map<number, CompiledLink>();
  private readonly senderRngs: (Rng | undefined)[];
  private readonly reorderWindowMicros: number;
  private readonly queueConfig: NetworkConfig["switchQueue"];
  private readonly queues = new Map<number, SwitchQueue>();
  /** Partition group of each node, or null when there is no group partition. */
  private groupOf: Int32Array | null = null;
  /** One-way cuts, keyed from * n + to. */
  private readonly cuts = new Set<number>();
  private readonly down = new Set<number>();
  private slowFactor = 1;
  private readonly slowLinks = new Map<number, number>();

  constructor(
    config: NetworkConfig,
    private readonly nodeIds: readonly string[],
    private readonly rng: Rng,
  ) {
    this.n = nodeIds.length;
    this.index = new Map(nodeIds.map((id, i) => [id, i]));
    this.defaultLink = compileLink(config, "network", DEFAULT_LATENCY, undefined);
    this.senderRngs = new Array<Rng | undefined>(this.n);
    this.reorderWindowMicros =
      requireNonNegative("network.reorderWindowMs", config.reorderWindowMs ?? 0) * 1000;
    if (config.switchQueue !== undefined) {
      // Validate once by building a throwaway queue; the real ones are created lazily per port.
      new SwitchQueue(config.switchQueue, "network.switchQueue");
      this.queueConfig = config.switchQueue;
    }
    (config.links ?? []).forEach((link, i) => {
      const field = `network.links[${i}]`;
      const from = this.requireNode(`${field}.from`, link.from);
      const to = this.requireNode(`${field}.to`, link.to);
      const linkRng = rng.derive(`link/${link.from}->${link.to}`);
      this.overrides.set(
        from * this.n + to,
        compileLink(link, field, config.latency ?? DEFAULT_LATENCY, linkRng, this.defaultLink),
      );
    });
  }

  requireNode(field: string, id: unknown): number {
    const i = typeof id === "string" ? this.index.get(id) : undefined;
    if (i === undefined) {
      throw new ConfigError({
        field,
        value: id,
        expected: "the id of a node in this world",
        fix: `use one of ${this.nodeIds
          .slice(0, 8)
          .map((x) => JSON.stringify(x))
          .join(", ")}${this.n > 8 ? ", …" : ""}`,
      });
    }
    return i;
  }

  /** Arrival times of the copies of the last routed message (`arrivalCount` of them). */
  readonly arrivals = new Float64Array(2);
  arrivalCount = 0;

  /**
   * Routes one message sent at `nowMicros`. Returns a drop reason, or null and leaves the arrival
   * time of each copy (one, or two when duplicated) in `arrivals[0 .. arrivalCount)`.
   */
  route(from: number, to: number, nowMicros: number): DropReason | null {
    this.arrivalCount = 0;
    const key = from * this.n + to;
    if (this.down.size > 0 && this.down.has(key)) return "link-down";
    if (this.cuts.size > 0 && this.cuts.has(key)) return "partition";
    if (this.groupOf !== null && this.groupOf[from] !== this.groupOf[to]) return "partition";
    const link =
      this.overrides.size > 0 ? (this.overrides.get(key) ?? this.defaultLink) : this.defaultLink;
    const rng = link.rng ?? this.senderRng(from);
    if (link.lossProbability > 0 && rng.float() < link.lossProbability) return "loss";
    const copies = link.duplicateProbability > 0 && rng.float() < link.duplicateProbability ? 2 : 1;
    let delivered = 0;
    for (let c = 0; c < copies; c++) {
      let latency = link.sample(rng);
      const slow =
        this.slowLinks.size > 0
          ? this.slowFactor * (this.slowLinks.get(key) ?? 1)
          : this.slowFactor;
      if (slow !== 1) latency = Math.round(latency * slow);
      if (link.reorderProbability > 0 && rng.float() < link.reorderProbability) {
        latency += Math.floor(rng.float() * this.reorderWindowMicros);
      }
      let arrival = nowMicros + latency;
      if (this.queueConfig !== undefined) {
        arrival = this.port(to).admit(arrival);
        if (arrival < 0) continue;
      }
      this.arrivals[delivered++] = arrival;
      this.arrivalCount = delivered;
    }
    return delivered === 0 ? "queue-full" : null;
  }

  private senderRng(from: number): Rng {
    let r = this.senderRngs[from];
    if (r === undefined) {
      r = this.rng.derive(`net/${this.nodeIds[from]}`);
      this.senderRngs[from] = r;
    }
    return r;
  }

  private port(to: number): SwitchQueue {
    let q = this.queues.get(to);
    if (q === undefined) {
      q = new SwitchQueue(this.queueConfig!, "network.switchQueue");
      this.queues.set(to, q);
    }
    return q;
  }

  /** Switch statistics summed over all ports. */
  queueStats(): { packets: number; drops: number; maxQueueDepthPackets: number } {
    let packets = 0;
    let drops = 0;
    let maxDepth = 0;
    for (const q of this.queues.values()) {
      packets += q.packets;
      drops += q.drops;
      maxDepth = Math.max(maxDepth, q.maxQueueDepthPackets);
    }
    return { packets, drops, maxQueueDepthPackets: maxDepth };
  }

  // --- Faults -----------------------------------------------------------------------------------

  /** Splits the nodes into groups that cannot reach each other; unlisted nodes form one more group. */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Int32Array(this.n).fill(groups.length);
    groups.forEach((g, gi) => g.forEach((node) => (groupOf[node] = gi)));
    this.groupOf = groupOf;
  }

  /** Cuts the link from → to only: messages from `from` to `to` are lost, the reverse flows. */
  cut(from: number, to: number): void {
    this.cuts.add(from * this.n + to);
  }

  /** Cuts a node off from everyone else, both ways. */
  isolate(node: number): void {
    this.partition([[node]]);
  }

  /** A ring: each node reaches only its two neighbours in `order`. */
  ring(order: readonly number[]): void {
    const k = order.length;
    const neighbours = new Set<number>();
    for (let i = 0; i < k; i++) {
      const a = order[i]!;
      const b = order[(i + 1) % k]!;
      neighbours.add(a * this.n + b);
      neighbours.add(b * this.n + a);
    }
    for (const a of order)
      for (const b of order) if (a !== b && !neighbours.has(a * this.n + b)) this.cut(a, b);
  }

  /** Removes every partition and cut (links taken down stay down until `linkUp`). */
  heal(): void {
    this.groupOf = null;
    this.cuts.clear();
  }

  linkDown(a: number, b: number): void {
    this.down.add(a * this.n + b);
    this.down.add(b * this.n + a);
  }

  linkUp(a: number, b: number): void {
    this.down.delete(a * this.n + b);
    this.down.delete(b * this.n + a);
  }

  /**
   * Multiplies latency by `factor` on one link (from → to) or, without a link, everywhere; a slow
   * link in a slow network is slowed by both. Factor 1 returns that link (or the network) to normal.
   */
  slow(factor: number, link?: { from: number; to: number }): void {
    requirePositive("slow.factor", factor);
    if (link === undefined) this.slowFactor = factor;
    else if (factor === 1) this.slowLinks.delete(link.from * this.n + link.to);
    else this.slowLinks.set(link.from * this.n + link.to, factor);
  }

  /** Sets the loss probability of every link that was not configured with a rate of its own. */
  setLossProbability(p: number): void {
    const checked = probability(p, "loss.probability");
    this.defaultLink.lossProbability = checked;
    for (const link of this.overrides.values()) if (!link.ownLoss) link.lossProbability = checked;
  }

  /** Sets the duplication probability of every link without a rate of its own. */
  setDuplicateProbability(p: number): void {
    const checked = probability(p, "duplicate.probability");
    this.defaultLink.duplicateProbability = checked;
    for (const link of this.overrides.values()) {
      if (!link.ownDuplicate) link.duplicateProbability = checked;
    }
  }
}

function compileLink(
  options: LinkOptions,
  field: string,
  fallbackLatency: LatencySpec,
  rng: Rng | undefined,
  base?: CompiledLink,
): CompiledLink {
  const latency =
    options.latency !== undefined
      ? validateLatency(options.latency, `${field}.latency`)
      : undefined;
  return {
    sample:
      latency !== undefined
        ? compileLatency(latency)
        : (base?.sample ?? compileLatency(fallbackLatency)),
    lossProbability:
      options.lossProbability !== undefined
        ? probability(options.lossProbability, `${field}.lossProbability`)
        : (base?.lossProbability ?? 0),
    duplicateProbability:
      options.duplicateProbability !== undefined
        ? probability(options.duplicateProbability, `${field}.duplicateProbability`)
        : (base?.duplicateProbability ?? 0),
    reorderProbability:
      options.reorderProbability !== undefined
        ? probability(options.reorderProbability, `${field}.reorderProbability`)
        : (base?.reorderProbability ?? 0),
    rng,
    ownLoss: options.lossProbability !== undefined,
    ownDuplicate: options.duplicateProbability !== undefined,
  };
}
