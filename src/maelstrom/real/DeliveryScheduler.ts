// How real processes meet murphy's network model. Processes run on real time and cannot be
// stepped like simulated nodes, so the harness lives in real time too: when a process prints a
// message at real time t (microseconds since the test started), the model decides — from the same
// `Network` the simulator uses, with its seeded stream per sender — whether it is dropped
// (partition, loss) and when each copy arrives (latency, duplication). This scheduler holds the
// copies in a heap ordered by arrival time and delivers each when it is due, with one real timer
// armed for the earliest. So the distributions, partitions and duplication are exactly the
// simulator's, and the draws are reproducible per sender; what a real run cannot reproduce is the
// order in which processes print, which is the operating system's.
//
// The heap is bounded. Messages in flight are also counted per sender, so the router can throttle
// a node that floods the network (see NodeProcess.throttle).

import { EventQueue } from "../../sim/EventQueue.js";

export interface Delivery {
  timeMicros: number;
  readonly from: string;
  readonly to: string;
  readonly body: Record<string, unknown>;
}

/** Deliveries made per timer callback before yielding to the event loop. */
const BATCH = 5000;

export class DeliveryScheduler {
  private readonly queue: EventQueue<Delivery>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedMicros = Infinity;
  private readonly inFlight = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly nowMicros: () => number,
    private readonly deliver: (delivery: Delivery) => void,
    capacity: number,
    /** Called after a delivery with the sender's remaining messages in flight. */
    private readonly onDelivered: (from: string, inFlight: number) => void = () => {},
  ) {
    this.queue = new EventQueue<Delivery>(capacity);
  }

  /** Messages of `from` queued for delivery. */
  inFlightFrom(from: string): number {
    return this.inFlight.get(from) ?? 0;
  }

  get size(): number {
    return this.queue.size;
  }

  push(delivery: Delivery): void {
    if (this.closed) return;
    this.queue.push(delivery);
    this.inFlight.set(delivery.from, this.inFlightFrom(delivery.from) + 1);
    this.arm();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const next = this.queue.peek();
    if (next === undefined || this.closed) return;
    if (this.timer !== undefined && next.timeMicros >= this.armedMicros) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedMicros = next.timeMicros;
    const delayMs = Math.max(0, (next.timeMicros - this.nowMicros()) / 1000);
    // Delivers to real processes on real time (the Maelstrom harness, not the simulator).
    this.timer = setTimeout(() => this.fire(), delayMs); // real-world: real processes, real time
  }

  private fire(): void {
    this.timer = undefined;
    this.armedMicros = Infinity;
    const now = this.nowMicros();
    for (let n = 0; n < BATCH && !this.closed; n++) {
      const next = this.queue.peek();
      // Timers fire up to a millisecond early or late: take what is due within half of one.
      if (next === undefined || next.timeMicros > now + 500) break;
      this.queue.pop();
      const left = this.inFlightFrom(next.from) - 1;
      this.inFlight.set(next.from, left);
      this.deliver(next);
      this.onDelivered(next.from, left);
    }
    this.arm();
  }
}
