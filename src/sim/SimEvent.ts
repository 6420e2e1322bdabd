// What the kernel's queue holds: an event of one of a few kinds, addressed to a node (or to the
// world), stamped with the node's incarnation so that events of a crashed incarnation are dropped.
// Messages travel as envelopes; timers carry their callback and can be cancelled in place. The
// kernel reuses event objects once they have run (see Kernel.schedule), so the fields are mutable
// and nothing may keep an event after it ran except through its id.

import type { Message } from "./NodeApi.js";

export const START = 0;
export const DELIVER = 1;
export const TIMER = 2;
/** A timer of the kernel's own (a `sleep`): it runs kernel code, not user code. */
export const INTERNAL_TIMER = 3;
export const RESUME = 4;
export const HOOK = 6;
export const TIMEOUT = 7;

export class SimEvent {
  /** Set on a cancelled timer: it stays queued and is skipped when it falls due. */
  cancelled = false;
  /** Set while the event waits at a paused node (outside the queue). */
  held = false;
  constructor(
    public timeMicros: number,
    public type: number,
    public node: number,
    public incarnation: number,
    public id: number,
    public payload: unknown,
  ) {}
}

export interface Envelope extends Message {
  readonly isReply: boolean;
  readonly fromIndex: number;
}
