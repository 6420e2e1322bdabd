// `murphy maelstrom test --bin …`: the real-time host. It spawns the binary once per node, hosts
// the harness's controller, clients and services in this process, and routes every message —
// between nodes, to and from clients and services — through murphy's network model on real time
// (see DeliveryScheduler.ts). The nemesis acts on processes and links: a partition cuts links in
// the model, a pause is SIGSTOP … SIGCONT (messages for the node wait in the harness meanwhile),
// a kill is SIGKILL and, after the episode, a fresh process that gets `init` again.
//
// A node that misbehaves is reported, not fatal: a malformed or oversized line is dropped and
// reported with the node and its line number, a message claiming another sender or addressed to
// no one is dropped, an unexpected exit marks the node down (with its last stderr lines), a node
// that never answers init is named; the test goes on with the rest. Every process and timer the
// test started is gone when it returns, also when it fails or is aborted.

import type { TimerId } from "../../core/Clock.js";
import { ConfigError } from "../../core/errors.js";
import { Rng } from "../../core/Rng.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import { Network } from "../../net/Network.js";
import type { NodeContext, NodeHandlers } from "../../sim/NodeApi.js";
import { applyNetworkFault } from "../../world/applyNetworkFault.js";
import { RealClock } from "../../runtime/RealClock.js";
import { MaelstromHarness } from "../harness/Harness.js";
import type { MaelstromTestOptions } from "../harness/MaelstromOptions.js";
import { summarize, type MaelstromOutcome } from "../harness/MaelstromOutcome.js";
import { NetStats } from "../harness/NetStats.js";
import type { NemesisEpisode } from "../harness/nemesis.js";
import {
  DEFAULT_MAX_LINE_BYTES,
  formatMaelstromLine,
  isObject,
} from "../protocol/MaelstromMessage.js";
import { serverLinks, testFaults } from "../sim/simulatedTest.js";
import { WORKLOADS } from "../workloads/index.js";
import { DeliveryScheduler, type Delivery } from "./DeliveryScheduler.js";
import { MemoryStorage } from "./MemoryStorage.js";
import { NodeProcess } from "./NodeProcess.js";
import { TimerSet } from "./TimerSet.js";

export interface NodeCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface RealTestOptions {
  /** Run under this schedule instead of the seed's nemesis. */
  readonly faults?: readonly FaultAction[];
  readonly maxLineBytes?: number;
  /** Lines waiting for one node's stdin before more are dropped (default 10,000). */
  readonly maxQueuedLines?: number;
  /** A node with more of its messages in flight stops being read until half have arrived. */
  readonly maxInFlightPerNode?: number;
  /** Messages a paused node can have waiting for it (default 100,000). */
  readonly maxParked?: number;
  readonly onStderr?: (node: string, line: string) => void;
  readonly onSpawn?: (node: string, pid: number | undefined) => void;
  /** Ends the test early; it still cleans up and reports what it saw. */
  readonly signal?: AbortSignal;
}

/** Spawns the nodes, runs the harness on real time, checks, and always stops every process. */
export async function runRealTest(
  options: MaelstromTestOptions,
  node: NodeCommand,
  extra: RealTestOptions = {},
): Promise<MaelstromOutcome> {
  if (typeof node.command !== "string" || node.command.length === 0) {
    throw new ConfigError({
      field: "--bin",
      value: node.command,
      expected: "the path of a node binary",
      fix: "pass --bin ./my-node",
    });
  }
  const host = new RealTimeHost(options, node, extra);
  try {
    await host.run();
  } finally {
    await host.close();
  }
  return host.outcome();
}

class NodeSlot {
  proc: NodeProcess | undefined;
  down = false;
  pausedUntilMs = 0;
  /** Counts pauses: only the timer of the latest one resumes the node. */
  pauses = 0;
  parked: Delivery[] = [];
  parkedDropped = 0;
}

class RealTimeHost {
  private readonly t0 = performance.now(); // real-world: wall time of real processes
  private readonly timers = new TimerSet();
  private readonly stats = new NetStats();
  private readonly harness: MaelstromHarness;
  private readonly episodes: NemesisEpisode[];
  private readonly actions: FaultAction[];
  private readonly network: Network;
  private readonly index: Map<string, number>;
  private readonly scheduler: DeliveryScheduler;
  private readonly slots = new Map<string, NodeSlot>();
  private readonly locals = new Map<string, NodeHandlers>();
  private readonly throttled = new Set<string>();
  private readonly maxInFlight: number;
  private finished: () => void = () => {};

