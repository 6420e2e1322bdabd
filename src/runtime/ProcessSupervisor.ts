// Owns the node processes of a real run: forks each server (see nodeMain), waits until it listens,
// and injects the process faults — pause with SIGSTOP and SIGCONT, crash with SIGKILL, restart
// with the next incarnation on the same data directory, clock jumps and drift through the node's
// control channel. It keeps a copy of each node's clock, so a restarted process gets the clock its
// machine would still have. Whoever creates a supervisor must `stopAll()` in a `finally`; as a
// last resort, the supervisor SIGKILLs its children when this process exits, and each child exits
// by itself when its IPC channel to this process closes (a SIGKILL of the harness).
//
// Restarts are quick because a spare process waits ready: forked ahead of time, it has loaded the
// world (a .ts world through tsx takes most of a second) and holds nothing else — no node, no
// socket, no disk — so handing it the next incarnation is a restart from scratch that does not
// wait for the loader. Without a spare (two restarts at once), a process is forked cold.

import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError, MurphyError } from "../core/errors.js";
import { InjectableClock } from "./InjectableClock.js";
import { parseFromNode, type NodeInit, type ToNode } from "./NodeProcessProtocol.js";
import type { Address } from "./RealTransport.js";

/** A server as the supervisor starts it: everything of `init` but what changes per start. */
export interface ServerSpec {
  id: string;
  init: Omit<NodeInit, "type" | "incarnation" | "clock">;
  /** The node's initial clock (from its NodeSpec's clock options). */
  clock?: { offsetMs?: number; driftPpm?: number };
}

export interface NodeExit {
  node: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the supervisor ended it (a kill fault, or stopAll). */
  expected: boolean;
  /** The last lines it wrote on stderr. */
  stderrTail: string[];
}

export interface SupervisorOptions {
  /** Each line a node prints on stdout (its `ctx.log` lines) or stderr. */
  onOutput?: (node: string, stream: "stdout" | "stderr", line: string) => void;
  /** Every exit, expected or not. */
  onExit?: (exit: NodeExit) => void;
  /** How long a node may take to listen (default 30 s). */
  startTimeoutMs?: number;
  /** Processes kept loaded and waiting, for quick restarts (default 1; 0 forks every start cold). */
  spares?: number;
}

/** A node process did not come up. */
export class NodeStartError extends MurphyError {
  readonly code = "E_NODE_START";
  readonly definite = true;
  constructor(
    readonly node: string,
    why: string,
    readonly stderrTail: string[],
  ) {
    super(
      `node ${node} did not start: ${why}` +
        (stderrTail.length > 0 ? `\n  ${stderrTail.join("\n  ")}` : ""),
    );
  }
}

type State = "down" | "starting" | "up" | "paused";

/** One OS process: a spare until a node is handed to it (`owner`). */
interface Proc {
  child: ChildProcess;
  owner: Managed | undefined;
  prepared: boolean;
  stderrTail: string[];
  exited: Promise<void>;
}

interface Managed {
  spec: ServerSpec;
  clock: InjectableClock;
  incarnation: number;
  state: State;
  proc: Proc | undefined;
  address: Address | undefined;
  expectExit: boolean;
}

const STDERR_TAIL_LINES = 30;
const STOP_GRACE_MS = 2_000;

export class ProcessSupervisor {
  private readonly nodes = new Map<string, Managed>();
  private readonly procs = new Set<Proc>();
  private readonly spares: Proc[] = [];
  private readonly spareCount: number;
  private readonly startTimeoutMs: number;
  private readonly onExitOfProcess = () => this.killAllNow();
  private stopping = false;

  constructor(
    specs: readonly ServerSpec[],
    private readonly options: SupervisorOptions = {},
  ) {
    for (const spec of specs) {
      this.nodes.set(spec.id, {
        spec,
        clock: new InjectableClock(spec.clock ?? {}),
        incarnation: -1,
        state: "down",
        proc: undefined,
        address: undefined,
        expectExit: false,
      });
    }
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.spareCount = options.spares ?? 1;
    process.on("exit", this.onExitOfProcess);
  }

  get ids(): string[] {
    return [...this.nodes.keys()];
  }

