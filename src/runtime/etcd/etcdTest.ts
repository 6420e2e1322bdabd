// murphy tests etcd, the way Jepsen does: a real 3-member etcd whose client and peer traffic goes
// through fault proxies, a nemesis that partitions (isolates one member), pauses (SIGSTOP) and
// crashes (SIGKILL, then restart on the same data) members, and clients that read, write and
// compare-and-set a few keys, each client through one member. What the clients saw is recorded as
// a history on the monotonic clock and checked for linearizability, key by key.
//
// Outcomes are three-valued: a write or CAS that timed out, or whose connection broke, is `info`
// (it may still take effect); a read that failed is `fail` (it changed nothing). After an `info`
// the client continues as a new process, as in Jepsen. Keys rotate every few seconds so that each
// key's history stays short enough to check exhaustively.
//
// `serializableReads` is the deliberately broken client path: reads served by whatever member the
// client talks to from its own state, without asking the leader — stale on a partitioned member.

import { randomBytes } from "node:crypto";
import { checkLinearizability } from "../../check/checkLinearizability.js";
import { casKvModel } from "../../check/models/casKvModel.js";
import type { LinearizabilityResult } from "../../check/LinearizabilityResult.js";
import { ConfigError, MurphyError } from "../../core/errors.js";
import { Rng, Seed } from "../../core/Rng.js";
import { requireInteger, requirePositive } from "../../core/validate.js";
import { HistoryRecorder } from "../../workload/HistoryRecorder.js";
import type { History } from "../../workload/Operation.js";
import type { Value } from "../../workload/Value.js";
import { RealClock } from "../RealClock.js";
import { EtcdCluster } from "./EtcdCluster.js";
import { EtcdProxyNetwork } from "./EtcdFaultProxy.js";
import { EtcdHttpClient } from "./EtcdHttpClient.js";

export const ETCD_NEMESES = ["partition", "pause", "kill"] as const;
export type EtcdNemesis = (typeof ETCD_NEMESES)[number];

