// The kernel: one event queue ordered by (virtual time, sequence), the nodes it hosts, and the
// trace. Nodes are written against the context API in callback or async style. After each event
// the kernel lets the continuations that event woke run to their next suspension before it takes
// the next event, so async code sees the time of the event that woke it. The world models (network,
// clocks, disks, adversaries) plug in through `WorldModels.ts`; `src/world/Simulation.ts` builds
// them from a config and plays the fault schedule. Same seed and same models give the same trace.

import { assert } from "../core/assert.js";
import { AbortedError, ConfigError } from "../core/errors.js";
import { Rng, type Seed } from "../core/Rng.js";
import type { TimerId } from "../core/Clock.js";
import { requireInteger, requireNonNegative, requireOneOf } from "../core/validate.js";
import { EventQueue, EventQueueOverflowError } from "./EventQueue.js";
import { Host } from "./Host.js";
import { makeNodeContext } from "./makeNodeContext.js";
import { NodeFailureError, type RunResult, type StopReason } from "./RunResult.js";
import {
  DELIVER,
  HOOK,
  INTERNAL_TIMER,
  RESUME,
  SimEvent,
  START,
  TIMEOUT,
  TIMER,
  type Envelope,
} from "./SimEvent.js";
import { timeoutError } from "./timeoutError.js";
import { KernelPromise, PendingRequest, type WakeSignal } from "./KernelPromise.js";
import {
  activeOwner,
  settleRejections,
  unwatchRejections,
  watchRejections,
  type DetachedRejection,
  type RejectionOwner,
} from "./RejectionWatch.js";
import { Trace, type TraceOptions } from "./Trace.js";
import type { LogEntry, NodeContext, NodeHandlers } from "./NodeApi.js";
import type { ByzantineBehavior, HostedNode, NetworkModel } from "./WorldModels.js";

export interface KernelLimits {
  /** Stop after this many events (default 50 million). */
  maxEvents?: number;
  /** Fail if more than this many events are pending at once (default 10 million). */
  maxQueuedEvents?: number;
}

export interface KernelConfig {
  seed: Seed;
  nodes: readonly HostedNode[];
  network: NetworkModel;
  limits?: KernelLimits | undefined;
  trace?: TraceOptions | undefined;
  /** What a node's uncaught error does: stop the run with the error (default), or crash the node. */
  onNodeError?: "throw" | "crash-node" | undefined;
  /** Shown each `ctx.log` line as it is recorded (an observer: it must not act on the world). */
  onLog?: ((entry: LogEntry) => void) | undefined;
}

/** Dead events (timeouts of answered requests) the queue may carry before it is compacted. */
const DEAD_EVENTS_MIN = 1024;
/** Events that have run, kept for reuse: a long-lived event is not copied by the collector twice. */
const SPARE_EVENTS_MAX = 65_536;
/** Resolved once: `then` on it queues a microtask without the cost of `queueMicrotask`. */
const RESOLVED = Promise.resolve();

export class Kernel implements WakeSignal {
  readonly seed: Seed;
  readonly trace: Trace;
  readonly network: NetworkModel;
  readonly nodeIds: readonly string[];
  asyncTouched = false;
  /** Set once the world has used promises (async handlers or kernel promises). */
  private asyncWorld = false;
  private readonly queue: EventQueue<SimEvent>;
  private readonly spare: SimEvent[] = [];
  private readonly hosts: Host[];
  private readonly index: Map<string, number>;
  /** `limits.maxEvents`: a run stops after this many events. */
  readonly maxEvents: number;
  private readonly onNodeError: "throw" | "crash-node";
  private readonly onLog: ((entry: LogEntry) => void) | undefined;
  private nowMicros = 0;
  private eventCount = 0;
  /**
   * About how many queued events are dead: the timeouts of answered requests. They stay in the
   * queue (removing one from the middle of a heap costs more than skipping it), until they make up
   * half of it; then one pass removes them all, so the queue and the collector stop carrying them.
   */
  private deadEvents = 0;
  private readonly isDead = (ev: SimEvent): boolean => this.isStale(ev);
  private nextTimerId = 1;
  private nextMessageId = 0;
  private nextRequestId = 1;
  /** Why the run must stop: a node threw, or a node's factory returned something unusable. */
  private failure: NodeFailureError | ConfigError | EventQueueOverflowError | undefined;
  /** Where and when the kernel rejected a node's promise (a timeout, an abort), by reason. */
  private readonly rejectedBy = new WeakMap<object, { node: number; timeMicros: number }>();
  /** Rejections left without a handler during the current run (see RejectionWatch). */
  private detached: DetachedRejection[] = [];
  private readonly rejectionOwner: RejectionOwner = {
    raised: (reason) =>
      typeof reason === "object" && reason !== null && this.rejectedBy.has(reason),
    collect: (rejection) => void this.detached.push(rejection),
    handled: (promise) => {
      this.detached = this.detached.filter((r) => r.promise !== promise);
    },
  };
  private started = false;

