// A node as the kernel hosts it: liveness and incarnation, pause state and the events parked
// meanwhile, its handlers, the kernel promises it waits on, its timers, its Byzantine adversary if
// any, and the parts that survive a crash (clock, disk, random stream).

import type { Rng } from "../core/Rng.js";
import type { PendingRequest } from "./KernelPromise.js";
import type { NodeHandlers } from "./NodeApi.js";
import type { SimEvent } from "./SimEvent.js";
import type {
  ByzantineBehavior,
  ClockModel,
  DiskModel,
  HostedNode,
  OutgoingMessage,
} from "./WorldModels.js";

export class Host {
  alive = true;
  incarnation = 0;
  pausedUntilMicros = 0;
  parked: SimEvent[] = [];
  handlers: NodeHandlers = {};
  readonly pending = new Set<{ abandon(): void }>();
  readonly requests = new Map<number, PendingRequest>();
  /** User timers not yet fired, so that clearTimer can cancel them. */
  readonly timers = new Map<number, SimEvent>();
  byzantine: ByzantineBehavior | undefined;
  /** One stream for the adversary's whole life, so each rewrite draws fresh values. */
  byzantineRng: Rng | undefined;
  readonly sent: OutgoingMessage[] = [];
  peersCache: string[] | undefined;
  handlerFailed: ((error: unknown) => void) | undefined;
  readonly clock: ClockModel;
  readonly storage: DiskModel;
  constructor(
    readonly index: number,
    readonly node: HostedNode,
    readonly rng: Rng,
  ) {
    this.clock = node.clock;
    this.storage = node.disk;
    this.byzantine = node.adversary;
  }
}
