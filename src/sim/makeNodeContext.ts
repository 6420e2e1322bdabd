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

export function makeNodeContext(
  host: Host,
  nodeIds: readonly string[],
  kernel: NodeKernel,
): NodeContext {
  const id = nodeIds[host.index]!;
  const clock = host.clock;
  const now = kernel.nowMicros;
  return {
    id,
    get peers(): readonly string[] {
      return (host.peersCache ??= nodeIds.filter((x) => x !== id));
    },
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
}