  constructor(
    private readonly options: MaelstromTestOptions,
    private readonly node: NodeCommand,
    private readonly extra: RealTestOptions,
  ) {
    const { actions, episodes } = testFaults(options, extra.faults);
    this.actions = actions;
    this.episodes = episodes;
    this.harness = new MaelstromHarness({
      options,
      workload: WORKLOADS[options.workload],
      faults: actions,
      nowMicros: () => this.nowMicros(),
      startFaults: (offsetMs) => {
        for (const action of this.actions) {
          this.timers.set(offsetMs + action.atMs - this.nowMs(), () => this.applyFault(action));
        }
      },
      onDone: () => this.finished(),
    });
    const endpoints = this.harness.endpoints();
    const ids = [...this.harness.nodes, ...Object.keys(endpoints)];
    this.index = new Map(ids.map((id, i) => [id, i]));
    const rng = Rng.fromSeed(options.seed);
    this.network = new Network(
      { latency: options.latency, links: serverLinks(options) },
      ids,
      rng.derive("maelstrom/network"),
    );
    this.maxInFlight = extra.maxInFlightPerNode ?? 10_000;
    this.scheduler = new DeliveryScheduler(
      () => this.nowMicros(),
      (d) => this.deliver(d),
      2_000_000,
      (from, left) => {
        if (left <= this.maxInFlight / 2 && this.throttled.delete(from))
          this.slots.get(from)?.proc?.throttle(false);
      },
    );
    for (const id of this.harness.nodes) this.slots.set(id, new NodeSlot());
    for (const [id, factory] of Object.entries(endpoints)) {
      this.locals.set(
        id,
        factory(this.localContext(id, ids, rng.derive(`maelstrom/endpoint/${id}`))),
      );
    }
  }

  private nowMicros(): number {
    return Math.round((performance.now() - this.t0) * 1000); // real-world: elapsed wall time, µs
  }

  private nowMs(): number {
    return performance.now() - this.t0; // real-world: elapsed wall time of the real run
  }

  async run(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.finished = resolve;
      this.timers.set(this.harness.deadlineMs + 2000, resolve);
      this.extra.signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    if (this.extra.signal?.aborted) return;
    for (const id of this.harness.nodes) this.spawn(id);
    for (const [id, handlers] of this.locals) this.guard(id, () => handlers.onStart?.());
    await done;
  }

  async close(): Promise<void> {
    this.timers.close();
    this.scheduler.close();
    await Promise.all([...this.slots.values()].map((slot) => slot.proc?.stop()));
  }

  outcome(): MaelstromOutcome {
    this.harness.finish();
    return summarize({
      harness: this.harness,
      stats: this.stats,
      nemesis: this.episodes,
      world: "real",
    });
  }

  // --- Processes -------------------------------------------------------------------------------

  private spawn(id: string): void {
    const slot = this.slots.get(id)!;
    const proc: NodeProcess = new NodeProcess({
      id,
      command: this.node.command,
      args: this.node.args,
      maxLineBytes: this.extra.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      maxQueuedLines: this.extra.maxQueuedLines ?? 10_000,
      onMessage: (message, line) => {
        if (slot.proc !== proc) return; // a killed incarnation's last words
        if (message.src !== id) {
          this.harness.problem(
            id,
            `stdout line ${line}: src is ${JSON.stringify(message.src)}, but this node is ${id}; dropped`,
          );
        } else if (!this.index.has(message.dest)) {
          this.harness.problem(
            id,
            `stdout line ${line}: no node ${JSON.stringify(message.dest)}; dropped`,
          );
        } else this.send(id, message.dest, message.body);
      },
      onProblem: (problem) => this.harness.problem(id, problem),
      onExit: (description, expected) => {
        if (slot.proc !== proc) return;
        slot.down = true;
        if (expected) return;
        const tail = proc.stderrLines.slice(-3);
        this.harness.problem(
          id,
          `${description}${tail.length > 0 ? `; last stderr: ${tail.join(" | ")}` : ""}`,
        );
      },
      ...(this.extra.onStderr === undefined
        ? {}
        : { onStderr: (line: string) => this.extra.onStderr!(id, line) }),
    });
    slot.proc = proc;
    slot.down = false;
    this.extra.onSpawn?.(id, proc.pid);
  }

  private applyFault(action: FaultAction): void {
    if (applyNetworkFault(this.network, action, (id) => this.index.get(id)!)) return;
    const slot = "node" in action ? this.slots.get(action.node) : undefined;
    if (slot === undefined) return;
    const node = (action as { node: string }).node;
    switch (action.kind) {
      case "pause":
        return this.pause(node, slot, action.durationMs);
      case "crash":
        if (slot.down) return;
        slot.down = true;
        slot.parked = [];
        slot.pausedUntilMs = 0;
        void slot.proc?.stop();
        if (action.recoverAfterMs !== undefined)
          this.timers.set(action.recoverAfterMs, () => this.spawn(node));
        return;
      case "recover":
        if (slot.down) this.spawn(node);
        return;
      default:
        // Clock faults and Byzantine behaviour need murphy's own nodes: not for a binary.
        this.harness.problem(node, `the ${action.kind} fault does not apply to a process; ignored`);
    }
  }

