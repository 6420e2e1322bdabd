// One Maelstrom node as an operating-system process: spawned in a process group of its own (so
// that a shell wrapper's children are paused and killed with it), fed on stdin, read on stdout,
// its stderr kept as its log. Everything it prints is untrusted: stdout is split into lines of at
// most `maxLineBytes`, each parsed and validated, and a bad one is reported with the node and the
// line number and dropped. Nothing grows without bound: the lines waiting for its stdin are capped
// (beyond that a message is dropped and counted, as a full switch queue would), its stderr is a
// ring of recent lines, and the router can stop reading its stdout while too many of its messages
// are in flight (the pipe then fills and the node blocks on write: it is throttled, not buffered).
//
// Whoever starts a process owns it: `stop()` kills the group and waits for the exit, and a last
// resort kills every live group when murphy's own process exits.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { LineSplitter } from "../protocol/LineSplitter.js";
import {
  MalformedLineError,
  parseMaelstromLine,
  type MaelstromMessage,
} from "../protocol/MaelstromMessage.js";

export interface NodeProcessOptions {
  readonly id: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly maxLineBytes: number;
  /** Lines waiting for the node's stdin beyond the pipe; more are dropped. */
  readonly maxQueuedLines: number;
  readonly onMessage: (message: MaelstromMessage, lineNumber: number) => void;
  readonly onProblem: (problem: string) => void;
  /** The process ended (or could not start); `expected` when murphy stopped it. */
  readonly onExit: (description: string, expected: boolean) => void;
  readonly onStderr?: (line: string) => void;
}

/** Bad lines reported one by one per process; after that only counted. */
const MAX_REPORTED_LINES = 10;
const STDERR_TAIL_LINES = 20;
const STDERR_MAX_LINE_BYTES = 64 * 1024;

const live = new Set<NodeProcess>();
let exitHookInstalled = false;

/** Kills every node process still running (synchronously: usable from an exit handler). */
export function killAllNodeProcesses(): void {
  for (const p of live) p.signal("SIGKILL");
}

export class NodeProcess {
  readonly pid: number | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stdout: LineSplitter;
  private readonly stderr = new LineSplitter(STDERR_MAX_LINE_BYTES);
  private readonly stderrTail: string[] = [];
  private readonly queue: string[] = [];
  private draining = false;
  private exited = false;
  private stopping = false;
  private badLines = 0;
  /** Messages dropped because the node was not reading its stdin. */
  droppedWrites = 0;
  private readonly exitPromise: Promise<void>;

  constructor(private readonly options: NodeProcessOptions) {
    this.stdout = new LineSplitter(options.maxLineBytes);
    this.child = spawn(options.command, [...options.args], {
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    this.pid = this.child.pid;
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once("exit", killAllNodeProcesses);
    }
    this.exitPromise = new Promise<void>((resolve) => {
      this.child.once("error", (error) => {
        this.finish(`could not run ${options.command}: ${error.message}`);
        resolve();
      });
      // A shell wrapper's children may hold the pipes open after it exits: they go with it.
      this.child.once("exit", () => this.signal("SIGKILL"));
      this.child.once("close", (code, signal) => {
        this.finish(signal !== null ? `was killed by ${signal}` : `exited with code ${code}`);
        resolve();
      });
    });
    this.child.stdout.on("data", (chunk: Buffer) => this.onStdout(chunk));
    this.child.stdout.on("end", () => this.lines(this.stdout.end()));
    this.child.stderr.on("data", (chunk: Buffer) => this.onStderr(chunk));
    this.child.stdin.on("error", () => {
      // EPIPE when the node exits with lines still queued: its exit is reported, not this.
    });
    this.child.stdin.on("drain", () => this.flush());
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The node's last lines of stderr, for reports. */
  get stderrLines(): readonly string[] {
    return this.stderrTail;
  }

  /** Sends one line (with its newline) to the node's stdin, respecting back-pressure. */
  write(line: string): void {
    if (this.exited) return;
    if (this.draining || this.queue.length > 0) {
      if (this.queue.length >= this.options.maxQueuedLines) {
        if (this.droppedWrites++ === 0) {
          this.options.onProblem(
            `is not reading its stdin: more than ${this.options.maxQueuedLines} messages waiting, dropping more`,
          );
        }
        return;
      }
      this.queue.push(line);
      return;
    }
    if (!this.child.stdin.write(line)) this.draining = true;
  }

  private flush(): void {
    this.draining = false;
    while (this.queue.length > 0 && !this.exited) {
      if (!this.child.stdin.write(this.queue.shift()!)) {
        this.draining = true;
        return;
      }
    }
  }

  /** Stops reading stdout (the node blocks once the pipe is full) or starts again. */
  throttle(on: boolean): void {
    if (on) this.child.stdout.pause();
    else this.child.stdout.resume();
  }

  /** Sends a signal to the node's whole process group; false if it is gone. */
  signal(signal: NodeJS.Signals): boolean {
    if (this.exited || this.pid === undefined) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Kills the node (SIGKILL to its group) and waits until it has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signal("SIGKILL");
    await this.exitPromise;
  }

  private onStdout(chunk: Buffer): void {
    this.lines(this.stdout.push(chunk));
  }

  private lines(events: ReturnType<LineSplitter["push"]>): void {
    for (const event of events) {
      if (event.kind === "too-long") {
        this.bad(
          `printed a line longer than ${event.maxLineBytes} bytes (stdout line ${event.lineNumber}); dropped`,
        );
        continue;
      }
      let message: MaelstromMessage;
      try {
        message = parseMaelstromLine(event.line);
      } catch (error) {
        if (!(error instanceof MalformedLineError)) throw error;
        this.bad(`printed malformed JSON on stdout line ${event.lineNumber}: ${error.message}`);
        continue;
      }
      this.options.onMessage(message, event.lineNumber);
    }
  }

  private bad(problem: string): void {
    this.badLines++;
    if (this.badLines <= MAX_REPORTED_LINES) this.options.onProblem(problem);
    else if (this.badLines === MAX_REPORTED_LINES + 1)
      this.options.onProblem("printed more bad lines; no longer reported one by one");
  }

  private onStderr(chunk: Buffer): void {
    for (const event of this.stderr.push(chunk)) {
      if (event.kind !== "line") continue;
      this.stderrTail.push(event.line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      this.options.onStderr?.(event.line);
    }
  }

  private finish(description: string): void {
    if (this.exited) return;
    this.exited = true;
    live.delete(this);
    this.queue.length = 0;
    this.options.onExit(description, this.stopping);
  }
}
