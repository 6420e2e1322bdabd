// A client of the split-brain scenario: it writes distinct values, retrying on another replica
// when one redirects or does not answer, and records every write in the history (a timeout is
// `info`, outcome unknown). The client given a final-read time then reads what survived: from the
// primary it finds against the naive pair, from a majority against the quorum trio.

import { TimeoutError } from "../../core/errors.js";
import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import type { HistoryRecorder, OperationHandle } from "../../workload/HistoryRecorder.js";
import { REQUEST_TIMEOUT_MS } from "./SplitBrainTiming.js";

const ATTEMPTS_PER_WRITE = 4;
const RETRY_PAUSE_MS = 30;
const THINK_MS_MAX = 20;

/** Which replicas the client talks to: the naive primary/backup pair or the quorum trio. */
export type SplitBrainMode = "naive" | "quorum";

export interface ClientPlan {
  mode: SplitBrainMode;
  recorder: HistoryRecorder;
  writesUntilMs: number;
  finalReadAtMs: number | undefined;
  replicas: readonly string[];
  nextValue: () => number;
}

type Answer = { ok?: boolean; redirect?: string | null; values?: number[] };

export function splitBrainClient(plan: ClientPlan): NodeFactory {
  return (ctx) => {
    let guess = "n1";
    const nextGuess = (after: string) =>
      plan.replicas[(plan.replicas.indexOf(after) + 1) % plan.replicas.length]!;

    const write = async () => {
      const value = plan.nextValue();
      const op = plan.recorder.invoke(ctx.id, "write", value);
      let mayHaveTakenEffect = false;
      for (let attempt = 1; attempt <= ATTEMPTS_PER_WRITE; attempt++) {
        const answer = await ask(ctx, guess, { type: "write", value });
        if (answer?.ok) return op.ok();
        if (answer === undefined) {
          mayHaveTakenEffect = true;
          guess = nextGuess(guess);
        } else {
          guess = answer.redirect ?? nextGuess(guess);
        }
        await ctx.sleep(RETRY_PAUSE_MS);
      }
      // A timeout is not a failure: the write may still have taken effect.
      if (mayHaveTakenEffect) op.info("timeout");
      else op.fail("no primary accepted it");
    };

    const finalRead = async (op: OperationHandle) => {
      if (plan.mode === "quorum") {
        // Ask every replica and merge what a majority returned.
        const seen = new Set<number>();
        let answers = 0;
        for (const r of plan.replicas) {
          const answer = await ask(ctx, r, { type: "read" });
          if (answer?.values === undefined) continue;
          answers++;
          for (const v of answer.values) seen.add(v);
        }
        if (answers * 2 > plan.replicas.length) return op.ok([...seen].sort((a, b) => a - b));
        return op.info("no majority answered");
      }
      for (let attempt = 1; attempt <= ATTEMPTS_PER_WRITE; attempt++) {
        const answer = await ask(ctx, guess, { type: "read" });
        if (answer?.values !== undefined) return op.ok([...answer.values].sort((a, b) => a - b));
        guess = answer?.redirect ?? nextGuess(guess);
      }
      op.info("no primary answered");
    };

    return {
      async onStart() {
        while (ctx.clock.monotonicMs() < plan.writesUntilMs) {
          await write();
          await ctx.sleep(ctx.random.uniform(0, THINK_MS_MAX));
        }
        if (plan.finalReadAtMs !== undefined) {
          await ctx.sleep(Math.max(0, plan.finalReadAtMs - ctx.clock.monotonicMs()));
          await finalRead(plan.recorder.invoke(ctx.id, "read"));
        }
      },
    };
  };
}

async function ask(ctx: NodeContext, to: string, body: unknown): Promise<Answer | undefined> {
  try {
    return await ctx.request<Answer>(to, body, { timeoutMs: REQUEST_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof TimeoutError) return undefined;
    throw error;
  }
}
