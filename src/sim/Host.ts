// A node as the kernel hosts it: liveness and incarnation, pause state and the events parked
// meanwhile, its handlers, the kernel promises it waits on, its timers, its
// Byzantine adversary if any, and the parts that survive a crash (clock, storage, random streams).

import type { Rng } from "../core/Rng.js";
import type { PhysicalClock } from "../clock/PhysicalClock.js";
import type { StableStorage } from "../storage/StableStorage.js";
import type { ByzantineBehavior, OutgoingMessage } from "../faults/Byzantine.js";
import type { KernelPromise } from "./KernelPromise.js";
import type { NodeHandlers } from "./NodeApi.js";
import type { NodeSpec } from "./SimulationConfig.js";
import type { SimEvent, TimerPayload } from "./SimEvent.js";

export class Host {
  alive = true;
  incarnation = 0;
  pausedUntilMicros = 0;
  parked: SimEvent[] = [];
  handlers: NodeHandlers = {};
  activeHandlers = 0;
  readonly pending = new Set<{ abandon(): void }>();
  readonly requests = new Map<
    number,
    { promise: KernelPromise<unknown>; to: string; timeoutMs: number }
  >();
  /** User timers not yet fired, so that clearTimer can cancel them. */
  readonly timers = new Map<number, TimerPayload>();
  byzantine: ByzantineBehavior | undefined;
  /** One stream for the adversary's whole life, so each rewrite draws fresh values. */
  byzantineRng: Rng | undefined;
  readonly sent: OutgoingMessage[] = [];
  peersCache: string[] | undefined;
  handlerCallbacks: { done: () => void; failed: (error: unknown) => void } | undefined;
  /** The NTP daemon's measurement errors: one stream, so each sync draws a fresh error. */
  ntpRng: Rng | undefined;
  constructor(
    readonly index: number,
    readonly spec: NodeSpec,
    readonly clock: PhysicalClock,
    readonly storage: StableStorage,
    readonly rng: Rng,
  ) {}
}
