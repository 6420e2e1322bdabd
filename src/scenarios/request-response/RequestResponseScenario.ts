// The chapter's first picture: a client sends a request and waits. If no response comes, the
// request may have been lost, the server may have crashed, the response may have been lost, or it
// may merely be late — and from the client's side all four look the same: a timeout. Meanwhile the
// server's effect differs (none, none, applied, applied). A naive retry after a timeout therefore
// applies a non-idempotent increment twice in some runs; an idempotency key makes the retry safe.

import { TimeoutError } from "../../core/errors.js";
import { DedupTable } from "../../primitives/DedupTable.js";
import { createRequestId } from "../../primitives/requestId.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import type { NetworkConfig } from "../../net/Network.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

export const REQUEST_RESPONSE_CASES = [
  "success",
  "request-lost",
  "server-crashed",
  "response-lost",
  "response-delayed",
] as const;
export type RequestResponseCase = (typeof REQUEST_RESPONSE_CASES)[number];

const CASE_FAULTS: Record<RequestResponseCase, FaultAction[]> = {
  success: [],
  "request-lost": [{ atMs: 0, kind: "cut", from: "client", to: "server" }],
  "server-crashed": [{ atMs: 0, kind: "crash", node: "server" }],
  "response-lost": [{ atMs: 0, kind: "cut", from: "server", to: "client" }],
  "response-delayed": [{ atMs: 0, kind: "slow", factor: 200, from: "server", to: "client" }],
};

const CASE_TIMEOUT_MS = 100;
const LOGICAL_OPERATIONS = 10;
const RETRY_ATTEMPTS = 3;
const RETRY_TIMEOUT_MS = 80;
const RETRY_NETWORK: NetworkConfig = {
  latency: { kind: "lognormal", medianMs: 8, sigma: 1, maxMs: 2_000 },
  lossProbability: 0.05,
};

interface Increment {
  type: "increment";
  /** Present only when the client uses idempotency keys. */
  key?: string;
}

/** The server: a counter. With `dedupe`, a DedupTable replays the first result of a known key. */
function counterServer(
  stats: { applied: number; distinct: Set<string> },
  dedupe: boolean,
): NodeFactory {
  return (ctx) => {
    let counter = 0;
    const table = new DedupTable<{ op: string }, number>({ clock: ctx.clock });
    const apply = (op: string) => {
      counter++;
      stats.applied++;
      stats.distinct.add(op);
      return counter;
    };
    return {
      onMessage(message) {
        const body = message.body as Increment & { op: string };
        if (dedupe && body.key !== undefined) {
          ctx.reply(message, table.execute(body.key, { op: body.op }, () => apply(body.op)).result);
          return;
        }
        ctx.reply(message, apply(body.op));
      },
    };
  };
}

async function runCase(seed: RunSeedOptions, c: RequestResponseCase) {
  const stats = { applied: 0, distinct: new Set<string>() };
  let observed: "ok" | "timeout" = "timeout";
  const sim = new Simulation({
    seed: seed.seed,
    nodes: {
      server: counterServer(stats, false),
      client: (ctx) => ({
        async onStart() {
          try {
            await ctx.request(
              "server",
              { type: "increment", op: "op-0" },
              { timeoutMs: CASE_TIMEOUT_MS },
            );
            observed = "ok";
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
          }
        },
      }),
    },
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } },
    faults: CASE_FAULTS[c],
    ...(seed.trace?.(`case/${c}`) ? { trace: seed.trace(`case/${c}`)! } : {}),
  });
  const result = await sim.run();
  return { observed, effect: stats.applied, hash: result.traceHash, events: result.events };
}

async function runRetries(seed: RunSeedOptions, idempotent: boolean) {
  const stats = { applied: 0, distinct: new Set<string>() };
  let acknowledged = 0;
  let attempts = 0;
  const sim = new Simulation({
    seed: seed.seed,
    nodes: {
      server: counterServer(stats, idempotent),
      client: (ctx) => ({
        async onStart() {
          for (let op = 0; op < LOGICAL_OPERATIONS; op++) {
            const key = idempotent ? createRequestId(ctx.random) : undefined;
            for (let attempt = 1; attempt <= RETRY_ATTEMPTS; attempt++) {
              attempts++;
              try {
                await ctx.request(
                  "server",
                  { type: "increment", op: `op-${op}`, key },
                  { timeoutMs: RETRY_TIMEOUT_MS },
                );
                acknowledged++;
                break;
              } catch (error) {
                if (!(error instanceof TimeoutError)) throw error;
              }
            }
          }
        },
      }),
    },
    network: RETRY_NETWORK,
    ...(seed.trace?.("retry") ? { trace: seed.trace("retry")! } : {}),
  });
  const result = await sim.run();
  const duplicates = stats.applied - stats.distinct.size;
  return { duplicates, acknowledged, attempts, hash: result.traceHash, events: result.events };
}