  /** Process ids of every process this supervisor has running: nodes, paused ones and spares. */
  pids(): number[] {
    return [...this.procs].flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid]));
  }

  stateOf(id: string): State {
    return this.node(id).state;
  }

  addressOf(id: string): Address | undefined {
    return this.node(id).address;
  }

  pidOf(id: string): number | undefined {
    return this.node(id).proc?.child.pid;
  }

  /** Starts every node at once; resolves when all listen. */
  async startAll(): Promise<Map<string, Address>> {
    const ids = this.ids;
    const addresses = await Promise.all(ids.map((id) => this.start(id)));
    return new Map(ids.map((id, i) => [id, addresses[i]!]));
  }

  /** Starts a node that is down: its first start, or a restart (the next incarnation). */
  async start(id: string): Promise<Address> {
    const m = this.node(id);
    if (this.stopping) throw new NodeStartError(id, "the supervisor is stopping", []);
    if (m.state !== "down") return m.address ?? this.waitForAddress(m);
    m.incarnation++;
    m.state = "starting";
    m.expectExit = false;
    const proc = this.takeSpare() ?? this.fork(false);
    proc.owner = m;
    m.proc = proc;
    const init: NodeInit = {
      ...m.spec.init,
      type: "init",
      incarnation: m.incarnation,
      clock: m.clock.state(),
    };
    proc.child.send(init satisfies ToNode);
    const address = this.waitForAddress(m);
    this.refillSpares();
    return address;
  }

  /** SIGKILL: the process dies at once, with whatever it had not synced. */
  async kill(id: string): Promise<void> {
    const m = this.node(id);
    if (m.proc === undefined || m.state === "down") return;
    m.expectExit = true;
    m.proc.child.kill("SIGKILL");
    await m.proc.exited;
  }

  /** Kills (if running) and starts the next incarnation. */
  async restart(id: string): Promise<Address> {
    await this.kill(id);
    return this.start(id);
  }

  /** SIGSTOP: the process stops where it is; its sockets stay open, nothing it holds moves. */
  pause(id: string): boolean {
    const m = this.node(id);
    if (m.state !== "up" || m.proc === undefined) return false;
    m.proc.child.kill("SIGSTOP");
    m.state = "paused";
    return true;
  }

  /** SIGCONT: the process goes on as if no time had passed, except on its clocks. */
  resume(id: string): boolean {
    const m = this.node(id);
    if (m.state !== "paused" || m.proc === undefined) return false;
    m.proc.child.kill("SIGCONT");
    m.state = "up";
    return true;
  }

  /** Steps the node's wall clock; a node that is down gets it when it restarts. */
  clockJump(id: string, deltaMs: number): void {
    const m = this.node(id);
    m.clock.jump(deltaMs);
    this.tell(m, { type: "clock-jump", deltaMs });
  }

  /** Sets the node's oscillator drift. */
  clockDrift(id: string, driftPpm: number): void {
    const m = this.node(id);
    m.clock.setDrift(driftPpm);
    this.tell(m, { type: "clock-drift", driftPpm });
  }

  /**
   * Stops every process: resumes the paused, asks each to stop (SIGTERM), and SIGKILLs any still
   * running after a grace period. Resolves when every process has exited.
   */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const running = [...this.procs];
    for (const p of running) {
      if (p.owner !== undefined) {
        p.owner.expectExit = true;
        if (p.owner.state === "paused") p.child.kill("SIGCONT");
      }
      p.child.kill("SIGTERM");
    }
    const grace = setTimeout(() => {
      for (const p of running) if (this.procs.has(p)) p.child.kill("SIGKILL");
    }, STOP_GRACE_MS);
    try {
      await Promise.all(running.map((p) => p.exited));
    } finally {
      clearTimeout(grace);
      process.off("exit", this.onExitOfProcess);
    }
  }

  private node(id: string): Managed {
    const m = this.nodes.get(id);
    if (m === undefined) {
      throw new ConfigError({
        field: "node",
        value: id,
        expected: "a server of this run",
        fix: `use one of ${this.ids.join(", ")}`,
      });
    }
    return m;
  }

  private tell(m: Managed, message: ToNode): void {
    const child = m.proc?.child;
    if (child === undefined || m.state === "down" || !child.connected) return;
    child.send(message, (error) => void error);
  }

  /** Forks a node process; a spare is told to load the world and wait for its node. */
  private fork(spare: boolean): Proc {
    const { script, execArgv } = nodeEntry();
    const child = fork(script, [], {
      execArgv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    const proc: Proc = {
      child,
      owner: undefined,
      prepared: false,
      stderrTail: [],
      exited: new Promise((resolve) => child.once("exit", () => resolve())),
    };
    this.procs.add(proc);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (proc.owner !== undefined) this.options.onOutput?.(proc.owner.spec.id, "stdout", line);
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      proc.stderrTail.push(line);
      if (proc.stderrTail.length > STDERR_TAIL_LINES) proc.stderrTail.shift();
      if (proc.owner !== undefined) this.options.onOutput?.(proc.owner.spec.id, "stderr", line);
    });
    child.on("message", (raw) => this.heard(proc, raw));
    child.on("error", () => undefined);
    child.once("exit", (code, signal) => this.exited(proc, code, signal));
    if (spare) {
      const { world, variant, seed } = this.nodes.values().next().value!.spec.init;
      child.send({ type: "prepare", world, variant, seed } satisfies ToNode, (e) => void e);
    }
    return proc;
  }

  private heard(proc: Proc, raw: unknown): void {
    const message = parseFromNode(raw);
    if (message?.type === "prepared") proc.prepared = true;
    const m = proc.owner;
    if (message?.type === "ready" && m !== undefined && m.proc === proc && m.state === "starting") {
      m.address = message.address;
      m.state = "up";
      proc.child.emit("murphy-ready");
    }
  }

  private exited(proc: Proc, code: number | null, signal: NodeJS.Signals | null): void {
    this.procs.delete(proc);
    const spareAt = this.spares.indexOf(proc);
    if (spareAt >= 0) this.spares.splice(spareAt, 1);
    const m = proc.owner;
    if (m === undefined || m.proc !== proc) return;
    m.state = "down";
    m.address = undefined;
    this.options.onExit?.({
      node: m.spec.id,
      pid: proc.child.pid ?? -1,
      code,
      signal,
      expected: m.expectExit || this.stopping,
      stderrTail: [...proc.stderrTail],
    });
  }

  /** A spare that has loaded the world, if one is waiting. */
  private takeSpare(): Proc | undefined {
    const at = this.spares.findIndex((p) => p.prepared);
    return at < 0 ? undefined : this.spares.splice(at, 1)[0];
  }

  private refillSpares(): void {
    while (!this.stopping && this.spares.length < this.spareCount && this.nodes.size > 0) {
      this.spares.push(this.fork(true));
    }
  }

  private waitForAddress(m: Managed): Promise<Address> {
    const proc = m.proc!;
    const child = proc.child;
    return new Promise((resolve, reject) => {
      if (m.state === "up" || m.state === "paused") {
        resolve(m.address!);
        return;
      }
      const done = () => {
        clearTimeout(timer);
        child.off("murphy-ready", ready);
        child.off("exit", exited);
      };
      const ready = () => {
        done();
        resolve(m.address!);
      };
      const exited = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        const why = `it exited (code ${code}, signal ${signal})`;
        reject(new NodeStartError(m.spec.id, why, [...proc.stderrTail]));
      };
      const timer = setTimeout(() => {
        done();
        m.expectExit = true;
        child.kill("SIGKILL");
        const why = `no answer within ${this.startTimeoutMs} ms`;
        reject(new NodeStartError(m.spec.id, why, [...proc.stderrTail]));
      }, this.startTimeoutMs);
      child.on("murphy-ready", ready);
      child.once("exit", exited);
    });
  }

  /** The harness is exiting without stopAll: leave no process behind. */
  private killAllNow(): void {
    for (const p of this.procs) {
      try {
        p.child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/**
 * The node process's script: nodeMain.js beside this file when murphy runs built, or nodeMain.ts
 * through tsx's loader when it runs from source (tests).
 */
function nodeEntry(): { script: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return { script: join(dirname(here), "nodeMain.ts"), execArgv: ["--import", tsx] };
  }
  return { script: join(dirname(here), "nodeMain.js"), execArgv: [] };
}
