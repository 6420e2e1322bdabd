// Vector clocks (Fidge, Mattern, 1988): one counter per node. Unlike Lamport timestamps they
// capture causality exactly: a happened before b if and only if a's vector is below b's, and two
// events are concurrent when neither is below the other. Values are immutable; a node keeps its
// current clock and replaces it on each event.
//
// Encoding: "n1:3,n2:5" with node ids sorted and percent-encoded, zero entries omitted, so equal
// clocks always encode the same and the empty clock encodes as "".

import { ConfigError } from "../core/errors.js";

export type VectorOrder = "before" | "after" | "equal" | "concurrent";

export class VectorClock {
  private readonly counters: ReadonlyMap<string, number>;

  private constructor(counters: ReadonlyMap<string, number>) {
    this.counters = counters;
  }

  static empty(): VectorClock {
    return new VectorClock(new Map());
  }

  /** Builds a clock from `{ nodeId: counter }`; counters must be integers >= 0. */
  static from(entries: Readonly<Record<string, number>>): VectorClock {
    const counters = new Map<string, number>();
    for (const [node, count] of Object.entries(entries)) {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new ConfigError({
          field: `counter of ${node}`,
          value: count,
          expected: "an integer >= 0",
          fix: "vector clock counters count events and cannot be fractional or negative",
        });
      }
      if (count > 0) counters.set(node, count);
    }
    return new VectorClock(counters);
  }

  static decode(text: string): VectorClock {
    const entries: Record<string, number> = {};
    if (text === "") return VectorClock.empty();
    for (const part of text.split(",")) {
      const match = /^([^:]+):(\d+)$/.exec(part);
      if (match === null) {
        throw new ConfigError({
          field: "vector clock",
          value: text,
          expected: 'comma-separated "node:counter" pairs',
          fix: "pass a string produced by VectorClock.encode()",
        });
      }
      entries[decodeURIComponent(match[1]!)] = Number(match[2]);
    }
    return VectorClock.from(entries);
  }

  get(nodeId: string): number {
    return this.counters.get(nodeId) ?? 0;
  }

  /** A new clock with `nodeId`'s counter one higher: a local event or a send on that node. */
  increment(nodeId: string): VectorClock {
    const next = new Map(this.counters);
    next.set(nodeId, this.get(nodeId) + 1);
    return new VectorClock(next);
  }

  /** The pointwise maximum: what a node knows after receiving a message stamped `other`. */
  merge(other: VectorClock): VectorClock {
    const next = new Map(this.counters);
    for (const [node, count] of other.counters) next.set(node, Math.max(count, this.get(node)));
    return new VectorClock(next);
  }

  /** A receive on `nodeId`: merge, then increment. */
  receive(nodeId: string, message: VectorClock): VectorClock {
    return this.merge(message).increment(nodeId);
  }

  compare(other: VectorClock): VectorOrder {
    let someLess = false;
    let someGreater = false;
    for (const node of new Set([...this.counters.keys(), ...other.counters.keys()])) {
      const a = this.get(node);
      const b = other.get(node);
      if (a < b) someLess = true;
      else if (a > b) someGreater = true;
    }
    if (someLess && someGreater) return "concurrent";
    if (someLess) return "before";
    if (someGreater) return "after";
    return "equal";
  }

  /** True when this clock's event happened before `other`'s. */
  happenedBefore(other: VectorClock): boolean {
    return this.compare(other) === "before";
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  encode(): string {
    return [...this.counters]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([node, count]) => `${encodeURIComponent(node)}:${count}`)
      .join(",");
  }

  toString(): string {
    return this.encode();
  }
}
