// The real network's state, driven by the same fault JSON as the simulator's network and with
// the same meaning (see src/net/Network.ts): a group partition replaces the previous one and
// leaves the unlisted nodes as one more group, one-way cuts and rings add up, `heal` clears them
// both, a link taken down stays down until its `link-up`, `loss` and `duplicate` set every link's
// probability, `slow` multiplies latency on one link or everywhere. The fault proxies ask it, per
// directed link, what to do with the frames they carry. A test drives it and the simulator's
// Network with the same schedules and compares them link by link.

import type { FaultAction } from "../faults/FaultAction.js";

export type LinkBlock = "partition" | "link-down" | null;

export class LinkTable {
  private groupOf: Map<string, number> | null = null;
  private groupCount = 0;
  private readonly cuts = new Set<string>();
  private readonly down = new Set<string>();
  private slowFactor = 1;
  private readonly slowLinks = new Map<string, number>();
  lossProbability = 0;
  duplicateProbability = 0;

  constructor(readonly nodeIds: readonly string[]) {}

  /** Applies a network fault; returns false for faults that act on a node instead. */
  apply(a: FaultAction): boolean {
    switch (a.kind) {
      case "partition":
        this.partition(a.groups);
        return true;
      case "partition-majority":
        this.partition([a.minority]);
        return true;
      case "isolate":
        this.partition([[a.node]]);
        return true;
      case "cut":
        this.cuts.add(key(a.from, a.to));
        return true;
      case "ring":
        this.ring(a.order);
        return true;
      case "heal":
        this.groupOf = null;
        this.cuts.clear();
        return true;
      case "link-down":
        this.down.add(key(a.from, a.to)).add(key(a.to, a.from));
        return true;
      case "link-up":
        this.down.delete(key(a.from, a.to));
        this.down.delete(key(a.to, a.from));
        return true;
      case "slow":
        if (a.from === undefined || a.to === undefined) this.slowFactor = a.factor;
        else if (a.factor === 1) this.slowLinks.delete(key(a.from, a.to));
        else this.slowLinks.set(key(a.from, a.to), a.factor);
        return true;
      case "loss":
        this.lossProbability = a.probability;
        return true;
      case "duplicate":
        this.duplicateProbability = a.probability;
        return true;
      default:
        return false;
    }
  }

  /** Why frames from → to are lost, or null when the link carries them. */
  blocked(from: string, to: string): LinkBlock {
    const k = key(from, to);
    if (this.down.has(k)) return "link-down";
    if (this.cuts.has(k)) return "partition";
    if (this.groupOf !== null && this.group(from) !== this.group(to)) return "partition";
    return null;
  }

  /** How many times slower than normal the link from → to is. */
  slow(from: string, to: string): number {
    return this.slowFactor * (this.slowLinks.get(key(from, to)) ?? 1);
  }

  /** Clears every fault: partitions, cuts, links down, slowness, loss and duplication. */
  reset(): void {
    this.groupOf = null;
    this.cuts.clear();
    this.down.clear();
    this.slowFactor = 1;
    this.slowLinks.clear();
    this.lossProbability = 0;
    this.duplicateProbability = 0;
  }

  private group(node: string): number {
    return this.groupOf!.get(node) ?? this.groupCount;
  }

  private partition(groups: readonly (readonly string[])[]): void {
    this.groupOf = new Map();
    this.groupCount = groups.length;
    groups.forEach((g, gi) => g.forEach((node) => this.groupOf!.set(node, gi)));
  }

  private ring(order: readonly string[]): void {
    const neighbours = new Set<string>();
    for (let i = 0; i < order.length; i++) {
      const a = order[i]!;
      const b = order[(i + 1) % order.length]!;
      neighbours.add(key(a, b)).add(key(b, a));
    }
    for (const a of order)
      for (const b of order) if (a !== b && !neighbours.has(key(a, b))) this.cuts.add(key(a, b));
  }
}

function key(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