export interface EtcdTestOptions {
  /** Seconds the clients run. Default 60. */
  readonly timeLimitSeconds?: number;
  /** Fault families. Default all: partition, pause, kill. Empty: a healthy run. */
  readonly nemeses?: readonly EtcdNemesis[];
  /** Concurrent clients, spread over the members. Default 5. */
  readonly clients?: number;
  /** Keys in use at a time. Default 3. */
  readonly keys?: number;
  /** The broken client path: serializable (possibly stale) reads. Default false. */
  readonly serializableReads?: boolean;
  /** Draws the nemesis and the clients' operations. Default: random, printed. */
  readonly seed?: Seed | string | number | bigint;
  /** Seconds at the end with every fault healed. Default a fifth of the run, at most 10. */
  readonly quietTailSeconds?: number;
  /** Step budget of the linearizability check (deterministic). Default the checker's. */
  readonly checkMaxSteps?: number;
  /** A wall-time guard on the linearizability check, in ms. Off unless set. */
  readonly checkTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface EtcdFault {
  readonly kind: EtcdNemesis;
  /** The member it hit (0-based); for a partition, the isolated one. */
  readonly member: number;
  readonly startMs: number;
  readonly endMs: number;
}

export interface EtcdTestResult {
  readonly seed: string;
  readonly timeLimitSeconds: number;
  readonly nemeses: readonly EtcdNemesis[];
  readonly serializableReads: boolean;
  readonly operations: { total: number; ok: number; fail: number; info: number };
  readonly faults: readonly EtcdFault[];
  readonly verdict: "linearizable" | "not linearizable" | "unknown";
  readonly linearizability: LinearizabilityResult;
  readonly history: History;
  /** 0 linearizable, 1 not linearizable, 2 unknown (as `murphy run`). */
  readonly exitCode: 0 | 1 | 2;
  /** What the run started, all stopped and removed by the time it returns. */
  readonly started: { etcdDir: string; etcdPids: number[]; proxyPorts: number[] };
}

const MEMBERS = 3;
const REQUEST_TIMEOUT_MS = 1_000;
const OPS_PER_SECOND_PER_CLIENT = 10;
const KEY_ROTATION_MS = 10_000;

export async function runEtcdTest(options: EtcdTestOptions = {}): Promise<EtcdTestResult> {
  const timeLimitSeconds = requirePositive("timeLimitSeconds", options.timeLimitSeconds ?? 60);
  const nemeses = [...new Set(options.nemeses ?? ETCD_NEMESES)];
  for (const n of nemeses) {
    if (!ETCD_NEMESES.includes(n)) {
      throw new ConfigError({
        field: "nemeses",
        value: n,
        expected: `one of ${ETCD_NEMESES.join(", ")}`,
        fix: "name the fault families to inject, e.g. partition,pause,kill",
      });
    }
  }
  const clientCount = requireInteger("clients", options.clients ?? 5, 1);
  const keys = requireInteger("keys", options.keys ?? 3, 1);
  const quietTailMs =
    1000 *
    requirePositive(
      "quietTailSeconds",
      options.quietTailSeconds ?? Math.min(10, timeLimitSeconds / 5),
    );
  const seed = Seed.parse(options.seed ?? BigInt(`0x${randomBytes(8).toString("hex")}`));
  const rng = Rng.fromSeed(seed);
  const log = options.log ?? (() => undefined);
  log(`seed ${seed.toString()}`);

  const clock = new RealClock();
  const network = await EtcdProxyNetwork.start(MEMBERS);
  let history: History;
  const faults: EtcdFault[] = [];
  const proxyPorts = [...network.peer, ...network.client].map((p) => p.port);
  let started: EtcdTestResult["started"] | undefined;
  try {
    const cluster = await EtcdCluster.start({
      members: MEMBERS,
      advertisePort: network.advertisePort,
    });
    started = { etcdDir: cluster.dir, etcdPids: cluster.spawnedPids, proxyPorts };
    try {
      await learnMembers(cluster, network);
      log(`etcd: ${MEMBERS} members behind proxies at ${cluster.endpoints.join(", ")}`);
      const startMs = clock.monotonicMs();
      const elapsedMs = () => clock.monotonicMs() - startMs;
      const recorder = new HistoryRecorder({ nowMicros: () => Math.round(elapsedMs() * 1000) });
      const stop = new AbortController();
      const run = { cluster, recorder, elapsedMs, stop: stop.signal, keys, clientCount };
      const clients = Array.from({ length: clientCount }, (_, i) =>
        runClient(run, i, rng.derive(`client ${i}`), options.serializableReads ?? false),
      );
      const nemesis = runNemesis(
        { cluster, network, elapsedMs, log, faults, stop: stop.signal },
        nemeses,
        rng.derive("nemesis"),
        timeLimitSeconds * 1000 - quietTailMs,
      );
      await sleep(timeLimitSeconds * 1000);
      stop.abort();
      await Promise.all([nemesis, ...clients]);
      history = recorder.history();
    } finally {
      await cluster.stop();
    }
  } finally {
    await network.close();
  }
  log(`checking ${history.length} operations for linearizability (per key)`);
  // Budgets in steps and state bytes, so the verdict on a recorded history does not depend on how
  // loaded this machine was while checking it; wall time only when the caller asks.
  const linearizability = checkLinearizability(history, casKvModel, {
    clock,
    ...(options.checkMaxSteps === undefined ? {} : { maxSteps: options.checkMaxSteps }),
    ...(options.checkTimeoutMs === undefined ? {} : { timeoutMs: options.checkTimeoutMs }),
  });
  const verdict =
    linearizability.verdict === "ok"
      ? "linearizable"
      : linearizability.verdict === "illegal"
        ? "not linearizable"
        : "unknown";
  return {
    seed: seed.toString(),
    timeLimitSeconds,
    nemeses,
    serializableReads: options.serializableReads ?? false,
    operations: {
      total: history.length,
      ok: history.filter((o) => o.status === "ok").length,
      fail: history.filter((o) => o.status === "fail").length,
      info: history.filter((o) => o.status === "info").length,
    },
    faults,
    verdict,
    linearizability,
    history,
    exitCode: verdict === "linearizable" ? 0 : verdict === "not linearizable" ? 1 : 2,
    started: started!,
  };
}

async function learnMembers(cluster: EtcdCluster, network: EtcdProxyNetwork): Promise<void> {
  const admin = new EtcdHttpClient({ endpoints: cluster.endpoints });
  try {
    const members = await admin.memberList();
    network.learnMembers(
      members.map((m) => ({
        id: m.id,
        index: cluster.members.findIndex((c) => c.name === m.name),
      })),
    );
  } finally {
    admin.close();
  }
}

interface ClientRun {
  cluster: EtcdCluster;
  recorder: HistoryRecorder;
  elapsedMs: () => number;
  stop: AbortSignal;
  keys: number;
  clientCount: number;
}

async function runClient(run: ClientRun, index: number, rng: Rng, serializable: boolean) {
  const member = run.cluster.members[index % MEMBERS]!;
  const etcd = new EtcdHttpClient({
    endpoints: [member.clientUrl],
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  let process = index;
  try {
    while (!run.stop.aborted) {
      const key = `k${Math.floor(run.elapsedMs() / KEY_ROTATION_MS)}-${rng.int(run.keys)}`;
      const draw = rng.float();
      const f = draw < 0.5 ? "read" : draw < 0.75 ? "write" : "cas";
      const input: Value =
        f === "read"
          ? { key }
          : f === "write"
            ? { key, value: rng.int(5) }
            : { key, from: rng.int(5), to: rng.int(5) };
      const op = run.recorder.invoke(process, f, input);
      try {
        if (f === "read") {
          const reply = await etcd.read(key, { serializable });
          op.ok(reply.value === undefined ? null : Number(reply.value));
        } else if (f === "write") {
          await etcd.write(key, String((input as { value: number }).value));
          op.ok();
        } else {
          const { from, to } = input as { from: number; to: number };
          op.ok(await etcd.compareAndSet(key, String(from), String(to)));
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (f === "read" || (error instanceof MurphyError && error.definite)) {
          op.fail(message);
        } else {
          op.info(message);
          process += run.clientCount; // the process that does not know is replaced, as in Jepsen
        }
      }
      await sleep(rng.uniform(0, 2000 / OPS_PER_SECOND_PER_CLIENT), run.stop);
    }
  } finally {
    etcd.close();
  }
}

interface NemesisRun {
  cluster: EtcdCluster;
  network: EtcdProxyNetwork;
  elapsedMs: () => number;
  log: (line: string) => void;
  faults: EtcdFault[];
  stop: AbortSignal;
}

/** One fault at a time: a quiet spell, a fault on a random member, its heal; none after `untilMs`. */
async function runNemesis(
  run: NemesisRun,
  kinds: readonly EtcdNemesis[],
  rng: Rng,
  untilMs: number,
) {
  if (kinds.length === 0) return;
  while (!run.stop.aborted) {
    await sleep(rng.uniform(1_000, 3_000), run.stop);
    const durationMs = rng.uniform(2_000, 5_000);
    if (run.stop.aborted || run.elapsedMs() + durationMs > untilMs) return;
    const kind = kinds[rng.int(kinds.length)]!;
    const member = rng.int(MEMBERS);
    const startMs = run.elapsedMs();
    if (kind === "partition") {
      run.network.partition(run.cluster.members.map((_, i) => (i === member ? 1 : 0)));
    } else if (kind === "pause") {
      run.cluster.pause(member);
    } else {
      await run.cluster.kill(member);
    }
    run.log(
      `${(startMs / 1000).toFixed(1)} s: ${kind} m${member + 1} for ${(durationMs / 1000).toFixed(1)} s`,
    );
    await sleep(durationMs, run.stop);
    if (kind === "partition") run.network.heal();
    else if (kind === "pause") run.cluster.resume(member);
    else run.cluster.restart(member);
    run.faults.push({ kind, member, startMs, endMs: run.elapsedMs() });
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The run's summary, as `murphy test` prints it. */
export function formatEtcdTest(result: EtcdTestResult): string[] {
  const { operations: ops } = result;
  const share = ops.total === 0 ? 0 : ops.info / ops.total;
  const byKind = ETCD_NEMESES.map(
    (k) => `${result.faults.filter((f) => f.kind === k).length} ${k}`,
  );
  return [
    `seed ${result.seed}; ${result.timeLimitSeconds} s; nemesis ${result.nemeses.join(",") || "none"}; ` +
      `reads ${result.serializableReads ? "serializable (the broken path)" : "linearizable"}`,
    `operations: ${ops.total} (${ops.ok} ok, ${ops.fail} fail, ${ops.info} info = ${(share * 100).toFixed(1)}% indeterminate)`,
    `faults: ${result.faults.length} (${byKind.join(", ")})`,
    `verdict: ${result.verdict} (cas-kv model, per key: ${result.linearizability.stats.partitions} keys, ` +
      `${result.linearizability.stats.steps} steps)`,
  ];
}
