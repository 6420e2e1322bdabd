// The chapter's fencing story, for real: client A holds a lock from a real etcd and is paused with
// SIGSTOP right after checking its lease, for longer than the lease's TTL. etcd expires the lease;
// client B takes the lock and writes. A resumes and performs the write it had decided on. Without
// fencing the storage takes A's stale write over B's newer one; with fencing (the lock key's create
// revision as token, a FencedStore behind the storage) it refuses it.
//
// Each round uses a fresh resource; the fencing checker runs over the writes the storage accepted.

import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkFencing } from "../../check/checkFencing.js";
import { MurphyError } from "../../core/errors.js";
import { requireInteger } from "../../core/validate.js";
import { EtcdLease } from "../../primitives/etcd/EtcdLease.js";
import { EtcdLock } from "../../primitives/etcd/EtcdLock.js";
import { realRuntime } from "../realRuntime.js";
import { EtcdCluster } from "./EtcdCluster.js";
import { EtcdHttpClient } from "./EtcdHttpClient.js";
import type { FencingClientConfig } from "./fencingClientMain.js";
import {
  FencingStorageServer,
  writeToStorage,
  type StorageVariant,
} from "./FencingStorageServer.js";

export interface FencingStoryOptions {
  /** Rounds per variant. Default 3. */
  readonly rounds?: number;
  /** Lease TTL in seconds (etcd may grant more). Default 2. */
  readonly ttlSeconds?: number;
  /** An etcd to use; by default a 3-member cluster is started for the run and removed after. */
  readonly endpoints?: readonly string[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface FencingRound {
  readonly round: number;
  readonly tokenPaused: number;
  readonly tokenNew: number;
  readonly pauseMs: number;
  readonly staleWriteAccepted: boolean;
  /** The stale value is what the storage holds at the end: the newer holder's write was lost. */
  readonly corrupted: boolean;
  readonly fencingViolations: number;
  /** The paused client's process ID (gone by the time the round returns). */
  readonly pausedClientPid: number | undefined;
}

export interface FencingVariantResult {
  readonly variant: StorageVariant;
  readonly description: string;
  readonly rounds: FencingRound[];
}

export interface FencingStoryResult {
  readonly members: number;
  readonly ttlSeconds: number;
  readonly variants: FencingVariantResult[];
  /** 0: fenced held in every round and unfenced showed a violation; 1: fenced was violated; 2: unfenced showed nothing. */
  readonly exitCode: 0 | 1 | 2;
  /** What the run started for itself, all stopped and removed by the time it returns. */
  readonly started: { readonly etcdDir?: string; readonly etcdPids: readonly number[] };
}

/** The story failed to run (not a verdict): a client died, or a step did not happen in time. */
export class FencingStoryError extends MurphyError {
  readonly code = "E_FENCING_STORY";
  readonly definite = true;
}

const DESCRIPTIONS: Record<StorageVariant, string> = {
  unfenced: "storage accepts every write",
  fenced: "writes carry the lock key's create revision; storage is a FencedStore",
};

export async function runFencingStory(
  options: FencingStoryOptions = {},
): Promise<FencingStoryResult> {
  const rounds = requireInteger("rounds", options.rounds ?? 3, 1);
  const ttlSeconds = requireInteger("ttlSeconds", options.ttlSeconds ?? 2, 1);
  const log = options.log ?? (() => undefined);
  const cluster = options.endpoints === undefined ? await EtcdCluster.start() : undefined;
  const endpoints = options.endpoints ?? cluster!.endpoints;
  if (cluster !== undefined)
    log(`started etcd: ${cluster.members.length} members at ${endpoints.join(", ")}`);
  try {
    const variants: FencingVariantResult[] = [];
    for (const variant of ["unfenced", "fenced"] as const) {
      const storage = await FencingStorageServer.start(variant);
      try {
        const results: FencingRound[] = [];
        for (let round = 1; round <= rounds; round++) {
          const result = await runRound({ variant, round, storage, endpoints, ttlSeconds });
          log(
            `${variant} round ${round}: paused holder's token ${result.tokenPaused}, new holder's ${result.tokenNew}, ` +
              `pause ${Math.round(result.pauseMs)} ms, stale write ${result.staleWriteAccepted ? "ACCEPTED" : "refused"}`,
          );
          results.push(result);
        }
        variants.push({ variant, description: DESCRIPTIONS[variant], rounds: results });
      } finally {
        await storage.close();
      }
    }
    return {
      members: cluster?.members.length ?? endpoints.length,
      ttlSeconds,
      variants,
      exitCode: verdictCode(variants),
      started: {
        ...(cluster !== undefined ? { etcdDir: cluster.dir } : {}),
        etcdPids: etcdPids(cluster),
      },
    };
  } finally {
    await cluster?.stop();
  }
}

function etcdPids(cluster: EtcdCluster | undefined): number[] {
  return (cluster?.members ?? []).flatMap((m) => (m.pid === undefined ? [] : [m.pid]));
}

function verdictCode(variants: readonly FencingVariantResult[]): 0 | 1 | 2 {
  const violated = (v: FencingVariantResult) =>
    v.rounds.filter((r) => r.fencingViolations > 0).length;
  if (variants.some((v) => v.variant === "fenced" && violated(v) > 0)) return 1;
  if (variants.some((v) => v.variant === "unfenced" && violated(v) === 0)) return 2;
  return 0;
}

interface RoundSetup {
  variant: StorageVariant;
  round: number;
  storage: FencingStorageServer;
  endpoints: readonly string[];
  ttlSeconds: number;
}

async function runRound(setup: RoundSetup): Promise<FencingRound> {
  const { storage, endpoints, ttlSeconds } = setup;
  const resource = `${setup.variant}-round-${setup.round}`;
  const lockKey = `murphy/fencing-story/${resource}`;
  const config: FencingClientConfig = {
    endpoints,
    storageUrl: storage.url,
    lockKey,
    resource,
    name: "A",
    ttlSeconds,
  };
  const a = PausedClient.spawn(config);
  const { clock, timers } = realRuntime();
  const etcd = new EtcdHttpClient({ endpoints });
  try {
    const tokenPaused = (await a.next("acquired")).token as number;
    await a.next("wrote");
    await a.next("checked");
    a.stop(); // the GC pause: A has checked its lease and is about to write
    const pausedAtMs = clock.monotonicMs();
    a.send("go");
    const lease = await EtcdLease.grant({ api: etcd, clock, timers, ttlSeconds });
    try {
      const waitMs = 10 * ttlSeconds * 1000 + 5_000;
      const lock = await EtcdLock.acquire({
        api: etcd,
        lease,
        key: lockKey,
        holder: "B",
        clock,
        timers,
        waitMs,
      });
      lock.check();
      await writeToStorage(storage.url, {
        resource,
        value: "B: write as the new holder",
        token: lock.token,
        writer: "B",
      });
      a.resume();
      const pauseMs = clock.monotonicMs() - pausedAtMs;
      const staleWriteAccepted = (await a.next("wrote-after-pause")).accepted === true;
      await lock.release();
      const accepted = storage.accepted.get(resource) ?? [];
      return {
        round: setup.round,
        tokenPaused,
        tokenNew: lock.token,
        pauseMs,
        staleWriteAccepted,
        corrupted: storage.read(resource)?.startsWith("A:") ?? false,
        fencingViolations: checkFencing(accepted).violations.length,
        pausedClientPid: a.pid,
      };
    } finally {
      await lease.close();
    }
  } finally {
    etcd.close();
    await a.kill();
  }
}

/** The child process of client A, read line by line; every step has a deadline. */
class PausedClient {
  private readonly events: Record<string, unknown>[] = [];
  private waiting: (() => void) | undefined;
  private exited = false;
  private stderr = "";

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.length > 10_000) return; // not ours: dropped
      try {
        const event: unknown = JSON.parse(line);
        if (typeof event === "object" && event !== null)
          this.events.push(event as Record<string, unknown>);
      } catch {
        // a malformed line is dropped
      }
      this.waiting?.();
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      if (this.stderr.length < 4_000) this.stderr += chunk;
    });
    child.once("exit", () => {
      this.exited = true;
      this.waiting?.();
    });
  }

  static spawn(config: FencingClientConfig): PausedClient {
    const self = fileURLToPath(import.meta.url);
    const script = self.replace(/fencingStory\.(ts|js)$/, `fencingClientMain${extname(self)}`);
    // From the sources (tests), the child loads TypeScript through tsx; from dist/, it is plain JS.
    const loader =
      extname(self) === ".ts"
        ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href]
        : [];
    const child = spawn(process.execPath, [...loader, script, JSON.stringify(config)], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    return new PausedClient(child);
  }

  /** The next event named `name`, or FencingStoryError if the client fails or dies first. */
  async next(name: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e) => e.event === name || e.event === "error");
      if (index >= 0) {
        const [event] = this.events.splice(index, 1);
        if (event!.event === "error") {
          throw new FencingStoryError(`client A failed: ${String(event!.message)}`);
        }
        return event!;
      }
      if (this.exited) {
        throw new FencingStoryError(
          `client A exited before "${name}"${this.stderr ? `: ${this.stderr}` : ""}`,
        );
      }
      const left = deadline - performance.now();
      if (left <= 0)
        throw new FencingStoryError(`client A did not report "${name}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = undefined;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(): void {
    this.child.kill("SIGSTOP");
  }

  resume(): void {
    this.child.kill("SIGCONT");
  }

  send(line: string): void {
    this.child.stdin!.write(line + "\n");
  }

  /** Ends the process if it is still there, and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await gone;
  }
}

/** The story's report, in the shape of `murphy run`: per variant its verdict and figures. */
export function formatFencingStory(result: FencingStoryResult): string[] {
  const lines = [
    `etcd: ${result.members} members; lease TTL ${result.ttlSeconds} s; ${result.variants[0]?.rounds.length ?? 0} rounds per variant`,
  ];
  for (const v of result.variants) {
    const n = v.rounds.length;
    const violated = v.rounds.filter((r) => r.fencingViolations > 0).length;
    const accepted = v.rounds.filter((r) => r.staleWriteAccepted).length;
    const corrupted = v.rounds.filter((r) => r.corrupted).length;
    const meanPause = v.rounds.reduce((s, r) => s + r.pauseMs, 0) / Math.max(1, n);
    lines.push(`variant ${v.variant} — ${v.description}`);
    lines.push(
      violated > 0
        ? `  fencing: violated in ${violated}/${n} rounds`
        : `  fencing: held in all ${n} rounds`,
    );
    const figure = (label: string, value: string) => lines.push(`  ${label.padEnd(46)}${value}`);
    figure("stale writes attempted", `total ${n}`);
    figure("stale writes accepted", `total ${accepted}`);
    figure("stale writes refused", `total ${n - accepted}`);
    figure("rounds whose store ended with the stale write", `${corrupted}/${n}`);
    figure("length of the pause", `mean ${Math.round(meanPause).toLocaleString("en-US")} ms`);
    figure(
      "tokens (paused holder < new holder)",
      v.rounds.map((r) => `${r.tokenPaused} < ${r.tokenNew}`).join(", "),
    );
  }
  lines.push("", ...verdictTable(result));
  lines.push(
    result.exitCode === 0
      ? "the fenced variant refused every stale write; the unfenced one let it corrupt the store"
      : result.exitCode === 1
        ? "! the fenced variant accepted a stale write"
        : "! the unfenced variant showed no violation",
  );
  return lines;
}

/** The tour's table for this one story: the property's violations per variant and key figures. */
function verdictTable(result: FencingStoryResult): string[] {
  const variant = (name: StorageVariant) => result.variants.find((v) => v.variant === name);
  const count = (v: FencingVariantResult | undefined, f: (r: FencingRound) => boolean) =>
    v === undefined ? "-" : `${v.rounds.filter(f).length}`;
  const cell = (v: FencingVariantResult | undefined) =>
    v === undefined ? "-" : `${count(v, (r) => r.fencingViolations > 0)}/${v.rounds.length}`;
  const [unfenced, fenced] = [variant("unfenced"), variant("fenced")];
  const figures =
    `stale writes accepted total ${count(unfenced, (r) => r.staleWriteAccepted)} | ${count(fenced, (r) => r.staleWriteAccepted)}; ` +
    `store ended with the stale write ${count(unfenced, (r) => r.corrupted)} | ${count(fenced, (r) => r.corrupted)} rounds`;
  const rows = [
    ["story", "property", "unsafe", "safe", "key figures (unsafe | safe)"],
    ["fencing-etcd", "fencing", cell(unfenced), cell(fenced), figures],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((row) =>
    row.map((text, c) => text.padEnd(c === row.length - 1 ? 0 : widths[c]!)).join("  "),
  );
}
