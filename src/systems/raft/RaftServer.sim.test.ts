// Shows a three-server cluster in the simulator: it elects one leader per term, commits and
// applies the same commands in the same order on every server, applies each client command once
// although the network duplicates messages and clients retry, and carries on after its leader
// crashes — with nothing it acknowledged lost.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../world/Simulation.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { RaftClient, type RaftOutcome } from "./RaftClient.js";
import type { RaftObserver } from "./RaftObserver.js";
import { raftServer } from "./RaftServer.js";

const SERVERS = ["n1", "n2", "n3"];

function watch() {
  const leaders = new Map<number, Set<string>>();
  const applied = new Map<string, string[]>();
  const observer: RaftObserver = {
    onRole: (server, role, term) => {
      if (role === "leader") leaders.set(term, (leaders.get(term) ?? new Set()).add(server));
    },
    onApply: (server, _index, entry, result) => {
      const c = entry.command;
      if (c.client === "" || result === undefined) return;
      const list = applied.get(server) ?? [];
      list.push(`${c.client}#${c.seq}`);
      applied.set(server, list);
    },
  };
  return { leaders, applied, observer };
}

describe("raftServer", () => {
  it("keeps one leader per term, the same applied order everywhere, each command once, through a leader crash", async () => {
    const { leaders, applied, observer } = watch();
    const outcomes: RaftOutcome<unknown>[] = [];
    const client: NodeFactory = (ctx) => ({
      async onStart() {
        const raft = new RaftClient(ctx, { servers: SERVERS });
        for (let i = 0; i < 40; i++) {
          outcomes.push(await raft.put("x", i));
          await ctx.sleep(20);
        }
        outcomes.push(await raft.get("x"));
      },
    });
    const server = raftServer({ servers: SERVERS }, observer);
    const sim = new Simulation({
      seed: 7,
      nodes: { n1: server, n2: server, n3: server, c1: client },
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 }, duplicateProbability: 0.3 },
      // A server crashes mid-run and comes back a second later.
      faults: [{ atMs: 400, kind: "crash", node: "n1", recoverAfterMs: 1_000 }],
    });
    await sim.run({ untilMs: 5_000 });
    for (const [term, who] of leaders) expect(who.size, `term ${term}`).toBe(1);
    expect(leaders.size).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.status === "ok")).toBe(true);
    expect(outcomes.at(-1)).toEqual({ status: "ok", result: 39 });
    const orders = SERVERS.map((id) => applied.get(id) ?? []);
    // Every server applied the 41 commands once each, in one order (a recovered server re-applies
    // its log from the start, so its list is longer: compare its last incarnation's).
    const expected = [...Array.from({ length: 40 }, (_, i) => `c1.0#${i + 1}`), "c1.0#41"];
    for (const order of orders) expect(order.slice(-41)).toEqual(expected);
  });

  it("refuses a configuration that cannot elect a leader in time, naming the field and the fix", () => {
    expect(() => raftServer({ servers: SERVERS, heartbeatMs: 200 })).toThrow(
      /raft\.heartbeatMs.*below electionTimeoutMsMin/,
    );
    expect(() => raftServer({ servers: [] })).toThrow(/raft\.servers/);
    expect(() => raftServer({ servers: SERVERS, bugs: ["typo" as never] })).toThrow(
      /raft\.bugs\[0\].*one of forget-vote/,
    );
  });
});
