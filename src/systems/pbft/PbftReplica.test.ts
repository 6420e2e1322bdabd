// Shows PBFT deciding with n = 4, f = 1: without faults, with a silent or equivocating primary
// (a view change follows), and with an equivocating backup that cannot split the correct replicas.

import { describe, expect, it } from "vitest";
import { Rng } from "../../core/Rng.js";
import type { ByzantineBehavior } from "../../faults/Byzantine.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeSpec } from "../../world/SimulationConfig.js";
import { Keyring } from "./Keyring.js";
import { pbftClient } from "./PbftClient.js";
import { pbftConfig } from "./PbftConfig.js";
import {
  type Commit,
  type PrePrepare,
  type Prepare,
  commitStatement,
  prepareStatement,
  prePrepareStatement,
} from "./PbftMessages.js";
import { pbftReplica } from "./PbftReplica.js";

const REPLICAS = ["r0", "r1", "r2", "r3"];
const CLIENTS = ["c0", "c1"];

interface Rewrite {
  id: string;
  behavior: (k: Keyring) => ByzantineBehavior;
}

/** `spy` rewrites a correct replica's output (to watch it, returning every message unchanged). */
async function runWorld(seed: number, traitor?: Rewrite, spy?: Rewrite) {
  const keyring = new Keyring([...REPLICAS, ...CLIENTS], Rng.fromSeed(seed).derive("keys"));
  const config = pbftConfig({ replicas: REPLICAS, f: 1, keyring });
  const executed = new Map<string, string[]>();
  const accepted: { client: string; op: string; result: number }[] = [];
  const views = new Map<string, number>();
  const nodes: NodeSpec[] = [
    ...REPLICAS.map((id) => ({
      id,
      factory: pbftReplica(config, {
        onExecute: (r, seq, req) => {
          const list = executed.get(r) ?? [];
          list[seq - 1] = req === null ? "null" : `${req.client}:${req.op}`;
          executed.set(r, list);
        },
        onNewView: (r, v) => void views.set(r, v),
      }),
      ...(traitor?.id === id ? { byzantine: traitor.behavior(keyring) } : {}),
      ...(spy?.id === id ? { byzantine: spy.behavior(keyring) } : {}),
    })),
    ...CLIENTS.map((id) => ({
      id,
      factory: pbftClient(config, {
        ops: [`${id}-a`, `${id}-b`, `${id}-c`],
        observer: {
          onAccept: (client: string, op: string, result: number) =>
            void accepted.push({ client, op, result }),
        },
      }),
    })),
  ];
  const sim = new Simulation({
    seed,
    nodes,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } },
  });
  await sim.run({ untilMs: 20_000 });
  const correct = REPLICAS.filter((r) => r !== traitor?.id);
  return { executed, accepted, views, correct };
}

/** Every pair of correct replicas executed the same request at every sequence number both reached. */
function agree(executed: Map<string, string[]>, correct: string[]): boolean {
  const logs = correct.map((r) => executed.get(r) ?? []);
  return logs.every((a) => logs.every((b) => a.every((x, i) => b[i] === undefined || b[i] === x)));
}