  constructor(config: KernelConfig) {
    this.seed = config.seed;
    this.nodeIds = config.nodes.map((n) => n.id);
    this.index = new Map(this.nodeIds.map((id, i) => [id, i]));
    this.trace = new Trace(this.nodeIds, config.trace);
    this.network = config.network;
    const limits = config.limits ?? {};
    this.maxEvents = requireInteger("limits.maxEvents", limits.maxEvents ?? 50_000_000, 1);
    this.queue = new EventQueue(
      requireInteger("limits.maxQueuedEvents", limits.maxQueuedEvents ?? 10_000_000, 1),
    );
    this.onNodeError = requireOneOf("onNodeError", config.onNodeError ?? "throw", [
      "throw",
      "crash-node",
    ]);
    this.onLog = config.onLog;
    const root = new Rng(this.seed);
    this.hosts = config.nodes.map((node, i) => new Host(i, node, root.derive(`node/${node.id}`)));
  }

  // --- Observing the world ---------------------------------------------------------------------

  get now(): number {
    return this.nowMicros;
  }

  get events(): number {
    return this.eventCount;
  }

  isAlive(index: number): boolean {
    return this.hosts[index]!.alive;
  }

  /** Runs `callback` at virtual time `timeMicros` (for the world's faults, drivers and daemons). */
  at(timeMicros: number, callback: () => void): void {
    assert(
      Number.isInteger(timeMicros) && timeMicros >= this.nowMicros,
      () =>
        `kernel.at(${timeMicros}) is not a whole microsecond at or after now (${this.nowMicros})`,
    );
    this.schedule(timeMicros, HOOK, -1, 0, 0, callback);
  }

  // --- Running -----------------------------------------------------------------------------------

  /** Runs until no event is left, virtual time passes `untilMs`, or the event limit is reached. */
  run(options: { untilMs?: number } = {}): Promise<RunResult> {
    const untilMicros =
      options.untilMs === undefined
        ? Infinity
        : Math.round(requireNonNegative("untilMs", options.untilMs) * 1000);
    this.start();
    this.detached = [];
    watchRejections(this.rejectionOwner);
    const finish = async (): Promise<void> => {
      await settleRejections();
      unwatchRejections(this.rejectionOwner);
    };
    return this.runLoop(untilMicros).then(
      async (result) => {
        await finish();
        const detached = this.detachedFailure();
        if (detached !== undefined) throw detached;
        return result;
      },
      async (error: unknown) => {
        await finish();
        throw error;
      },
    );
  }

  /** The first rejection left unhandled in this run, as the failure it is; undefined if none. */
  private detachedFailure(): NodeFailureError | undefined {
    const first = this.detached[0];
    if (first === undefined) return undefined;
    const reason = first.reason;
    const where =
      typeof reason === "object" && reason !== null ? this.rejectedBy.get(reason) : undefined;
    return where === undefined
      ? new NodeFailureError("", this.nowMicros, this.seed.toString(), reason, "detached")
      : new NodeFailureError(
          this.nodeIds[where.node]!,
          where.timeMicros,
          this.seed.toString(),
          reason,
          "detached",
        );
  }

  /** Rejects a kernel promise of `host` now, remembering where, should no one handle it. */
  private reject<T>(host: Host, promise: KernelPromise<T>, reason: Error): void {
    this.rejectedBy.set(reason, { node: host.index, timeMicros: this.nowMicros });
    promise.settle(false, reason);
  }

