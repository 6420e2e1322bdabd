// Plays a fault schedule — the simulator's fault JSON — on a real cluster, each action at its time
// from the start of the run: network faults go to the proxies, `pause` is SIGSTOP and a SIGCONT
// `durationMs` later (overlapping pauses of one node end with the last), `crash` is SIGKILL (and a
// restart `recoverAfterMs` later, if given), `recover` restarts a node that is down, clock faults
// go through the node's clock control. Clients run inside the harness: only their clocks (and
// their links) can be faulted; `validateRealSchedule` refuses the rest before the run, as it
// refuses Byzantine behaviour, which needs the simulator.

import { ConfigError } from "../core/errors.js";
import { describeFault, validateFaultSchedule, type FaultAction } from "../faults/FaultAction.js";
import type { InjectableClock } from "./InjectableClock.js";
import type { ProcessSupervisor } from "./ProcessSupervisor.js";
import type { ProxyNetwork } from "./ProxyNetwork.js";
import type { Address } from "./RealTransport.js";

/** Checks a schedule for a real run: valid fault JSON, and only faults real processes can take. */
export function validateRealSchedule(
  actions: unknown,
  nodeIds: readonly string[],
  clients: readonly string[],
): FaultAction[] {
  const schedule = validateFaultSchedule(actions, nodeIds);
  schedule.forEach((a, i) => {
    if (a.kind === "byzantine") {
      throw new ConfigError({
        field: `faults[${i}].kind`,
        value: a.kind,
        expected: "a fault real processes can suffer",
        fix: "Byzantine behaviour needs the simulator: murphy run",
      });
    }
    const processFault = a.kind === "pause" || a.kind === "crash" || a.kind === "recover";
    if (processFault && clients.includes(a.node)) {
      throw new ConfigError({
        field: `faults[${i}].node`,
        value: a.node,
        expected: "a server (clients run inside the harness)",
        fix: "pause, crash and recover servers only; clients' links and clocks can be faulted",
      });
    }
  });
  return schedule;
}

export interface FaultPlayerOptions {
  schedule: readonly FaultAction[];
  network: ProxyNetwork;
  supervisor: ProcessSupervisor;
  /** The clients' clocks, by node id. */
  clientClocks: ReadonlyMap<string, InjectableClock>;
  /** Told of each action as it is applied (with what came of it, e.g. "n2 was already down"). */
  onApplied?: (action: FaultAction, note: string | undefined) => void;
  /** Told when a node listens again after a restart, so that its links point at it. */
  onRestarted?: (node: string, address: Address) => void;
  /** A restart failed: the run cannot go on as scheduled. */
  onError?: (error: unknown) => void;
}

export class FaultPlayer {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly pausedUntilMs = new Map<string, number>();
  /** Per node, the process operation in progress, so kill and restart never interleave. */
  private readonly queues = new Map<string, Promise<void>>();
  private startMs = 0;
  private stopped = false;
  applied = 0;

  constructor(private readonly o: FaultPlayerOptions) {}

  /** Schedules every action relative to now. */
  start(): void {
    this.startMs = performance.now();
    for (const action of this.o.schedule) this.at(action.atMs, () => this.apply(action));
  }

  /** Cancels what has not happened yet; resolves when restarts in progress have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.queues.values()]);
  }

  private at(atMs: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.stopped) fn();
      },
      Math.max(0, this.startMs + atMs - performance.now()),
    );
    this.timers.add(timer);
  }

  private apply(action: FaultAction): void {
    this.applied++;
    const { network, supervisor } = this.o;
    if (network.apply(action)) return this.o.onApplied?.(action, undefined);
    switch (action.kind) {
      case "pause": {
        const node = action.node;
        const until = performance.now() + action.durationMs;
        this.pausedUntilMs.set(node, Math.max(until, this.pausedUntilMs.get(node) ?? 0));
        const paused = supervisor.pause(node) || supervisor.stateOf(node) === "paused";
        this.at(until - this.startMs, () => {
          if ((this.pausedUntilMs.get(node) ?? 0) <= performance.now() + 1) {
            this.pausedUntilMs.delete(node);
            supervisor.resume(node);
          }
        });
        return this.o.onApplied?.(action, paused ? undefined : `${node} is not running`);
      }
      case "crash": {
        const node = action.node;
        this.enqueue(node, async () => {
          this.pausedUntilMs.delete(node);
          await supervisor.kill(node);
          network.setTarget(node, undefined);
        });
        if (action.recoverAfterMs !== undefined) {
          this.at(action.atMs + action.recoverAfterMs, () => this.restart(node));
        }
        return this.o.onApplied?.(action, undefined);
      }
      case "recover":
        this.restart(action.node);
        return this.o.onApplied?.(action, undefined);
      case "clock-jump":
      case "clock-drift": {
        const clientClock = this.o.clientClocks.get(action.node);
        if (action.kind === "clock-jump") {
          if (clientClock !== undefined) clientClock.jump(action.deltaMs);
          else supervisor.clockJump(action.node, action.deltaMs);
        } else if (clientClock !== undefined) clientClock.setDrift(action.driftPpm);
        else supervisor.clockDrift(action.node, action.driftPpm);
        return this.o.onApplied?.(action, undefined);
      }
      default:
        return this.o.onApplied?.(action, `${describeFault(action)} is not played for real`);
    }
  }

  private restart(node: string): void {
    this.enqueue(node, async () => {
      if (this.stopped || this.o.supervisor.stateOf(node) !== "down") return;
      const address = await this.o.supervisor.start(node);
      this.o.network.setTarget(node, address);
      this.o.onRestarted?.(node, address);
    });
  }

  private enqueue(node: string, op: () => Promise<void>): void {
    const previous = this.queues.get(node) ?? Promise.resolve();
    const next = previous.then(op).catch((error: unknown) => {
      if (!this.stopped) this.o.onError?.(error);
    });
    this.queues.set(node, next);
  }
}
