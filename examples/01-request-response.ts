// 01 — A request with a timeout cannot tell what happened.
//
// A client asks a server to increment a counter and waits 100 ms. We run the same program five
// times: once on a healthy network, and once each with the request lost, the server crashed, the
// response lost, and the response delayed. The client sees the same thing in the last four — a
// timeout — while the server's counter says otherwise.
//
//   npm run build && node dist/examples/01-request-response.js

import { Simulation, TimeoutError, type FaultAction, type NodeFactory } from "../src/index.js";
import { runIfMain } from "./run.js";

function server(handled: string[]): NodeFactory {
  return (ctx) => {
    let counter = 0;
    return {
      onMessage(message) {
        counter++;
        handled.push(`counter = ${counter}`);
        ctx.reply(message, counter);
      },
    };
  };
}

function client(observed: string[]): NodeFactory {
  return (ctx) => ({
    async onStart() {
      try {
        const value = await ctx.request("server", "increment", { timeoutMs: 100 });
        observed.push(`ok (counter = ${String(value)})`);
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        observed.push(`timeout (definite: ${error.definite})`);
      }
    },
  });
}

const cases: Record<string, FaultAction[]> = {
  success: [],
  "request lost": [{ atMs: 0, kind: "cut", from: "client", to: "server" }],
  "server crashed": [{ atMs: 0, kind: "crash", node: "server" }],
  "response lost": [{ atMs: 0, kind: "cut", from: "server", to: "client" }],
  "response delayed": [{ atMs: 0, kind: "slow", factor: 100, from: "server", to: "client" }],
};

export async function main(): Promise<string[]> {
  const lines = [`${"case".padEnd(18)}${"client saw".padEnd(26)}server handled the request`];
  for (const [name, faults] of Object.entries(cases)) {
    const observed: string[] = [];
    const handled: string[] = [];
    const sim = new Simulation({
      seed: 1,
      nodes: { server: server(handled), client: client(observed) },
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } },
      faults,
    });
    await sim.run();
    const did = handled.length > 0 ? `yes (${handled.join(", ")})` : "no";
    lines.push(`${name.padEnd(18)}${observed[0]!.padEnd(26)}${did}`);
  }
  return lines;
}

runIfMain(import.meta.url, main);
