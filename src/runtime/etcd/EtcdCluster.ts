// A real etcd cluster on this machine, for tests and demos: N members of Debian's `etcd-server`
// on free loopback ports, their data in one temporary directory, and the process faults a test
// needs (pause with SIGSTOP, crash with SIGKILL, restart on the same data). Whoever starts a cluster
// stops it: `stop()` ends every member and removes the directory, and `withEtcdCluster` does so in
// a `finally`. As a last resort, hooks on exit, SIGINT and SIGTERM kill what is left and remove
// the data if the process ends without calling it.
//
// Members talk Raft fast here (heartbeat 50 ms, election timeout 500 ms) so that leader changes
// and lease expiries take a second, not ten; etcd's minimum lease TTL follows (1 s).

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
} from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ConfigError, MurphyError } from "../../core/errors.js";
import { requireInteger, requirePositive } from "../../core/validate.js";
import { freeLoopbackPorts } from "./freeLoopbackPorts.js";

export const INSTALL_ETCD_HINT =
  "install Debian's etcd-server package (`apt-get update && apt-get install -y etcd-server`), " +
  "or set ETCD_BIN to the path of an etcd 3.4+ binary";

/** The etcd binary is not there. */
export class EtcdNotInstalledError extends MurphyError {
  readonly code = "E_ETCD_NOT_INSTALLED";
  readonly definite = true;

  constructor(readonly binary: string) {
    super(
      `etcd binary ${JSON.stringify(binary)} was not found or is not executable; ${INSTALL_ETCD_HINT}`,
    );
  }
}

/** The cluster did not come up; everything it started was stopped and removed. */
export class EtcdStartError extends MurphyError {
  readonly code = "E_ETCD_START";
  readonly definite = true;

  constructor(
    reason: string,
    readonly logTail: string,
    /** The temporary directory the attempt used, already removed. */
    readonly dir: string,
  ) {
    super(
      `etcd cluster did not start: ${reason}${logTail === "" ? "" : `\n--- member log (tail) ---\n${logTail}`}`,
    );
  }
}

export interface EtcdClusterOptions {
  /** Members, 1 to 7. Default 3. */
  readonly members?: number;
  /** The etcd binary. Default $ETCD_BIN, else `etcd` on the PATH. */
  readonly binary?: string;
  readonly heartbeatMs?: number;
  readonly electionTimeoutMs?: number;
  /** How long to wait for every member to be healthy, in ms. Default 30 000. */
  readonly startTimeoutMs?: number;
  /**
   * The port others are told to use for a member's client or peer port, given the port it listens
   * on. A fault proxy between members sets this to its own port. Default: the same port.
   */
  readonly advertisePort?: (member: number, kind: "client" | "peer", listenPort: number) => number;
  /** Extra flags for every member. */
  readonly extraArgs?: readonly string[];
}

export interface EtcdMember {
  readonly name: string;
  readonly index: number;
  readonly clientPort: number;
  readonly peerPort: number;
  /** The client URL that members advertise (through the proxy when there is one). */
  readonly clientUrl: string;
  /** The client URL the member itself listens on. */
  readonly directClientUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  pid: number | undefined;
  state: "running" | "paused" | "killed";
}

const STOP_GRACE_MS = 5_000;

