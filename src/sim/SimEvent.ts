// What the kernel's queue holds: an event of one of a few kinds, addressed to a node (or to the
// world), stamped with the node's incarnation so that events of a crashed incarnation are dropped.
// Messages travel as envelopes; timers carry their callback and can be cancelled in place.

import type { Message } from "./NodeApi.js";

export const START = 0;
export const DELIVER = 1;
export const TIMER = 2;
export const RESUME = 4;
export const HOOK = 6;
export const TIMEOUT = 7;

export class SimEvent {
  constructor(
    public timeMicros: number,
    readonly type: number,
    readonly node: number,
    readonly incarnation: number,
    readonly id: number,
    readonly payload: unknown,
  ) {}
}

export interface Envelope extends Message {
  readonly isReply: boolean;
  readonly fromIndex: number;
}

export interface TimerPayload {
  readonly callback: () => unknown;
  /** Internal timers (sleep, request timeouts) run kernel code, not user code. */
  readonly internal: boolean;
  cancelled: boolean;
}
