// The kernel's agenda: a binary min-heap of events ordered by (virtual time, sequence number).
// Ties in time are broken by the order in which events were scheduled, never by chance, so the
// same inputs always pop in the same order. The heap is bounded: a world that schedules more than
// `capacity` pending events is flooding, and the kernel reports it instead of eating memory.

import { MurphyError } from "../core/errors.js";

export class EventQueueOverflowError extends MurphyError {
  readonly code = "E_QUEUE_OVERFLOW";
  readonly definite = true;
  constructor(readonly capacity: number) {
    super(
      `the event queue exceeded ${capacity} pending events (a node may be flooding); ` +
        `raise limits.maxQueuedEvents or find the loop`,
    );
  }
}

export interface QueuedEvent {
  timeMicros: number;
  seq: number;
}

export class EventQueue<E extends QueuedEvent> {
  private heap: E[] = [];
  private nextSeq = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.heap.length;
  }

  /** Stamps the event with the next sequence number and inserts it. */
  push(event: E): void {
    const heap = this.heap;
    if (heap.length >= this.capacity) throw new EventQueueOverflowError(this.capacity);
    event.seq = this.nextSeq++;
    let i = heap.length;
    heap.push(event);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (
        p.timeMicros < event.timeMicros ||
        (p.timeMicros === event.timeMicros && p.seq < event.seq)
      )
        break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      // Sift down.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        let c = heap[left]!;
        if (right < n) {
          const r = heap[right]!;
          if (r.timeMicros < c.timeMicros || (r.timeMicros === c.timeMicros && r.seq < c.seq)) {
            child = right;
            c = r;
          }
        }
        if (
          last.timeMicros < c.timeMicros ||
          (last.timeMicros === c.timeMicros && last.seq < c.seq)
        )
          break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