export class EtcdCluster {
  readonly members: EtcdMember[];
  /** Every process ID a member ever had, restarts included: all gone after `stop()`. */
  readonly spawnedPids: number[] = [];
  private readonly processes = new Map<number, ChildProcess>();
  private stopped = false;
  private readonly exitHook = () => this.killNow();
  /**
   * SIGINT/SIGTERM end a process without its exit hooks: kill the members and remove the data
   * first, then let the signal do what it would have done.
   */
  private readonly signalHook = (signal: NodeJS.Signals) => {
    this.killNow();
    this.unhook();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  private constructor(
    readonly dir: string,
    members: EtcdMember[],
    private readonly binary: string,
    private readonly args: (m: EtcdMember) => string[],
  ) {
    this.members = members;
    process.on("exit", this.exitHook);
    process.on("SIGINT", this.signalHook);
    process.on("SIGTERM", this.signalHook);
  }

  /** Client URLs of all members, as advertised. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /** Starts a cluster and waits until every member is healthy; cleans up and throws otherwise. */
  static async start(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
    const size = requireInteger("members", options.members ?? 3, 1);
    if (size > 7) {
      throw new ConfigError({
        field: "members",
        value: size,
        expected: "1 to 7",
        fix: "use 3 or 5 members",
      });
    }
    const binary = findBinary(options.binary ?? process.env.ETCD_BIN ?? "etcd");
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const cluster = await EtcdCluster.launch(binary, size, options);
      try {
        await cluster.waitHealthy(
          requirePositive("startTimeoutMs", options.startTimeoutMs ?? 30_000),
        );
        return cluster;
      } catch (error) {
        lastError = error;
        const tail = cluster.logTail();
        await cluster.stop();
        // Another process took one of the free ports between our look and etcd's bind: try again.
        if (!tail.includes("address already in use")) throw error;
      }
    }
    throw lastError;
  }

