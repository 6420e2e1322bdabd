// Shows the leader's flow control in a loaded five-server cluster: with one append in flight per
// follower, the entries proposed while a follower's append is unanswered reach it together, so the
// leader sends far fewer appends than entries × followers — and every server still applies every
// command, in one order. Shows too that only candidates and leaders tick: a follower under a live
// leader arms no timer but its election timer.
import { describe, expect, it } from "vitest";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { Simulation } from "../../world/Simulation.js";
import { RaftClient, type RaftOutcome } from "./RaftClient.js";
import type { AppendRequest } from "./RaftMessages.js";
import type { RaftObserver } from "./RaftObserver.js";
import { raftServer } from "./RaftServer.js";

const SERVERS = ["n1", "n2", "n3", "n4", "n5"];
const CLIENTS = 10;
const RUN_MS = 3_000;
/** Timers are counted from here on, when the first election is long over. */
const STEADY_FROM_MS = 1_000;

describe("the leader's replication", () => {
  it("batches what is proposed while a follower's append is unanswered, and followers do not tick", async () => {
    let appends = 0;
    let entriesSent = 0;
    const timersSet = new Map<string, number>();
    const applied = new Map<string, string[]>();
    const leaders = new Set<string>();
    const observer: RaftObserver = {
      onRole: (server, role) => {
        if (role === "leader") leaders.add(server);
      },
      onApply: (server, _index, entry) => {
        const c = entry.command;
        if (c.client === "") return;
        applied.set(server, [...(applied.get(server) ?? []), `${c.client}#${c.seq}`]);
      },
    };
    const inner = raftServer({ servers: SERVERS }, observer);
    // The same server, watched: what it sends and which timers it sets.
    const server: NodeFactory = (ctx) =>
      inner({
        ...ctx,
        send(to, body) {
          const m = body as AppendRequest;
          if (m.type === "append" && m.entries.length > 0) {
            appends++;
            entriesSent += m.entries.length;
          }
          ctx.send(to, body);
        },
        setTimer(delayMs, callback) {
          if (ctx.clock.monotonicMs() >= STEADY_FROM_MS) {
            timersSet.set(ctx.id, (timersSet.get(ctx.id) ?? 0) + 1);
          }
          return ctx.setTimer(delayMs, callback);
        },
      });
    const outcomes: RaftOutcome<unknown>[] = [];
    const client: NodeFactory = (ctx) => ({
      async onStart() {
        const raft = new RaftClient(ctx, { servers: SERVERS });
        for (let k = 0; ; k++) {
          await ctx.sleep(ctx.random.uniform(0, 20));
          outcomes.push(await raft.put(`k${k % 3}`, k));
        }
      },
    });
    const nodes: Record<string, NodeFactory> = Object.fromEntries(
      SERVERS.map((id) => [id, server]),
    );
    for (let i = 1; i <= CLIENTS; i++) nodes[`c${i}`] = client;
    const sim = new Simulation({
      seed: 3,
      nodes,
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } },
    });
    await sim.run({ untilMs: RUN_MS });

    expect(leaders.size).toBe(1);
    expect(outcomes.length).toBeGreaterThan(500);
    expect(outcomes.every((o) => o.status === "ok")).toBe(true);
    // Every follower received every entry, but in far fewer appends.
    const entries = applied.get([...leaders][0]!)!.length;
    expect(entriesSent).toBeGreaterThanOrEqual(entries * (SERVERS.length - 1));
    expect(appends).toBeLessThan(entriesSent * 0.7);
    // One order everywhere (a server may lag by the last few entries when the run stops).
    const leaderOrder = applied.get([...leaders][0]!)!;
    for (const id of SERVERS) {
      const order = applied.get(id) ?? [];
      expect(order.length).toBeGreaterThan(entries - 50);
      expect(order).toEqual(leaderOrder.slice(0, order.length));
    }
    // The leader ticks every 50 ms; a follower only re-arms its election timer (150–300 ms).
    const steadyMs = RUN_MS - STEADY_FROM_MS;
    for (const id of SERVERS) {
      const set = timersSet.get(id) ?? 0;
      if (leaders.has(id)) expect(set).toBeGreaterThanOrEqual(steadyMs / 50);
      else expect(set).toBeLessThanOrEqual(steadyMs / 150 + 1);
    }
  });
});
