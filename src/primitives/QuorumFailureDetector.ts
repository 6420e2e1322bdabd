// A node is declared dead only when a majority of the observers cannot reach it. One observer's
// view confuses "the node is down" with "my own link to it is down"; asking several, and acting
// only on a majority, means a node that one observer has been cut off from stays alive, and that
// two disjoint minorities can never both declare it dead. Observers report what they see (from
// their own heartbeat or phi detectors); an observer that has not reported counts as able to reach
// the node, so silence from observers never kills a node.

import { ConfigError } from "../core/errors.js";

export interface QuorumVerdictEvent {
  readonly node: string;
  /** Observers that currently report the node unreachable. */
  readonly unreachableFrom: readonly string[];
}

export interface QuorumFailureDetectorOptions {
  /** The fixed set of observers, at least one, without repeats. */
  readonly observers: readonly string[];
  readonly onDead?: (event: QuorumVerdictEvent) => void;
  readonly onAlive?: (event: QuorumVerdictEvent) => void;
}

export class QuorumFailureDetector {
  readonly observers: readonly string[];
  /** Unreachable reports needed to declare a node dead: a strict majority of the observers. */
  readonly quorum: number;
  private readonly options: QuorumFailureDetectorOptions;
  /** node → observers that report it unreachable. */
  private readonly unreachable = new Map<string, Set<string>>();
  private readonly dead = new Set<string>();

  constructor(options: QuorumFailureDetectorOptions) {
    const observers = options.observers;
    if (!Array.isArray(observers) || observers.length === 0) {
      throw new ConfigError({
        field: "observers",
        value: observers,
        expected: "a non-empty list of observer ids",
        fix: "list the nodes whose views are combined, e.g. ['n1', 'n2', 'n3']",
      });
    }
    if (new Set(observers).size !== observers.length) {
      throw new ConfigError({
        field: "observers",
        value: observers,
        expected: "a list without repeats",
        fix: "name each observer once; a repeated observer would count twice toward the majority",
      });
    }
    this.observers = [...observers];
    this.quorum = Math.floor(observers.length / 2) + 1;
    this.options = options;
  }

  /** Records whether `observer` can currently reach `node`. */
  report(observer: string, node: string, reachable: boolean): void {
    if (!this.observers.includes(observer)) {
      throw new ConfigError({
        field: "observer",
        value: observer,
        expected: `one of the configured observers (${this.observers.join(", ")})`,
        fix: "add it to `observers` when building the detector",
      });
    }
    let from = this.unreachable.get(node);
    if (from === undefined) {
      from = new Set();
      this.unreachable.set(node, from);
    }
    if (reachable) from.delete(observer);
    else from.add(observer);

    const isDead = from.size >= this.quorum;
    const wasDead = this.dead.has(node);
    if (isDead === wasDead) return;
    const event = { node, unreachableFrom: [...from].sort() };
    if (isDead) {
      this.dead.add(node);
      this.options.onDead?.(event);
    } else {
      this.dead.delete(node);
      this.options.onAlive?.(event);
    }
  }

  /** True when a majority of observers currently report `node` unreachable. */
  isDead(node: string): boolean {
    return this.dead.has(node);
  }

  isAlive(node: string): boolean {
    return !this.dead.has(node);
  }

  /** Observers that currently report `node` unreachable, sorted. */
  unreachableFrom(node: string): string[] {
    return [...(this.unreachable.get(node) ?? [])].sort();
  }
}