  private static async launch(binary: string, size: number, options: EtcdClusterOptions) {
    const ports = await freeLoopbackPorts(2 * size);
    const dir = mkdtempSync(join(tmpdir(), "murphy-etcd-"));
    const advertise = options.advertisePort ?? ((_m: number, _k: string, port: number) => port);
    const members: EtcdMember[] = Array.from({ length: size }, (_, i) => {
      const clientPort = ports[2 * i]!;
      const peerPort = ports[2 * i + 1]!;
      return {
        name: `m${i + 1}`,
        index: i,
        clientPort,
        peerPort,
        clientUrl: `http://127.0.0.1:${advertise(i, "client", clientPort)}`,
        directClientUrl: `http://127.0.0.1:${clientPort}`,
        dataDir: join(dir, `m${i + 1}`),
        logFile: join(dir, `m${i + 1}.log`),
        pid: undefined,
        state: "killed",
      };
    });
    const peerUrl = (m: EtcdMember) => `http://127.0.0.1:${advertise(m.index, "peer", m.peerPort)}`;
    const initialCluster = members.map((m) => `${m.name}=${peerUrl(m)}`).join(",");
    const token = `murphy-${randomBytes(6).toString("hex")}`;
    const args = (m: EtcdMember) => [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.directClientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${m.peerPort}`,
      `--initial-advertise-peer-urls=${peerUrl(m)}`,
      `--initial-cluster=${initialCluster}`,
      "--initial-cluster-state=new",
      `--initial-cluster-token=${token}`,
      `--heartbeat-interval=${requirePositive("heartbeatMs", options.heartbeatMs ?? 50)}`,
      `--election-timeout=${requirePositive("electionTimeoutMs", options.electionTimeoutMs ?? 500)}`,
      "--logger=zap",
      "--log-outputs=stderr",
      ...(options.extraArgs ?? []),
    ];
    const cluster = new EtcdCluster(dir, members, binary, args);
    for (const member of members) cluster.spawnMember(member);
    return cluster;
  }

  /** Stops a member's process with SIGSTOP: it keeps its sockets but answers nothing. */
  pause(index: number): void {
    const member = this.member(index);
    if (member.state !== "running") return;
    this.processes.get(index)?.kill("SIGSTOP");
    member.state = "paused";
  }

  resume(index: number): void {
    const member = this.member(index);
    if (member.state !== "paused") return;
    this.processes.get(index)?.kill("SIGCONT");
    member.state = "running";
  }

  /** Crashes a member with SIGKILL and waits until it is gone. Its data directory stays. */
  async kill(index: number): Promise<void> {
    const child = this.processes.get(index);
    const member = this.member(index);
    if (child === undefined) return;
    await endProcess(child, "SIGKILL", 0);
    this.processes.delete(index);
    member.state = "killed";
    member.pid = undefined;
  }

  /** Starts a killed member again on the same data and ports. */
  restart(index: number): void {
    const member = this.member(index);
    if (this.processes.has(index) || this.stopped) return;
    this.spawnMember(member);
  }

  /** Ends every member (SIGTERM, then SIGKILL after a grace period) and removes the directory. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(
      [...this.processes.values()].map((child) => endProcess(child, "SIGTERM", STOP_GRACE_MS)),
    );
    this.processes.clear();
    for (const member of this.members) {
      member.state = "killed";
      member.pid = undefined;
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.unhook();
  }

  private unhook(): void {
    process.off("exit", this.exitHook);
    process.off("SIGINT", this.signalHook);
    process.off("SIGTERM", this.signalHook);
  }

  /** The last lines of every member's log, for error messages. */
  logTail(lines = 15): string {
    return this.members
      .map((m) => {
        let text = "";
        try {
          text = readFileSync(m.logFile, "utf8");
        } catch {
          return "";
        }
        // etcd follows a flag error with its usage text: indented lines, which say nothing here.
        const tail = text
          .split("\n")
          .filter((line) => line.trim() !== "" && !/^\s/.test(line))
          .slice(-lines);
        return tail.map((line) => `${m.name}: ${line}`).join("\n");
      })
      .filter((t) => t !== "")
      .join("\n");
  }

  private member(index: number): EtcdMember {
    const member = this.members[index];
    if (member === undefined) {
      throw new ConfigError({
        field: "member",
        value: index,
        expected: `an index in [0, ${this.members.length - 1}]`,
        fix: "count members from 0",
      });
    }
    return member;
  }

  private spawnMember(member: EtcdMember): void {
    const log = openSync(member.logFile, "a");
    try {
      const child = spawn(this.binary, this.args(member), { stdio: ["ignore", log, log] });
      child.on("error", () => undefined); // a failed spawn shows as an exit; the log says why
      this.processes.set(member.index, child);
      member.pid = child.pid;
      if (child.pid !== undefined) this.spawnedPids.push(child.pid);
      member.state = "running";
      child.once("exit", () => {
        if (this.processes.get(member.index) === child) {
          this.processes.delete(member.index);
          member.state = "killed";
          member.pid = undefined;
        }
      });
    } finally {
      closeSync(log);
    }
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const dead = this.members.filter((m) => !this.processes.has(m.index));
      if (dead.length > 0) {
        throw new EtcdStartError(
          `member ${dead.map((m) => m.name).join(", ")} exited during start-up`,
          this.logTail(),
          this.dir,
        );
      }
      const health = await Promise.all(this.members.map((m) => isHealthy(m.directClientUrl)));
      if (health.every(Boolean)) return;
      if (performance.now() > deadline) {
        throw new EtcdStartError(
          `not every member was healthy after ${timeoutMs} ms`,
          this.logTail(),
          this.dir,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Synchronous last resort on process exit: no waiting is possible there. */
  private killNow(): void {
    for (const child of this.processes.values()) child.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts a cluster, runs `body`, and stops the cluster whatever happens. */
export async function withEtcdCluster<T>(
  options: EtcdClusterOptions,
  body: (cluster: EtcdCluster) => Promise<T>,
): Promise<T> {
  const cluster = await EtcdCluster.start(options);
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
  }
}

function findBinary(binary: string): string {
  const candidates = binary.includes("/")
    ? [binary]
    : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new EtcdNotInstalledError(binary);
}

function endProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = graceMs > 0 ? setTimeout(() => child.kill("SIGKILL"), graceMs) : undefined;
    child.once("exit", () => {
      if (timer !== undefined) clearTimeout(timer);
      resolve();
    });
    child.kill("SIGCONT"); // a paused member cannot act on SIGTERM
    child.kill(signal);
  });
}

function isHealthy(clientUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${clientUrl}/health`, { timeout: 1_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (body.length < 1_000) body += chunk;
      });
      response.on("end", () => resolve(response.statusCode === 200 && body.includes('"true"')));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(false));
  });
}