export const requestResponse: Scenario = {
  name: "request-response",
  title: "Request/response: a timeout cannot tell what happened",
  claim:
    "If you send a request and don't get a response, it's not possible to distinguish whether the " +
    "request was lost, the remote node is down, or the response was lost. Retrying a " +
    "non-idempotent request may apply it twice.",
  variants: [
    {
      name: "unsafe",
      description: "naive retry of a non-idempotent increment",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "retry with an idempotency key; the server deduplicates",
      expectViolations: false,
    },
  ],
  properties: ["no-duplicate-effect"],
  figures: [
    ...REQUEST_RESPONSE_CASES.flatMap((c) => [
      {
        name: `${c}.client-timeout`,
        kind: "rate" as const,
        description: `${c}: client saw a timeout`,
      },
      {
        name: `${c}.server-applied`,
        kind: "mean" as const,
        description: `${c}: server applied the increment`,
      },
    ]),
    { name: "retry.duplicates", kind: "sum", description: "increments applied more than once" },
    { name: "retry.acknowledged", kind: "rate", description: "logical increments acknowledged" },
    {
      name: "retry.attempts-per-op",
      kind: "mean",
      description: "requests sent per logical increment",
    },
  ],
  tourSeeds: 1000,
  keyFigures: ["retry.duplicates", "retry.acknowledged"],
  async run(options): Promise<SeedOutcome> {
    const hashes: string[] = [];
    const figures: Record<string, number> = {};
    let events = 0;
    for (const c of REQUEST_RESPONSE_CASES) {
      const r = await runCase(options, c);
      figures[`${c}.client-timeout`] = r.observed === "timeout" ? 1 : 0;
      figures[`${c}.server-applied`] = r.effect;
      hashes.push(r.hash);
      events += r.events;
    }
    const retry = await runRetries(options, options.variant === "safe");
    hashes.push(retry.hash);
    events += retry.events;
    figures["retry.duplicates"] = retry.duplicates;
    figures["retry.acknowledged"] = retry.acknowledged / LOGICAL_OPERATIONS;
    figures["retry.attempts-per-op"] = retry.attempts / LOGICAL_OPERATIONS;
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: { "no-duplicate-effect": retry.duplicates > 0 ? "violated" : "held" },
      figures,
      traceHash: combineHashes(hashes),
      events,
    };
  },
  report(summaries) {
    const first = summaries[0];
    if (first === undefined) return [];
    const rate = (name: string) => {
      const f = first.figures[name];
      return f === undefined ? 0 : f.sum / f.count;
    };
    const lines = [
      `what the client observed and what the server did (${first.seeds} seeds):`,
      `  ${"case".padEnd(18)} ${"client observed".padEnd(24)} server applied the increment`,
    ];
    for (const c of REQUEST_RESPONSE_CASES) {
      const timeouts = rate(`${c}.client-timeout`);
      const observed =
        timeouts === 1
          ? "timeout (no response)"
          : timeouts === 0
            ? "ok"
            : `timeout in ${(timeouts * 100).toFixed(0)}%`;
      const applied = rate(`${c}.server-applied`);
      const did =
        applied === 1 ? "yes" : applied === 0 ? "no" : `${(applied * 100).toFixed(0)}% of seeds`;
      lines.push(`  ${c.padEnd(18)} ${observed.padEnd(24)} ${did}`);
    }
    lines.push(`  the last four look the same to the client; the server's effect differs.`);
    for (const s of summaries) {
      const d = s.figures["retry.duplicates"];
      const seedsWithDuplicates = s.properties["no-duplicate-effect"]?.violated ?? 0;
      lines.push(
        `retry (${s.variant}): ${d?.sum ?? 0} duplicate effects over ${s.seeds * LOGICAL_OPERATIONS} increments; ` +
          `seeds with a duplicate: ${seedsWithDuplicates}/${s.seeds}; acknowledged ${(((s.figures["retry.acknowledged"]?.sum ?? 0) / Math.max(1, s.figures["retry.acknowledged"]?.count ?? 1)) * 100).toFixed(1)}%`,
      );
    }
    return lines;
  },
};