  private pause(node: string, slot: NodeSlot, durationMs: number): void {
    if (slot.down || slot.proc === undefined) return;
    const until = Math.max(slot.pausedUntilMs, this.nowMs() + durationMs);
    if (slot.pausedUntilMs === 0) slot.proc.signal("SIGSTOP");
    slot.pausedUntilMs = until;
    const pause = ++slot.pauses;
    // Real timers may fire a little early or late: the latest pause's timer resumes, whenever.
    this.timers.set(until - this.nowMs(), () => {
      if (slot.pausedUntilMs === 0 || pause !== slot.pauses) return;
      slot.pausedUntilMs = 0;
      slot.proc?.signal("SIGCONT");
      const parked = slot.parked;
      slot.parked = [];
      if (slot.parkedDropped > 0) {
        this.harness.problem(
          node,
          `${slot.parkedDropped} messages for it were dropped while it was paused (more than ${this.extra.maxParked ?? 100_000} waiting)`,
        );
        slot.parkedDropped = 0;
      }
      for (const d of parked) this.deliver(d);
    });
  }

  // --- The network -----------------------------------------------------------------------------

  private send(from: string, to: string, body: Record<string, unknown>): void {
    this.stats.count(from, to);
    const network = this.network;
    if (network.route(this.index.get(from)!, this.index.get(to)!, this.nowMicros()) !== null)
      return;
    for (let i = 0; i < network.arrivalCount; i++) {
      try {
        this.scheduler.push({ timeMicros: network.arrivals[i]!, from, to, body });
      } catch {
        this.harness.problem(
          from,
          "the network is full (2,000,000 messages in flight); message dropped",
        );
        return;
      }
    }
    const slot = this.slots.get(from);
    if (
      slot !== undefined &&
      this.scheduler.inFlightFrom(from) > this.maxInFlight &&
      !this.throttled.has(from)
    ) {
      this.throttled.add(from);
      slot.proc?.throttle(true);
      this.harness.problem(
        from,
        `floods the network: more than ${this.maxInFlight} of its messages in flight; its stdout is read again once half have arrived`,
      );
    }
  }

  private deliver(d: Delivery): void {
    const local = this.locals.get(d.to);
    if (local !== undefined) {
      this.guard(d.to, () => local.onMessage?.({ from: d.from, body: d.body }));
      return;
    }
    const slot = this.slots.get(d.to)!;
    if (slot.down || slot.proc === undefined) return;
    if (slot.pausedUntilMs !== 0) {
      if (slot.parked.length < (this.extra.maxParked ?? 100_000)) slot.parked.push(d);
      else slot.parkedDropped++;
      return;
    }
    slot.proc.write(formatMaelstromLine(d.from, d.to, d.body as never));
  }

  // --- The harness's own nodes -----------------------------------------------------------------

  /** Runs harness code; an error in it is murphy's bug, reported as a problem, never a hang. */
  private guard(id: string, fn: () => unknown): void {
    try {
      const result = fn();
      if (result instanceof Promise)
        result.catch((error: unknown) =>
          this.harness.problem(id, `harness error: ${String(error)}`),
        );
    } catch (error) {
      this.harness.problem(id, `harness error: ${String(error)}`);
    }
  }

  private localContext(id: string, ids: readonly string[], random: Rng): NodeContext {
    const timers = this.timers;
    const onError = (error: unknown) => this.harness.problem(id, `harness error: ${String(error)}`);
    const setTimer = (delayMs: number, callback: () => void | Promise<void>): TimerId =>
      timers.set(delayMs, () => this.guard(id, callback), onError);
    return {
      id,
      peers: ids.filter((x) => x !== id),
      incarnation: 0,
      send: (to, body) => {
        if (isObject(body)) this.send(id, to, body);
      },
      request: () => {
        throw new ConfigError({
          field: "request",
          value: id,
          expected: "not used by the harness's nodes",
          fix: "use send with a msg_id",
        });
      },
      reply: (message, body) => {
        if (isObject(body))
          this.send(id, message.from, { ...body, in_reply_to: message.requestId });
      },
      setTimer,
      clearTimer: (timer) => timers.clear(timer),
      sleep: (delayMs, signal) => timers.sleep(delayMs, signal),
      clock: new RealClock(),
      storage: new MemoryStorage(),
      random,
      log: () => {},
    };
  }
}