  private runLoop(untilMicros: number): Promise<RunResult> {
    // Events run synchronously until one wakes async code. Then the loop waits until the microtask
    // queue is empty — every continuation that event woke, and whatever plain promises those
    // settled, has run to a suspension that only a later event can end — before it takes the next
    // event. Node runs a `process.nextTick` callback queued from a microtask only once the
    // microtask queue has drained, so one microtask and one tick per waking event is the whole
    // cost, however long or short the chains of continuations were. (A tick queued from a tick
    // would run before the microtasks: hence the hop through a microtask first.) No macrotask is
    // taken, so no I/O or timer of the host runs in the middle of a run.
    return new Promise<RunResult>((resolve, reject) => {
      const wait = (): void => void process.nextTick(loop);
      let quietChecked = false;
      const loop = (): void => {
        activeOwner(this.rejectionOwner);
        try {
          const eventsBefore = this.eventCount;
          const outcome = this.failure === undefined ? this.runEvents(untilMicros) : "failed";
          if (this.eventCount !== eventsBefore) quietChecked = false;
          if (outcome === "failed") return reject(this.failure);
          if (outcome === "drain") {
            this.asyncTouched = false;
            void RESOLVED.then(wait);
            return;
          }
          // Continuations reached only through callbacks or combinators may still be on their way
          // to scheduling something: let the microtasks drain once before calling the world quiet.
          if (outcome === "quiescent" && !quietChecked) {
            quietChecked = true;
            void RESOLVED.then(wait);
            return;
          }
          resolve(this.result(outcome, untilMicros));
        } catch (error) {
          reject(error);
        }
      };
      loop();
    });
  }

  /** Runs events until one wakes async code ("drain"), a node failed, or the run must stop. */
  private runEvents(untilMicros: number): StopReason | "drain" | "failed" {
    const queue = this.queue;
    for (;;) {
      const next = queue.peek();
      if (next === undefined) return "quiescent";
      if (next.timeMicros > untilMicros) return "time-limit";
      if (this.eventCount >= this.maxEvents) return "event-limit";
      queue.pop();
      // A cancelled timer or the timeout of an answered request is not an event: skipping it
      // keeps virtual time (and the run's end) at the last thing that happened.
      if (this.isStale(next)) {
        if (this.deadEvents > 0) this.deadEvents--;
        this.recycle(next);
        continue;
      }
      this.nowMicros = next.timeMicros;
      this.eventCount++;
      this.dispatch(next);
      if (!next.held) this.recycle(next);
      if (this.asyncTouched) return "drain";
      if (this.failure !== undefined) return "failed";
    }
  }

  /** Schedules every node's start (once); `run` calls it, the world may call it first. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const host of this.hosts) this.schedule(0, START, host.index, 0, 0, undefined);
  }

  private result(stopReason: StopReason, untilMicros: number): RunResult {
    if (stopReason === "time-limit" && untilMicros > this.nowMicros) this.nowMicros = untilMicros;
    return {
      seed: this.seed.toString(),
      endMicros: this.nowMicros,
      events: this.eventCount,
      stopReason,
      traceHash: this.trace.hash,
    };
  }

  /** Notes `count` more dead events in the queue, and removes them all once they are half of it. */
  private countDead(count: number): void {
    this.deadEvents += count;
    if (this.deadEvents >= DEAD_EVENTS_MIN && this.deadEvents * 2 >= this.queue.size) {
      this.queue.removeWhere(this.isDead);
      this.deadEvents = 0;
    }
  }

  private isStale(ev: SimEvent): boolean {
    if (ev.type === TIMER || ev.type === INTERNAL_TIMER) return ev.cancelled;
    if (ev.type === TIMEOUT) {
      const host = this.hosts[ev.node]!;
      return ev.incarnation !== host.incarnation || !host.requests.has(ev.id);
    }
    return false;
  }

  private dispatch(ev: SimEvent): void {
    switch (ev.type) {
      case DELIVER:
        return this.deliver(ev);
      case TIMER:
      case INTERNAL_TIMER:
        return this.fireTimer(ev);
      case START:
        return this.startNode(ev);
      case RESUME:
        return this.resume(this.hosts[ev.node]!);
      case TIMEOUT:
        return this.timeout(ev);
      case HOOK:
        (ev.payload as () => void)();
        return;
    }
  }

