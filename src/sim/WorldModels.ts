// What the kernel needs from the world models, and nothing more. The kernel hosts nodes and runs
// events; the network, the physical clocks, the disks and the adversaries live one layer up
// (`src/net`, `src/clock`, `src/storage`, `src/faults`) and plug in through these interfaces, so
// the kernel imports none of them and a different model (another network, a clock that never
// drifts) plugs in the same way.

import type { Rng } from "../core/Rng.js";
import type { NodeFactory, Storage } from "./NodeApi.js";

/** The network as the kernel sees it: the fate of each message and its copies' arrival times. */
export interface NetworkModel {
  /**
   * Routes one message sent at `nowMicros`: returns why it was dropped, or null when it was not
   * and `arrivals[0 .. arrivalCount)` hold the arrival time of each copy (two when duplicated).
   */
  route(from: number, to: number, nowMicros: number): string | null;
  readonly arrivalCount: number;
  readonly arrivals: ArrayLike<number>;
}

/** A node's physical clock, read at a true (virtual) time in microseconds. */
export interface ClockModel {
  /** How fast the oscillator runs, in ppm; the node's timers run on it too. */
  readonly driftPpm: number;
  wallMicros(trueMicros: number): number;
  monotonicMicros(trueMicros: number): number;
  trueTime(trueMicros: number): { earliestMicros: number; latestMicros: number };
}

/** A node's disk: the storage it sees, and what a crash does to the writes not yet synced. */
export interface DiskModel extends Storage {
  crash(rng: Rng): { lostWrites: number };
}

export interface OutgoingMessage {
  readonly to: string;
  readonly body: unknown;
}

export interface AdversaryTools {
  readonly rng: Rng;
  /** Messages this node sent before (most recent last, bounded). */
  readonly sent: readonly OutgoingMessage[];
  readonly self: string;
}

/** A Byzantine node's adversary: rewrites one outgoing message into zero or more actually sent. */
export type ByzantineBehavior = (
  message: OutgoingMessage,
  tools: AdversaryTools,
) => OutgoingMessage[];

/** One node as the kernel hosts it: its code and the models of its own hardware. */
export interface HostedNode {
  readonly id: string;
  readonly factory: NodeFactory;
  readonly clock: ClockModel;
  readonly disk: DiskModel;
  readonly adversary?: ByzantineBehavior | undefined;
}
