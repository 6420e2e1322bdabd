// 02 — Retrying after a timeout, with and without an idempotency key.
//
// A timeout is indefinite: the increment may have been applied. Retrying it blindly applies it
// twice whenever the response, not the request, was lost. With a request id that the server
// remembers (DedupTable), a retry replays the first result instead. The client uses murphy's
// `retry` with full-jitter backoff; the simulator's node context is its clock, timers and
// randomness, so the same code would run unchanged in production.
//
//   npm run build && node dist/examples/02-idempotent-retry.js

import {
  createRequestId,
  DedupTable,
  fullJitterBackoff,
  retry,
  Simulation,
  type NodeFactory,
} from "../src/index.js";
import { runIfMain } from "./run.js";

const OPERATIONS = 50;

function server(applied: { count: number }, dedupe: boolean): NodeFactory {
  return (ctx) => {
    let counter = 0;
    const table = new DedupTable<string, number>({ clock: ctx.clock });
    const increment = () => {
      applied.count++;
      return ++counter;
    };
    return {
      onMessage(message) {
        const { requestId } = message.body as { requestId: string };
        ctx.reply(
          message,
          dedupe ? table.execute(requestId, "increment", increment).result : increment(),
        );
      },
    };
  };
}

const client: NodeFactory = (ctx) => ({
  async onStart() {
    for (let i = 0; i < OPERATIONS; i++) {
      const requestId = createRequestId(ctx.random); // one per logical operation
      await retry(() => ctx.request("server", { requestId }, { timeoutMs: 30 }), {
        clock: ctx.clock,
        timers: ctx,
        random: ctx.random,
        maxAttempts: 5,
        backoff: fullJitterBackoff({ baseMs: 10, capMs: 200 }),
        idempotent: true,
      }).catch(() => undefined); // gave up: the outcome stays unknown
    }
  },
});

export async function main(): Promise<string[]> {
  const lines: string[] = [];
  for (const dedupe of [false, true]) {
    let duplicated = 0;
    const seeds = 20;
    for (let seed = 0; seed < seeds; seed++) {
      const applied = { count: 0 };
      const sim = new Simulation({
        seed,
        nodes: { server: server(applied, dedupe), client },
        network: { latency: { kind: "lognormal", medianMs: 8, sigma: 0.8 }, lossProbability: 0.05 },
      });
      await sim.run();
      duplicated += Math.max(0, applied.count - OPERATIONS);
    }
    lines.push(
      `${dedupe ? "with a request id (DedupTable)" : "naive retry"}: ` +
        `${duplicated} increments applied twice over ${seeds} seeds x ${OPERATIONS} operations`,
    );
  }
  return lines;
}

runIfMain(import.meta.url, main);