  private schedule(
    timeMicros: number,
    type: number,
    node: number,
    incarnation: number,
    id: number,
    payload: unknown,
  ): SimEvent {
    let ev = this.spare.pop();
    if (ev === undefined) {
      ev = new SimEvent(timeMicros, type, node, incarnation, id, payload);
    } else {
      ev.timeMicros = timeMicros;
      ev.type = type;
      ev.node = node;
      ev.incarnation = incarnation;
      ev.id = id;
      ev.payload = payload;
    }
    try {
      this.queue.push(ev);
      return ev;
    } catch (error) {
      // The world is flooding: that ends the run, even if the node whose send overflowed the
      // queue catches the error.
      if (error instanceof EventQueueOverflowError) this.failure ??= error;
      throw error;
    }
  }

  /** Keeps an event that has run (or was skipped) for reuse. */
  private recycle(ev: SimEvent): void {
    if (this.spare.length >= SPARE_EVENTS_MAX) return;
    ev.payload = undefined;
    ev.cancelled = false;
    this.spare.push(ev);
  }

  /**
   * True if the event may run now; parks it if the node is paused, drops it if stale. A node is
   * paused until its RESUME event has run, even at the very instant it is due: events of that
   * instant wait and run after the ones parked earlier, in order.
   */
  private admit(host: Host, ev: SimEvent): boolean {
    if (!host.alive || ev.incarnation !== host.incarnation) return false;
    if (host.pausedUntilMicros !== 0) {
      this.park(host, ev);
      return false;
    }
    return true;
  }

  /** Holds an event for a paused node; it still counts toward `limits.maxQueuedEvents`. */
  private park(host: Host, ev: SimEvent): void {
    try {
      this.queue.hold();
    } catch (error) {
      if (error instanceof EventQueueOverflowError) this.failure ??= error;
      throw error;
    }
    ev.held = true;
    host.parked.push(ev);
  }

  private startNode(ev: SimEvent): void {
    const host = this.hosts[ev.node]!;
    if (!this.admit(host, ev)) return;
    const ctx = this.makeContext(host);
    this.trace.record(host.incarnation === 0 ? "start" : "recover", this.nowMicros, host.index);
    this.invoke(host, () => {
      const handlers: unknown = host.node.factory(ctx);
      const problem = handlersProblem(handlers);
      if (problem !== undefined) {
        this.failure ??= new ConfigError({
          field: `nodes[${host.index}].factory (node ${JSON.stringify(this.nodeIds[host.index])})`,
          value: handlers,
          expected: `to return the node's handlers, { onStart?, onMessage? } (${problem})`,
          fix: "return an object of handler functions (or nothing); start async work in onStart",
        });
        return undefined;
      }
      host.handlers = (handlers ?? {}) as NodeHandlers;
      return host.handlers.onStart?.();
    });
  }

  private deliver(ev: SimEvent): void {
    const host = this.hosts[ev.node]!;
    const envelope = ev.payload as Envelope;
    const from = envelope.fromIndex;
    if (!host.alive) {
      this.trace.record("drop", this.nowMicros, from, host.index, ev.id, "node-down");
      return;
    }
    if (host.pausedUntilMicros !== 0) {
      this.park(host, ev);
      return;
    }
    if (envelope.isReply) {
      const pending = host.requests.get(envelope.requestId!);
      if (pending === undefined) {
        this.trace.record("drop", this.nowMicros, from, host.index, ev.id, "late-reply");
        return;
      }
      this.trace.record("deliver", this.nowMicros, host.index, from, ev.id);
      host.requests.delete(envelope.requestId!);
      this.countDead(1);
      pending.settle(true, envelope.body);
      return;
    }
    this.trace.record("deliver", this.nowMicros, host.index, from, ev.id);
    const handlers = host.handlers;
    if (handlers.onMessage === undefined) return;
    let result: unknown;
    try {
      result = handlers.onMessage(envelope);
    } catch (error) {
      this.nodeError(host, error);
      return;
    }
    this.track(host, result);
  }

