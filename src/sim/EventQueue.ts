// The kernel's agenda: a 4-ary min-heap of events ordered by (virtual time, sequence number).
// Ties in time are broken by the order in which events were scheduled, never by chance, so the
// same inputs always pop in the same order. Keys live in one typed array beside the events (a
// slot's time and sequence number side by side), so the sift loops compare numbers without
// touching the event objects (far fewer cache misses); four
// children per node make the tree half as deep as a binary one, and the four keys a pop compares
// sit side by side in memory. (Keys are unique, so the order of pops does not depend on the shape
// of the heap: any correct heap pops the same sequence.) The
// heap is bounded: a world that schedules more than `capacity` pending events is flooding, and
// the kernel reports it instead of eating memory. Events held outside the heap but still pending
// (those parked at a paused node) count against the same capacity, through `hold`.

import { MurphyError } from "../core/errors.js";

export class EventQueueOverflowError extends MurphyError {
  readonly code = "E_QUEUE_OVERFLOW";
  readonly definite = true;
  constructor(
    readonly capacity: number,
    /** How many of the pending events were parked at paused nodes. */
    readonly parked = 0,
  ) {
    const where = parked > 0 ? `, ${parked} of them parked at paused nodes` : "";
    super(
      `the event queue exceeded ${capacity} pending events${where} (a node may be flooding); ` +
        `raise limits.maxQueuedEvents or find the loop`,
    );
  }
}

const INITIAL_CAPACITY = 64;

export interface QueuedEvent {
  timeMicros: number;
}

export class EventQueue<E extends QueuedEvent> {
  // Small at first (a sweep makes a world per seed, and big typed arrays are costly to make and to
  // collect); the queue doubles as it fills.
  /** The keys, side by side: the time of slot i at 2i, its sequence number at 2i + 1. */
  private keys = new Float64Array(2 * INITIAL_CAPACITY);
  private items: (E | undefined)[] = new Array<E | undefined>(INITIAL_CAPACITY);
  private length = 0;
  /** Pending events held outside the heap (parked at paused nodes); they count as queued. */
  private held = 0;
  private nextSeq = 0;
  /** Sequence numbers for `pushFirst`: below every number `push` hands out, and increasing. */
  private nextFirstSeq = -(2 ** 52);

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.length;
  }

  /** Pending events in all: in the heap and held outside it. */
  get pending(): number {
    return this.length + this.held;
  }

  /** Counts one event held outside the heap against the capacity; throws when it is full. */
  hold(): void {
    if (this.length + this.held >= this.capacity) {
      throw new EventQueueOverflowError(this.capacity, this.held);
    }
    this.held++;
  }

  /** Stops counting `count` held events (they were pushed back, or dropped). */
  release(count: number): void {
    this.held -= count;
  }

  /** Inserts the event after every event already queued for the same time. */
  push(event: E): void {
    this.insert(event, this.nextSeq++);
  }

  /**
   * Inserts the event before every event queued for the same time by `push` (events pushed first
   * keep their order among themselves): for events that were due earlier and were held back, such
   * as those parked while a node was paused.
   */
  pushFirst(event: E): void {
    this.insert(event, this.nextFirstSeq++);
  }

  private insert(event: E, seq: number): void {
    if (this.length + this.held >= this.capacity) {
      throw new EventQueueOverflowError(this.capacity, this.held);
    }
    if (2 * this.length === this.keys.length) this.grow();
    const keys = this.keys;
    const items = this.items;
    const time = event.timeMicros;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = keys[2 * parent]!;
      const ps = keys[2 * parent + 1]!;
      if (pt < time || (pt === time && ps < seq)) break;
      keys[2 * i] = pt;
      keys[2 * i + 1] = ps;
      items[i] = items[parent];
      i = parent;
    }
    keys[2 * i] = time;
    keys[2 * i + 1] = seq;
    items[i] = event;
  }

  peek(): E | undefined {
    return this.length === 0 ? undefined : this.items[0];
  }

  pop(): E | undefined {
    if (this.length === 0) return undefined;
    const items = this.items;
    const top = items[0];
    const n = --this.length;
    const last = items[n]!;
    items[n] = undefined;
    if (n > 0) this.siftDown(0, this.keys[2 * n]!, this.keys[2 * n + 1]!, last);
    return top;
  }

  /**
   * Removes every queued event that `dead` accepts (timeouts of answered requests, cancelled
   * timers) and rebuilds the heap; returns how many went. The others pop in the same order as
   * before, as that order is fixed by (time, sequence), not by the heap's layout.
   */
  removeWhere(dead: (event: E) => boolean): number {
    const keys = this.keys;
    const items = this.items;
    const n = this.length;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const event = items[i]!;
      if (dead(event)) continue;
      keys[2 * kept] = keys[2 * i]!;
      keys[2 * kept + 1] = keys[2 * i + 1]!;
      items[kept++] = event;
    }
    items.fill(undefined, kept, n);
    this.length = kept;
    for (let i = (kept - 2) >> 2; i >= 0; i--) {
      this.siftDown(i, keys[2 * i]!, keys[2 * i + 1]!, items[i]!);
    }
    return n - kept;
  }

  /** Places the event with key (time, seq) at hole `i` or below it, moving smaller children up. */
  private siftDown(i: number, time: number, seq: number, event: E): void {
    const keys = this.keys;
    const items = this.items;
    const n = this.length;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let child = first;
      let ct = keys[2 * first]!;
      let cs = keys[2 * first + 1]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        const t = keys[2 * c]!;
        if (t < ct || (t === ct && keys[2 * c + 1]! < cs)) {
          child = c;
          ct = t;
          cs = keys[2 * c + 1]!;
        }
      }
      if (time < ct || (time === ct && seq < cs)) break;
      keys[2 * i] = ct;
      keys[2 * i + 1] = cs;
      items[i] = items[child];
      i = child;
    }
    keys[2 * i] = time;
    keys[2 * i + 1] = seq;
    items[i] = event;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    this.items.length = keys.length / 2;
  }
}
