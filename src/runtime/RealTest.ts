// A Jepsen-style test of a world on this machine: its servers as OS processes behind fault
// proxies (RealCluster), its clients inside this process recording the history on the monotonic
// clock, a fault schedule in the simulator's JSON played on the processes and the network
// (FaultPlayer), for a time limit; then the world's own checks judge the history. Whatever
// happens — a violation, a node that cannot start, an abort (Ctrl-C) — every process, proxy and
// temporary directory it made is gone when it returns or throws.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import { Rng, type Seed } from "../core/Rng.js";
import { requirePositive } from "../core/validate.js";
import type { FaultAction } from "../faults/FaultAction.js";
import { nemesisSchedule, type NemesisFamily } from "../faults/NemesisSchedule.js";
import type { RealOutcome } from "../scenarios/RealWorld.js";
import type { Scenario } from "../scenarios/Scenario.js";
import { StableStorage } from "../storage/StableStorage.js";
import type { History } from "../workload/Operation.js";
import { FaultPlayer, validateRealSchedule } from "./FaultPlayer.js";
import { InjectableClock } from "./InjectableClock.js";
import type { NodeExit } from "./ProcessSupervisor.js";
import { RealCluster, type StartedServer } from "./RealCluster.js";
import { RealNode } from "./RealNode.js";

export interface NemesisPlan {
  families: readonly NemesisFamily[];
  faultsPerMinute: number;
  /** Default: a fifth of the run. */
  quietTailMs?: number;
}

export interface RealTestOptions {
  world: Scenario;
  /** What node processes load: a scenario name or the world file's absolute path. */
  location: string;
  variant: string;
  seed: Seed;
  timeLimitMs: number;
  /** A schedule to play, or a nemesis to draw one from the seed. */
  faults: readonly FaultAction[] | NemesisPlan;
  clients?: readonly string[] | undefined;
  hmacKey?: Buffer | "random" | undefined;
  maxFrameBytes?: number;
  latencyMs?: number;
  jitterMs?: number;
  /** Where node disks go; default a temporary directory, removed afterwards. Kept if given. */
  dataDir?: string;
  /** Stops the run early (its history is still checked, and the result says so). */
  signal?: AbortSignal;
  onEvent?: (event: RealTestEvent) => void;
  /** How often a progress event is sent (default 5 s). */
  progressEveryMs?: number;
}

export interface OperationCounts {
  invoked: number;
  ok: number;
  fail: number;
  info: number;
}

export type RealTestEvent =
  | { type: "schedule"; faults: readonly FaultAction[] }
  | { type: "cluster"; servers: StartedServer[]; clients: string[] }
  | { type: "fault"; atMs: number; action: FaultAction; note: string | undefined }
  | { type: "progress"; atMs: number; operations: OperationCounts; faultsApplied: number }
  | { type: "exit"; atMs: number; exit: NodeExit }
  | { type: "output"; node: string; stream: "stdout" | "stderr"; line: string }
  | { type: "checking"; operations: number };

export interface RealTestResult {
  outcome: RealOutcome;
  history: History;
  faults: readonly FaultAction[];
  faultsApplied: number;
  endMicros: number;
  interrupted: boolean;
  /** Node processes that exited without being told to (an uncaught error in the node's code). */
  unexpectedExits: NodeExit[];
  restarts: number;
  frames: { carried: number; dropped: number; duplicated: number };
}

