// A murphy node as a Maelstrom process: `murphy maelstrom node ./my-node.ts`. The node is wrapped
// in the same adapter the simulator uses (maelstromNode), over a context whose messages are lines
// on stdin and stdout, whose timers and clock are real, and whose log is stderr. So a node tested
// in murphy's simulator runs unchanged under Maelstrom itself, or under `murphy maelstrom test`.
//
// Input is untrusted like any other process's output: lines are size-limited, parsed with
// JSON.parse, validated, and a bad one is logged to stderr and dropped. Output respects
// back-pressure: when stdout is full, lines wait in a bounded queue and beyond it are dropped
// (and counted on stderr) rather than buffered without end.

import type { Readable, Writable } from "node:stream";
import { Rng, Seed } from "../../core/Rng.js";
import { ConfigError } from "../../core/errors.js";
import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import { RealClock } from "../../runtime/RealClock.js";
import { maelstromNode } from "../adapter/maelstromNode.js";
import { LineSplitter } from "../protocol/LineSplitter.js";
import {
  DEFAULT_MAX_LINE_BYTES,
  formatMaelstromLine,
  isObject,
  MalformedLineError,
  parseMaelstromLine,
  type MaelstromBody,
} from "../protocol/MaelstromMessage.js";
import { MemoryStorage } from "./MemoryStorage.js";
import { TimerSet } from "./TimerSet.js";

export interface StdioNodeOptions {
  readonly input?: Readable;
  readonly output?: Writable;
  readonly log?: Writable;
  /** The node's random stream; default: a fresh seed from the operating system. */
  readonly seed?: Seed;
  readonly maxLineBytes?: number;
  /** Lines waiting for stdout beyond what it buffers; more are dropped. */
  readonly maxQueuedLines?: number;
}

/** Runs `factory` as a Maelstrom node until stdin ends; resolves then. */
export function runStdioNode(factory: NodeFactory, options: StdioNodeOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const log = options.log ?? process.stderr;
  const timers = new TimerSet();
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const writer = new LineWriter(output, options.maxQueuedLines ?? 10_000, (text) =>
    log.write(`${text}\n`),
  );
  const state = { id: "" };
  const say = (text: string) => log.write(`${state.id || "node"}: ${text}\n`);
  const outer = stdioContext(state, writer, timers, say, options.seed ?? randomSeed());
  const handlers = maelstromNode(factory)(outer);
  const dispatch = (line: string, lineNumber: number) => {
    let message;
    try {
      message = parseMaelstromLine(line);
    } catch (error) {
      if (!(error instanceof MalformedLineError)) throw error;
      return say(`stdin line ${lineNumber} dropped: ${error.message}`);
    }
    const body = message.body;
    if (state.id === "" && body.type === "init" && typeof body.node_id === "string")
      state.id = body.node_id;
    if (message.dest !== state.id)
      return say(
        `stdin line ${lineNumber} is for ${message.dest}, not ${state.id || "me (no init yet)"}; dropped`,
      );
    try {
      const result = handlers.onMessage?.({ from: message.src, body });
      if (result instanceof Promise)
        result.catch((error: unknown) => say(`error: ${describe(error)}`));
    } catch (error) {
      say(`error: ${describe(error)}`);
    }
  };
  return new Promise<void>((resolve) => {
    input.on("data", (chunk: Buffer | string) => {
      for (const event of splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) {
        if (event.kind === "line") dispatch(event.line, event.lineNumber);
        else
          say(`stdin line ${event.lineNumber} is longer than ${event.maxLineBytes} bytes; dropped`);
      }
    });
    input.on("end", () => {
      for (const event of splitter.end())
        if (event.kind === "line") dispatch(event.line, event.lineNumber);
      timers.close();
      resolve();
    });
  });
}

function stdioContext(
  state: { id: string },
  writer: LineWriter,
  timers: TimerSet,
  say: (text: string) => void,
  seed: Seed,
): NodeContext {
  const setTimer = (delayMs: number, callback: () => void | Promise<void>) =>
    timers.set(
      delayMs,
      () => void callback(),
      (error) => say(`timer error: ${describe(error)}`),
    );
  return {
    get id() {
      return state.id;
    },
    peers: [],
    incarnation: 0,
    send: (to, body) => {
      if (!isObject(body)) return say(`refused to send a body that is not an object to ${to}`);
      writer.write(formatMaelstromLine(state.id, to, body as MaelstromBody));
    },
    request: () => {
      throw new ConfigError({
        field: "request",
        value: "outer context",
        expected: "used through the adapter",
        fix: "wrap the node with maelstromNode",
      });
    },
    reply: () => {
      throw new ConfigError({
        field: "reply",
        value: "outer context",
        expected: "used through the adapter",
        fix: "wrap the node with maelstromNode",
      });
    },
    setTimer,
    clearTimer: (timer) => timers.clear(timer),
    sleep: (delayMs, signal) => timers.sleep(delayMs, signal),
    clock: new RealClock(),
    storage: new MemoryStorage(),
    random: Rng.fromSeed(seed),
    log: (...parts) =>
      say(parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")),
  };
}

/** Writes lines to a stream, waiting for 'drain' when it is full, with a bounded queue. */
class LineWriter {
  private readonly queue: string[] = [];
  private waiting = false;
  private dropped = 0;

  constructor(
    private readonly stream: Writable,
    private readonly maxQueued: number,
    private readonly warn: (text: string) => void,
  ) {
    stream.on("drain", () => this.flush());
  }

  write(line: string): void {
    if (this.waiting) {
      if (this.queue.length < this.maxQueued) this.queue.push(line);
      else if (this.dropped++ % 1000 === 0) {
        this.warn(
          `stdout is full (${this.maxQueued} lines waiting): dropped ${this.dropped} so far`,
        );
      }
      return;
    }
    if (!this.stream.write(line)) this.waiting = true;
  }

  private flush(): void {
    this.waiting = false;
    while (this.queue.length > 0) {
      if (!this.stream.write(this.queue.shift()!)) {
        this.waiting = true;
        return;
      }
    }
  }
}

function randomSeed(): Seed {
  const bytes = new Uint32Array(2);
  crypto.getRandomValues(bytes);
  return Seed.of(bytes[0]!, bytes[1]!);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