describe("PBFT with n = 4, f = 1", () => {
  it("decides every request in the same order at every replica without faults", async () => {
    const { executed, accepted, views, correct } = await runWorld(1);
    expect(accepted).toHaveLength(6);
    expect(views.size).toBe(0);
    expect(agree(executed, correct)).toBe(true);
    for (const r of REPLICAS) expect(executed.get(r)).toHaveLength(6);
    // The client's accepted result is the sequence number every replica executed it at.
    for (const a of accepted) expect(executed.get("r0")![a.result - 1]).toBe(`${a.client}:${a.op}`);
  });

  it("changes view when the primary is silent, and still decides", async () => {
    const { executed, accepted, views, correct } = await runWorld(2, {
      id: "r0",
      behavior: () => () => [],
    });
    expect(accepted).toHaveLength(6);
    expect(agree(executed, correct)).toBe(true);
    for (const r of correct) expect(views.get(r)).toBeGreaterThanOrEqual(1);
  });

  it("changes view when the primary equivocates (different requests at one sequence number)", async () => {
    const equivocate = (keyring: Keyring): ByzantineBehavior => {
      const macs = keyring.macs("r0");
      return (m) => {
        const body = m.body as PrePrepare;
        if (body.type !== "pre-prepare" || m.to === "r1") return [m];
        // r2 and r3 hear a null request at the sequence number r1 hears a real one for.
        const digest = "null";
        const auth = macs.authenticator(REPLICAS, prePrepareStatement({ ...body, digest }));
        return [{ to: m.to, body: { ...body, digest, request: null, auth } }];
      };
    };
    for (const seed of [3, 4, 5]) {
      const { executed, accepted, correct } = await runWorld(seed, {
        id: "r0",
        behavior: equivocate,
      });
      expect(accepted).toHaveLength(6);
      expect(agree(executed, correct)).toBe(true);
    }
  });

  it("cannot be split by a backup that sends each replica a different prepare", async () => {
    const equivocate = (keyring: Keyring): ByzantineBehavior => {
      const macs = keyring.macs("r3");
      return (m, { rng }) => {
        const body = m.body as Prepare | Commit;
        if (body.type !== "prepare" && body.type !== "commit") return [m];
        const digest = `forged-${m.to}-${rng.int(3)}`;
        const statement = (body.type === "prepare" ? prepareStatement : commitStatement)({
          ...body,
          digest,
        });
        return [
          { to: m.to, body: { ...body, digest, auth: macs.authenticator(REPLICAS, statement) } },
        ];
      };
    };
    for (const seed of [6, 7, 8]) {
      const { executed, accepted, correct } = await runWorld(seed, {
        id: "r3",
        behavior: equivocate,
      });
      expect(accepted).toHaveLength(6);
      expect(agree(executed, correct)).toBe(true);
      for (const r of correct) expect(executed.get(r)).toHaveLength(6);
    }
  });

  it("cannot count a backup's prepares in another replica's name (it lacks that pair's key)", async () => {
    // r3 relabels each of its prepares and commits as r1's and MACs them with its own keys. Every
    // correct replica rejects them, so r3 contributes nothing, and the three correct replicas still
    // decide everything (a quorum of 3 without r3).
    const impersonate = (keyring: Keyring): ByzantineBehavior => {
      const macs = keyring.macs("r3");
      return (m) => {
        const body = m.body as Prepare | Commit;
        if (body.type !== "prepare" && body.type !== "commit") return [m];
        const named = { ...body, replica: "r1" };
        const statement = (body.type === "prepare" ? prepareStatement : commitStatement)(named);
        return [{ to: m.to, body: { ...named, auth: macs.authenticator(REPLICAS, statement) } }];
      };
    };
    const { executed, accepted, correct } = await runWorld(9, { id: "r3", behavior: impersonate });
    expect(accepted).toHaveLength(6);
    expect(agree(executed, correct)).toBe(true);
  });

  it("carries requests committed under MACs across a view change (signed view-changes)", async () => {
    // The primary r0 behaves until it has proposed two requests, then falls silent: the backups
    // change view with what they prepared under MACs, and r1 must re-propose those two requests
    // at their sequence numbers before anything new.
    const crashAfterTwo = (): ByzantineBehavior => {
      let proposed = 0;
      return (m) => {
        const body = m.body as PrePrepare;
        if (proposed >= 2) return [];
        if (body.type === "pre-prepare" && m.to === "r3") proposed++;
        return [m];
      };
    };
    for (const seed of [10, 11]) {
      const { executed, accepted, views, correct } = await runWorld(seed, {
        id: "r0",
        behavior: crashAfterTwo,
      });
      expect(accepted).toHaveLength(6);
      expect(agree(executed, correct)).toBe(true);
      for (const r of correct) expect(views.get(r)).toBeGreaterThanOrEqual(1);
      for (const r of correct) expect(executed.get(r)).toHaveLength(6);
    }
  });

  it("lets a replica alone in its view change wait instead of asking for view after view", async () => {
    // The primary r0 keeps its pre-prepares from r3 only, so r3 never executes the requests it
    // holds while r0, r1 and r2 decide them all. r3's timer fires and it asks for view 1; nobody
    // joins, and it must not go on to views 2, 3, … (each a signed view-change) for the rest of
    // the run: its timer waits for a quorum of view-changes for view 1.
    const starveR3 = (): ByzantineBehavior => (m) =>
      (m.body as PrePrepare).type === "pre-prepare" && m.to === "r3" ? [] : [m];
    const askedFor = new Set<number>();
    const watchR3 = (): ByzantineBehavior => (m) => {
      const body = m.body as { type: string; view: number };
      if (body.type === "view-change") askedFor.add(body.view);
      return [m];
    };
    const { executed, accepted, views } = await runWorld(
      12,
      { id: "r0", behavior: starveR3 },
      { id: "r3", behavior: watchR3 },
    );
    expect(accepted).toHaveLength(6);
    for (const r of ["r1", "r2"]) expect(executed.get(r)).toHaveLength(6);
    expect(views.size).toBe(0);
    expect([...askedFor]).toEqual([1]);
  });
});