export async function runRealTest(o: RealTestOptions): Promise<RealTestResult> {
  const timeLimitMs = requirePositive("timeLimitMs", o.timeLimitMs);
  const ownDataDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "murphy-test-"));
  const clock: { t0?: number } = {};
  const nowMicros = () =>
    clock.t0 === undefined ? 0 : Math.round((performance.now() - clock.t0) * 1000);
  const emit = o.onEvent ?? (() => undefined);
  const unexpectedExits: NodeExit[] = [];
  let cluster: RealCluster | undefined;
  let player: FaultPlayer | undefined;
  const clients: RealNode[] = [];
  let fatal: unknown;
  let restarts = 0;
  try {
    cluster = await RealCluster.start({
      world: o.world,
      location: o.location,
      variant: o.variant,
      seed: o.seed,
      clients: o.clients,
      dataDir,
      nowMicros,
      hmacKey: o.hmacKey ?? "random",
      ...(o.maxFrameBytes === undefined ? {} : { maxFrameBytes: o.maxFrameBytes }),
      ...(o.latencyMs === undefined ? {} : { latencyMs: o.latencyMs }),
      ...(o.jitterMs === undefined ? {} : { jitterMs: o.jitterMs }),
      supervisor: {
        onOutput: (node, stream, line) => emit({ type: "output", node, stream, line }),
        onExit: (exit) => {
          emit({ type: "exit", atMs: nowMicros() / 1000, exit });
          if (!exit.expected) unexpectedExits.push(exit);
        },
      },
    });
    const c = cluster;
    const clientIds = c.clients.map((n) => n.id);
    const schedule = scheduleFor(o, c, timeLimitMs);
    emit({ type: "schedule", faults: schedule });
    const clientClocks = await listenClients(c, o.seed, clients, (error) => {
      fatal ??= error;
    });
    emit({ type: "cluster", servers: c.describe(), clients: clientIds });
    player = new FaultPlayer({
      schedule,
      network: c.network,
      supervisor: c.supervisor,
      clientClocks,
      onApplied: (action, note) => emit({ type: "fault", atMs: nowMicros() / 1000, action, note }),
      onRestarted: () => void restarts++,
      onError: (error) => {
        fatal ??= error;
      },
    });
    clock.t0 = performance.now();
    player.start();
    for (const node of clients) node.start();
    const interrupted = await waitFor(
      timeLimitMs,
      o,
      () => fatal !== undefined,
      () => {
        const history = c.run.history.history();
        emit({
          type: "progress",
          atMs: nowMicros() / 1000,
          operations: countOperations(history),
          faultsApplied: player!.applied,
        });
      },
    );
    await player.stop();
    await Promise.all(clients.map((n) => n.stop()));
    const endMicros = nowMicros();
    if (fatal !== undefined) throw fatal;
    const history = c.run.history.history();
    const frames = c.network.totals();
    await c.stop();
    emit({ type: "checking", operations: history.length });
    const outcome = await c.run.check({ history, faults: schedule, endMicros });
    return {
      outcome,
      history,
      faults: schedule,
      faultsApplied: player.applied,
      endMicros,
      interrupted,
      unexpectedExits,
      restarts,
      frames: { carried: frames.framesIn, dropped: frames.dropped, duplicated: frames.duplicated },
    };
  } finally {
    await player?.stop();
    await Promise.all(clients.map((n) => n.stop()));
    await cluster?.stop();
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Makes the clients (in this process, on in-memory disks) and points their links at them; they
 * start later, with the run. Returns their clocks, for clock faults.
 */
async function listenClients(
  c: RealCluster,
  seed: Seed,
  clients: RealNode[],
  onError: (error: unknown) => void,
): Promise<Map<string, InjectableClock>> {
  const clocks = new Map<string, InjectableClock>();
  for (const spec of c.clients) {
    const clock = new InjectableClock({
      offsetMs: spec.clock?.initialOffsetMs ?? 0,
      driftPpm: spec.clock?.driftPpm ?? 0,
    });
    clocks.set(spec.id, clock);
    const node = new RealNode({
      id: spec.id,
      peers: c.nodeIds.filter((x) => x !== spec.id),
      addresses: c.network.addressBookOf(spec.id),
      factory: spec.factory,
      storage: new StableStorage(),
      random: Rng.fromSeed(seed).derive(`real/${spec.id}/incarnation/0`),
      clock,
      transport: {
        maxFrameBytes: c.maxFrameBytes,
        ...(c.hmacKey === undefined ? {} : { hmacKey: c.hmacKey }),
      },
      onError,
    });
    clients.push(node);
    c.network.setTarget(spec.id, await node.listen());
  }
  return clocks;
}

/** The schedule to play: the one given (checked), or one drawn from the seed by the nemesis. */
function scheduleFor(o: RealTestOptions, c: RealCluster, timeLimitMs: number): FaultAction[] {
  const clientIds = c.clients.map((n) => n.id);
  if (Array.isArray(o.faults)) {
    const schedule = validateRealSchedule(o.faults, c.nodeIds, clientIds);
    const late = schedule.find((a) => a.atMs > timeLimitMs);
    if (late !== undefined) {
      throw new ConfigError({
        field: "faults",
        value: late,
        expected: `actions within the run (${timeLimitMs} ms)`,
        fix: "raise --time-limit or drop the late actions",
      });
    }
    return schedule;
  }
  const plan = o.faults as NemesisPlan;
  return nemesisSchedule(Rng.fromSeed(o.seed).derive(`real/${o.world.name}/${o.variant}`), {
    servers: c.servers.map((s) => s.id),
    nodes: c.nodeIds,
    durationMs: timeLimitMs,
    families: plan.families,
    faultsPerMinute: plan.faultsPerMinute,
    ...(plan.quietTailMs === undefined ? {} : { quietTailMs: plan.quietTailMs }),
  });
}

/** Waits out the time limit, reporting progress; true when cut short by the signal. */
function waitFor(
  timeLimitMs: number,
  o: RealTestOptions,
  failed: () => boolean,
  progress: () => void,
): Promise<boolean> {
  const everyMs = o.progressEveryMs ?? 5_000;
  return new Promise((resolve) => {
    let lastProgressMs = performance.now();
    const poll = setInterval(() => {
      if (failed()) finish(false);
      else if (performance.now() - lastProgressMs >= everyMs) {
        lastProgressMs = performance.now();
        progress();
      }
    }, 100);
    const end = setTimeout(() => finish(false), timeLimitMs);
    const onAbort = () => finish(true);
    o.signal?.addEventListener("abort", onAbort, { once: true });
    if (o.signal?.aborted) onAbort();
    function finish(interrupted: boolean) {
      clearInterval(poll);
      clearTimeout(end);
      o.signal?.removeEventListener("abort", onAbort);
      resolve(interrupted);
    }
  });
}

export function countOperations(history: History): OperationCounts {
  const counts = { invoked: history.length, ok: 0, fail: 0, info: 0 };
  for (const op of history) {
    if (op.completeMicros === undefined) continue;
    counts[op.status]++;
  }
  return counts;
}
