// Owns the node processes of a real run: forks each server (see nodeMain), waits until it listens,
// and injects the process faults — pause with SIGSTOP and SIGCONT, crash with SIGKILL, restart
// with the next incarnation on the same data directory, clock jumps and drift through the node's
// control channel. It keeps a copy of each node's clock, so a restarted process gets the clock its
// machine would still have. Whoever creates a supervisor must `stopAll()` in a `finally`; as a
// last resort, the supervisor SIGKILLs its children when this process exits, and each child exits
// by itself when its IPC channel to this process closes (a SIGKILL of the harness).

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

interface Managed {
  spec: ServerSpec;
  clock: InjectableClock;
  incarnation: number;
  state: State;
  child: ChildProcess | undefined;
  address: Address | undefined;
  stderrTail: string[];
  exited: Promise<void> | undefined;
  expectExit: boolean;
}

const STDERR_TAIL_LINES = 30;
const STOP_GRACE_MS = 2_000;

export class ProcessSupervisor {
  private readonly nodes = new Map<string, Managed>();
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
        child: undefined,
        address: undefined,
        stderrTail: [],
        exited: undefined,
        expectExit: false,
      });
    }
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
    process.on("exit", this.onExitOfProcess);
  }

  get ids(): string[] {
    return [...this.nodes.keys()];
  }

  /** Process ids of the nodes that are running (or paused). */
  pids(): number[] {
    return [...this.nodes.values()].flatMap((m) =>
      m.child?.pid !== undefined && m.child.exitCode === null && m.child.signalCode === null
        ? [m.child.pid]
        : [],
    );
  }

  stateOf(id: string): State {
    return this.node(id).state;
  }

  addressOf(id: string): Address | undefined {
    return this.node(id).address;
  }

  pidOf(id: string): number | undefined {
    return this.node(id).child?.pid;
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
    m.stderrTail = [];
    m.expectExit = false;
    const { script, execArgv } = nodeEntry();
    const child = fork(script, [], {
      execArgv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    m.child = child;
    m.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    this.watch(m, child);
    const init: NodeInit = {
      ...m.spec.init,
      type: "init",
      incarnation: m.incarnation,
      clock: m.clock.state(),
    };
    child.send(init satisfies ToNode);
    return this.waitForAddress(m);
  }

  /** SIGKILL: the process dies at once, with whatever it had not synced. */
  async kill(id: string): Promise<void> {
    const m = this.node(id);
    if (m.child === undefined || m.state === "down") return;
    m.expectExit = true;
    m.child.kill("SIGKILL");
    await m.exited;
  }

  /** Kills (if running) and starts the next incarnation. */
  async restart(id: string): Promise<Address> {
    await this.kill(id);
    return this.start(id);
  }

  /** SIGSTOP: the process stops where it is; its sockets stay open, nothing it holds moves. */
  pause(id: string): boolean {
    const m = this.node(id);
    if (m.state !== "up" || m.child === undefined) return false;
    m.child.kill("SIGSTOP");
    m.state = "paused";
    return true;
  }

  /** SIGCONT: the process goes on as if no time had passed, except on its clocks. */
  resume(id: string): boolean {
    const m = this.node(id);
    if (m.state !== "paused" || m.child === undefined) return false;
    m.child.kill("SIGCONT");
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
   * Stops every node: resumes the paused, asks each to stop (SIGTERM), and SIGKILLs any still
   * running after a grace period. Resolves when every process has exited.
   */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const running = [...this.nodes.values()].filter(
      (m) => m.child !== undefined && m.state !== "down",
    );
    for (const m of running) {
      m.expectExit = true;
      if (m.state === "paused") m.child!.kill("SIGCONT");
      m.child!.kill("SIGTERM");
    }
    const grace = setTimeout(() => {
      for (const m of running) if (m.state !== "down") m.child!.kill("SIGKILL");
    }, STOP_GRACE_MS);
    try {
      await Promise.all(running.map((m) => m.exited));
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
    if (m.child === undefined || m.state === "down" || !m.child.connected) return;
    m.child.send(message, (error) => void error);
  }

  private watch(m: Managed, child: ChildProcess): void {
    const id = m.spec.id;
    createInterface({ input: child.stdout! }).on("line", (line) =>
      this.options.onOutput?.(id, "stdout", line),
    );
    createInterface({ input: child.stderr! }).on("line", (line) => {
      m.stderrTail.push(line);
      if (m.stderrTail.length > STDERR_TAIL_LINES) m.stderrTail.shift();
      this.options.onOutput?.(id, "stderr", line);
    });
    child.on("message", (raw) => {
      const message = parseFromNode(raw);
      if (message?.type === "ready" && m.child === child && m.state === "starting") {
        m.address = message.address;
        m.state = "up";
        child.emit("murphy-ready");
      }
    });
    child.on("error", () => undefined);
    child.once("exit", (code, signal) => {
      if (m.child !== child) return;
      m.state = "down";
      m.address = undefined;
      this.options.onExit?.({
        node: id,
        pid: child.pid ?? -1,
        code,
        signal,
        expected: m.expectExit || this.stopping,
        stderrTail: [...m.stderrTail],
      });
    });
  }

  private waitForAddress(m: Managed): Promise<Address> {
    const child = m.child!;
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
        reject(
          new NodeStartError(m.spec.id, `it exited (code ${code}, signal ${signal})`, [
            ...m.stderrTail,
          ]),
        );
      };
      const timer = setTimeout(() => {
        done();
        m.expectExit = true;
        child.kill("SIGKILL");
        reject(
          new NodeStartError(m.spec.id, `no answer within ${this.startTimeoutMs} ms`, [
            ...m.stderrTail,
          ]),
        );
      }, this.startTimeoutMs);
      child.on("murphy-ready", ready);
      child.once("exit", exited);
    });
  }

  /** The harness is exiting without stopAll: leave no process behind. */
  private killAllNow(): void {
    for (const m of this.nodes.values()) {
      if (m.child !== undefined && m.state !== "down") {
        try {
          m.child.kill("SIGKILL");
        } catch {
          // already gone
        }
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
