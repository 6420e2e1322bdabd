// Builds the context a node sees — the whole node API — over the kernel's operations for that
// node. The context is made anew for each incarnation: a recovered node gets a fresh random
// stream and no memory of its previous life except its storage.

import type { TrueTimeInterval } from "../core/Clock.js";
import { ConfigError } from "../core/errors.js";
import type { TimerId } from "../core/Clock.js";
import type { Host } from "./Host.js";
import type { NodeContext } from "./NodeApi.js";

/** What the kernel does on behalf of one node. */
export interface NodeKernel {
  nowMicros(): number;
  send(to: string, body: unknown, requestId: number | undefined, isReply: boolean): void;
  request(to: string, body: unknown, timeoutMs: number): PromiseLike<unknown>;
  setTimer(delayMs: number, callback: () => void | Promise<void>): TimerId;
  sleep(delayMs: number, signal?: AbortSignal): PromiseLike<void>;
  log(text: string): void;
}

/** Where a context finds its peers, computed on first use (a world of n nodes would pay n² else). */
const PEERS_OF = Symbol("peersOf");

/**
 * The `peers` getter every context shares. A getter written in the object literal would be a new
 * function per context, and V8 gives each object whose accessor differs a hidden class of its own:
 * those classes live in the old generation and keep each context, its node and its world reachable
 * from there, so a sweep's short worlds outlived two young-generation collections and were copied
 * twice (a third of what a loop of small worlds allocated survived each collection).
 */
function sharedPeersGetter(this: { [PEERS_OF]: () => readonly string[] }): readonly string[] {
  return this[PEERS_OF]();
}

export function makeNodeContext(
  host: Host,
  nodeIds: readonly string[],
  kernel: NodeKernel,
): NodeContext {
  const id = nodeIds[host.index]!;
  const clock = host.clock;
  const now = kernel.nowMicros;
  const ctx: NodeContext = {
    id,
    peers: [],
    incarnation: host.incarnation,
    send: (to, body) => kernel.send(to, body, undefined, false),
    request: <R>(to: string, body: unknown, options: { timeoutMs: number }) =>
      kernel.request(to, body, options.timeoutMs) as Promise<R>,
    reply: (message, body) => {
      if (message.requestId === undefined) {
        throw new ConfigError({
          field: "reply.message",
          value: message.body,
          expected: "a message sent with request()",
          fix: "answer plain messages with send()",
        });
      }
      kernel.send(message.from, body, message.requestId, true);
    },
    setTimer: (delayMs, callback) => kernel.setTimer(delayMs, callback),
    clearTimer: (timerId) => {
      const timer = host.timers.get(timerId);
      if (timer !== undefined) {
        timer.cancelled = true;
        host.timers.delete(timerId);
      }
    },
    sleep: (delayMs, signal) => kernel.sleep(delayMs, signal) as Promise<void>,
    clock: {
      wallMs: () => clock.wallMicros(now()) / 1000,
      monotonicMs: () => clock.monotonicMicros(now()) / 1000,
      trueTime: (): TrueTimeInterval => {
        const t = clock.trueTime(now());
        return { earliestMs: t.earliestMicros / 1000, latestMs: t.latestMicros / 1000 };
      },
    },
    storage: host.storage,
    random: host.rng.derive(`incarnation/${host.incarnation}`),
    log: (...parts) =>
      kernel.log(parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")),
  };
  Object.defineProperty(ctx, PEERS_OF, {
    value: () => (host.peersCache ??= nodeIds.filter((x) => x !== id)),
  });
  Object.defineProperty(ctx, "peers", { get: sharedPeersGetter, enumerable: true });
  return ctx;
}
