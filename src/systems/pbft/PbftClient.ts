// A PBFT client: it authenticates each request to every replica (one MAC each), sends it to all (so that backups notice a
// primary that ignores it), retransmits until it is answered, and accepts a result once f + 1
// replicas agree on it — at least one of them is correct, and correct replicas only answer with
// what was committed.

import type { TimerId } from "../../core/Clock.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { type Backoff, exponentialBackoff } from "../../primitives/Backoff.js";
import type { PbftConfig } from "./PbftConfig.js";
import { type PbftMessage, type Reply, replyStatement, requestStatement } from "./PbftMessages.js";

export interface PbftClientObserver {
  onAccept?(client: string, op: string, result: number, atMs: number): void;
  onIssue?(client: string, op: string, atMs: number): void;
}

export interface PbftClientOptions {
  /** Operations to submit one after another. */
  ops: readonly string[];
  observer?: PbftClientObserver;
  /** Delay before each retransmission (default: exponential from 200 ms, capped at 1 s). */
  retryBackoff?: Backoff;
}

export function pbftClient(config: PbftConfig, options: PbftClientOptions): NodeFactory {
  const backoff = options.retryBackoff ?? exponentialBackoff({ baseMs: 200, capMs: 1_000 });
  return (ctx) => {
    const macs = config.keyring.macs(ctx.id);
    let index = 0;
    let attempt = 0;
    let timer: TimerId | undefined;
    /** result → replicas that answered it, for the current request. */
    let votes = new Map<number, Set<string>>();

    function send(): void {
      const op = options.ops[index]!;
      const unauthenticated = { client: ctx.id, timestamp: index + 1, op };
      const auth = macs.authenticator(config.replicas, requestStatement(unauthenticated));
      const request = { ...unauthenticated, auth };
      const body: PbftMessage = { type: "request", request };
      for (const r of config.replicas) ctx.send(r, body);
      timer = ctx.setTimer(backoff.delayMs(attempt++, undefined, ctx.random), send);
    }

    function issue(): void {
      if (index >= options.ops.length) return;
      votes = new Map();
      attempt = 0;
      options.observer?.onIssue?.(ctx.id, options.ops[index]!, ctx.clock.monotonicMs());
      send();
    }

    /** The replica's MAC for this client checks out (the pair key only the two of them hold). */
    function authenticReply(replica: string, r: Reply): boolean {
      return macs.verify(replica, replyStatement(ctx.id, r), r.mac);
    }

    return {
      onStart: issue,
      onMessage(message) {
        const body = message.body as PbftMessage;
        if (body?.type !== "reply" || !config.replicas.includes(message.from)) return;
        if (body.timestamp !== index + 1 || typeof body.result !== "number") return;
        if (!authenticReply(message.from, body)) return;
        const voters = votes.get(body.result) ?? new Set<string>();
        votes.set(body.result, voters.add(message.from));
        if (voters.size < config.f + 1) return;
        if (timer !== undefined) ctx.clearTimer(timer);
        options.observer?.onAccept?.(
          ctx.id,
          options.ops[index]!,
          body.result,
          ctx.clock.monotonicMs(),
        );
        index++;
        issue();
      },
    };
  };
}
