// What a node sees of the world: its context. The same node code runs in the simulator and in the
// real runtime, so this is the whole surface — identity, messaging, timers, its own clock, its own
// disk, its own random stream and a log. Handlers may be plain callbacks or async functions.

import type { Clock, TimerId } from "../core/Clock.js";
import type { Rng } from "../core/Rng.js";

export type NodeId = string;

export interface Message<B = unknown> {
  readonly from: NodeId;
  readonly body: B;
  /** Present when the sender used `request`: answer with `ctx.reply(message, body)`. */
  readonly requestId?: number;
}

/** A node's stable storage: survives crashes, but only what was synced is certain to. */
export interface Storage {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
  keys(): string[];
  /** Makes every write so far durable. */
  sync(): void;
}

export interface RequestOptions {
  timeoutMs: number;
}

export interface NodeContext {
  readonly id: NodeId;
  /** Every other node in the world, in a fixed order. */
  readonly peers: readonly NodeId[];
  /** How many times this node has restarted after a crash (0 on first start). */
  readonly incarnation: number;
  /** Fire and forget: the message may be lost, delayed, duplicated or reordered. */
  send(to: NodeId, body: unknown): void;
  /**
   * Sends and waits for a reply. Rejects with TimeoutError (indefinite: the request may or may not
   * have been executed) when no reply arrives within `timeoutMs` on this node's own oscillator
   * (its drift counts; NTP's slewing of the clock readings does not).
   */
  request<R = unknown>(to: NodeId, body: unknown, options: RequestOptions): Promise<R>;
  /** Answers a message that was sent with `request`. */
  reply(to: Message, body: unknown): void;
  setTimer(delayMs: number, callback: () => void | Promise<void>): TimerId;
  clearTimer(id: TimerId): void;
  /** Resolves after `delayMs`; rejects with AbortedError at once if `signal` aborts first. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
  readonly clock: Clock;
  readonly storage: Storage;
  readonly random: Rng;
  /** Records a line in the trace (parts joined by spaces); `onLog` in the config shows it live. */
  log(...parts: unknown[]): void;
}

/** One `ctx.log` line as it happened: the node, the virtual time in ms, and the text. */
export interface LogEntry {
  node: NodeId;
  atMs: number;
  text: string;
}

/** A node's behaviour. Every handler may return a promise (async style) or nothing (callbacks). */
export interface NodeHandlers {
  onStart?(): void | Promise<void>;
  onMessage?(message: Message): void | Promise<void>;
}

/** Builds a node's volatile state from its context; called again on every recovery. */
export type NodeFactory = (ctx: NodeContext) => NodeHandlers;