  private fireTimer(ev: SimEvent): void {
    if (ev.cancelled) return;
    const host = this.hosts[ev.node]!;
    if (!this.admit(host, ev)) return;
    const callback = ev.payload as () => unknown;
    if (ev.type === INTERNAL_TIMER) {
      callback();
      return;
    }
    host.timers.delete(ev.id);
    this.trace.record("timer", this.nowMicros, host.index, -1, ev.id);
    this.invoke(host, callback);
  }

  /** Runs user code for a node; a returned promise is tracked until it settles. */
  private invoke(host: Host, fn: () => unknown): void {
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      this.nodeError(host, error);
      return;
    }
    this.track(host, result);
  }

  /** Tracks a handler's returned promise, if any, until it settles. */
  private track(host: Host, result: unknown): void {
    if (
      result !== undefined &&
      result !== null &&
      typeof (result as PromiseLike<unknown>).then === "function"
    ) {
      this.asyncWorld = true;
      this.asyncTouched = true;
      const failed = (host.handlerFailed ??= this.handlerFailed(host));
      (result as PromiseLike<unknown>).then(undefined, failed);
    } else if (this.asyncWorld) {
      // A timer or message callback may settle a plain promise that an async function awaits.
      this.asyncTouched = true;
    }
  }

  /** What a tracked handler's rejection does, made once per incarnation. */
  private handlerFailed(host: Host): (error: unknown) => void {
    const incarnation = host.incarnation;
    return (error: unknown) => {
      if (host.incarnation !== incarnation) return;
      this.nodeError(host, error);
    };
  }

  private nodeError(host: Host, error: unknown): void {
    // An overflowing queue is the world's failure, already recorded, not this node's.
    if (error instanceof EventQueueOverflowError) return;
    const id = this.nodeIds[host.index]!;
    if (this.onNodeError === "crash-node") {
      this.trace.record("log", this.nowMicros, host.index, -1, -1, `uncaught: ${String(error)}`);
      this.crashHost(host);
      return;
    }
    this.failure ??= new NodeFailureError(id, this.nowMicros, this.seed.toString(), error);
  }

  // --- Messaging -------------------------------------------------------------------------------

  private send(
    host: Host,
    to: string,
    body: unknown,
    requestId: number | undefined,
    isReply: boolean,
  ): void {
    const target = this.index.get(to);
    if (target === undefined) throw unknownNode("send.to", to);
    this.sendTo(host, target, to, body, requestId, isReply);
  }

  /** Sends to a node already looked up, through the node's adversary if it has one. */
  private sendTo(
    host: Host,
    target: number,
    to: string,
    body: unknown,
    requestId: number | undefined,
    isReply: boolean,
  ): void {
    if (host.byzantine !== undefined) {
      const out = host.byzantine(
        { to, body },
        {
          rng: (host.byzantineRng ??= host.rng.derive("byzantine")),
          sent: host.sent,
          self: this.nodeIds[host.index]!,
        },
      );
      if (host.sent.length >= 100) host.sent.shift();
      host.sent.push({ to, body });
      if (out.length !== 1 || out[0]!.body !== body || out[0]!.to !== to) {
        this.trace.record(
          "byzantine",
          this.nowMicros,
          host.index,
          target,
          -1,
          `rewrote 1 message into ${out.length}`,
        );
      }
      for (const m of out) {
        const t = this.index.get(m.to);
        if (t !== undefined) this.transmit(host.index, t, m.body, requestId, isReply);
      }
      return;
    }
    this.transmit(host.index, target, body, requestId, isReply);
  }

  private transmit(
    from: number,
    to: number,
    body: unknown,
    requestId: number | undefined,
    isReply: boolean,
  ): void {
    const id = this.nextMessageId++;
    const trace = this.trace;
    trace.record("send", this.nowMicros, from, to, id, undefined, body);
    const network = this.network;
    const drop = network.route(from, to, this.nowMicros);
    if (drop !== null) {
      trace.record("drop", this.nowMicros, from, to, id, drop);
      return;
    }
    const envelope: Envelope = {
      from: this.nodeIds[from]!,
      body,
      requestId,
      isReply,
      fromIndex: from,
    };
    const copies = network.arrivalCount;
    for (let i = 0; i < copies; i++) {
      if (i > 0) trace.record("duplicate", this.nowMicros, from, to, id);
      this.schedule(network.arrivals[i]!, DELIVER, to, 0, id, envelope);
    }
  }

  private request(host: Host, to: string, body: unknown, timeoutMs: number): Promise<unknown> {
    if (!(timeoutMs >= 0 && timeoutMs < Infinity)) {
      requireNonNegative("request.timeoutMs", timeoutMs);
    }
    // Checked before anything is registered: a request to no one must leave no timeout behind.
    const target = this.index.get(to);
    if (target === undefined) throw unknownNode("request.to", to);
    this.asyncWorld = true;
    const pending = new PendingRequest(this, to, timeoutMs);
    const requestId = this.nextRequestId++;
    host.requests.set(requestId, pending);
    // The timeout is an event of its own kind, not a closure: a reply simply removes the entry.
    this.schedule(
      this.nowMicros + this.trueDelayMicros(host, timeoutMs),
      TIMEOUT,
      host.index,
      host.incarnation,
      requestId,
      undefined,
    );
    this.sendTo(host, target, to, body, requestId, false);
    return pending.promise;
  }

  private timeout(ev: SimEvent): void {
    const host = this.hosts[ev.node]!;
    if (!this.admit(host, ev)) return;
    const pending = host.requests.get(ev.id);
    if (pending === undefined) return;
    host.requests.delete(ev.id);
    this.reject(
      host,
      pending,
      timeoutError(`request ${ev.id} to ${pending.to}`, pending.timeoutMs),
    );
  }

  private addTimer(
    host: Host,
    delayMs: number,
    internal: boolean,
    callback: () => unknown,
  ): SimEvent {
    const id = this.nextTimerId++;
    const delayMicros = this.trueDelayMicros(host, delayMs);
    const type = internal ? INTERNAL_TIMER : TIMER;
    const ev = this.schedule(
      this.nowMicros + delayMicros,
      type,
      host.index,
      host.incarnation,
      id,
      callback,
    );
    if (!internal) host.timers.set(id, ev);
    return ev;
  }

  /**
   * Timers run on the node's own clock: a node whose oscillator runs fast by d ppm sees its
   * timers fire early in true time by the same proportion. (NTP slewing is not applied to timers.)
   * Rounded up to the next whole microsecond, as a real timer never fires early: when it fires,
   * at least `delayMs` has passed on the node's monotonic clock. (The epsilon keeps binary
   * fractions such as 1.1 × 1000 = 1100.0000000000002 from costing a microsecond.)
   */
  private trueDelayMicros(host: Host, delayMs: number): number {
    const drift = host.clock.driftPpm;
    const micros = drift === 0 ? delayMs * 1000 : (delayMs * 1000) / (1 + drift * 1e-6);
    return Math.max(0, Math.ceil(micros - 1e-6));
  }

  private setUserTimer(host: Host, delayMs: number, callback: () => unknown): TimerId {
    requireNonNegative("setTimer.delayMs", delayMs);
    this.addTimer(host, delayMs, false, callback);
    return this.nextTimerId - 1;
  }

  private sleep(host: Host, delayMs: number, signal?: AbortSignal): Promise<void> {
    requireNonNegative("sleep.delayMs", delayMs);
    this.asyncWorld = true;
    const promise = new KernelPromise<void>(this);
    if (signal?.aborted) {
      this.reject(host, promise, new AbortedError("sleep", true, { cause: signal.reason }));
      return promise.promise;
    }
    host.pending.add(promise);
    const onAbort = () => {
      // The timer's event may have run and been reused since: only its own id cancels it.
      if (timer.id === timerId && timer.type === INTERNAL_TIMER) timer.cancelled = true;
      host.pending.delete(promise);
      this.reject(host, promise, new AbortedError("sleep", true, { cause: signal?.reason }));
    };
    const timer = this.addTimer(host, delayMs, true, () => {
      signal?.removeEventListener("abort", onAbort);
      host.pending.delete(promise);
      promise.settle(true, undefined);
    });
    const timerId = timer.id;
    signal?.addEventListener("abort", onAbort, { once: true });
    return promise.promise;
  }

  private makeContext(host: Host): NodeContext {
    return makeNodeContext(host, this.nodeIds, {
      nowMicros: () => this.nowMicros,
      send: (to, body, requestId, isReply) => this.send(host, to, body, requestId, isReply),
      request: (to, body, timeoutMs) => this.request(host, to, body, timeoutMs),
      setTimer: (delayMs, callback) => this.setUserTimer(host, delayMs, callback),
      sleep: (delayMs, signal) => this.sleep(host, delayMs, signal),
      log: (text) => {
        this.trace.record("log", this.nowMicros, host.index, -1, -1, text);
        this.onLog?.({ node: host.node.id, atMs: this.nowMicros / 1000, text });
      },
    });
  }

  // --- Process faults: the world applies the rest to its own models -------------------------

  /** Stops the node handling events for `durationMicros`; what arrives meanwhile is parked. */
  pause(index: number, durationMicros: number): void {
    const host = this.hosts[index]!;
    const until = Math.max(host.pausedUntilMicros, this.nowMicros + durationMicros);
    host.pausedUntilMicros = until;
    this.trace.record("pause", this.nowMicros, host.index, -1, -1, `${durationMicros / 1000}ms`);
    this.schedule(until, RESUME, host.index, 0, 0, undefined);
  }

  /** Crashes the node; false if it was already down (a second crash changes nothing). */
  crash(index: number): boolean {
    const host = this.hosts[index]!;
    if (!host.alive) return false;
    this.crashHost(host);
    return true;
  }

  /** Restarts a crashed node from its disk, now. */
  recover(index: number): void {
    const host = this.hosts[index]!;
    if (host.alive) return;
    host.alive = true;
    this.schedule(this.nowMicros, START, host.index, host.incarnation, 0, undefined);
  }

  /** Replaces the node's adversary; undefined makes it honest again. */
  setAdversary(index: number, adversary: ByzantineBehavior | undefined): void {
    this.hosts[index]!.byzantine = adversary;
  }

  private resume(host: Host): void {
    if (host.pausedUntilMicros === 0 || host.pausedUntilMicros > this.nowMicros) return;
    host.pausedUntilMicros = 0;
    this.trace.record("resume", this.nowMicros, host.index, -1, -1, `${host.parked.length} parked`);
    const parked = host.parked;
    host.parked = [];
    this.queue.release(parked.length);
    // They were due before anything else now queued for this instant, and in this order.
    for (const ev of parked) {
      ev.held = false;
      ev.timeMicros = this.nowMicros;
      this.queue.pushFirst(ev);
    }
  }

  private crashHost(host: Host): void {
    if (!host.alive) return;
    host.alive = false;
    host.incarnation++;
    host.handlerFailed = undefined;
    host.pausedUntilMicros = 0;
    for (const ev of host.parked) {
      if (ev.type === DELIVER) {
        const from = (ev.payload as Envelope).fromIndex;
        this.trace.record("drop", this.nowMicros, from, host.index, ev.id, "node-down");
      }
    }
    this.queue.release(host.parked.length);
    host.parked = [];
    for (const p of host.pending) p.abandon();
    host.pending.clear();
    for (const r of host.requests.values()) r.abandon();
    const orphanedTimeouts = host.requests.size;
    host.requests.clear();
    this.countDead(orphanedTimeouts);
    host.timers.clear();
    host.handlers = {};
    const lost = host.storage.crash(host.rng.derive(`crash/${host.incarnation}`));
    this.trace.record(
      "crash",
      this.nowMicros,
      host.index,
      -1,
      -1,
      `lost ${lost.lostWrites} unsynced writes`,
    );
  }
}

/** What is wrong with what a factory returned, or undefined when it is usable handlers. */
function handlersProblem(handlers: unknown): string | undefined {
  if (handlers === undefined || handlers === null) return undefined;
  if (typeof handlers !== "object") return `got a ${typeof handlers}`;
  if (typeof (handlers as PromiseLike<unknown>).then === "function") {
    return "got a promise: a factory cannot be async";
  }
  for (const name of ["onStart", "onMessage"] as const) {
    const handler = (handlers as Record<string, unknown>)[name];
    if (handler !== undefined && typeof handler !== "function") return `${name} is not a function`;
  }
  return undefined;
}

function unknownNode(field: string, to: string): ConfigError {
  return new ConfigError({
    field,
    value: to,
    expected: "the id of a node in this world",
    fix: "send only to ids from ctx.peers",
  });
}
