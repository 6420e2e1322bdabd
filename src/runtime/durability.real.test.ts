// Shows durability on real processes and a real disk: a client streams adds to the durable-log
// server (which fsyncs each before it answers) while the server is SIGKILLed and restarted over
// and over — each cycle waits until the new incarnation has acknowledged a few adds, then kills
// it — and at the end a read holds every add that was ever acknowledged. The acceptance run is
// 100 cycles (MURPHY_ACCEPTANCE=1, or MURPHY_KILL_CYCLES=N; about 100 s here); the suite runs 15.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng, Seed } from "../core/Rng.js";
import type { NodeContext } from "../sim/NodeApi.js";
import { StableStorage } from "../storage/StableStorage.js";
import { loadWorld } from "../sweep/loadWorld.js";
import { RealCluster } from "./RealCluster.js";
import { RealNode } from "./RealNode.js";
import { alive } from "../../test/leftovers.js";

const WORLD = resolve(import.meta.dirname, "../../test/worlds/durableLog.ts");
const CYCLES = Number(
  process.env.MURPHY_KILL_CYCLES ?? (process.env.MURPHY_ACCEPTANCE === "1" ? 100 : 15),
);
const ACKS_PER_CYCLE = 3;

describe("durability under SIGKILL", () => {
  it(
    `loses no acknowledged add over ${CYCLES} kill-and-restart cycles`,
    { timeout: 60_000 + CYCLES * 5_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "murphy-durability-"));
      const world = await loadWorld(WORLD);
      const pids = new Set<number>();
      const acked: string[] = [];
      let attempted = 0;
      let stopped = false;
      let cluster: RealCluster | undefined;
      let client: RealNode | undefined;
      try {
        cluster = await RealCluster.start({
          world,
          location: WORLD,
          variant: "synced",
          seed: Seed.parse(1),
          dataDir,
          hmacKey: "random",
          supervisor: { spares: 2 },
        });
        const c = cluster;
        let ctx: NodeContext | undefined;
        client = new RealNode({
          id: "c1",
          peers: ["log", "c2"],
          addresses: c.network.addressBookOf("c1"),
          factory: (x) => {
            ctx = x;
            return {
              async onStart() {
                // The stream: one add after another; a timeout (the server is down) is not an ack.
                for (let k = 0; !stopped; k++) {
                  const value = `c1-${k}`;
                  attempted++;
                  try {
                    await x.request("log", { t: "add", value }, { timeoutMs: 250 });
                    acked.push(value);
                  } catch {
                    await x.sleep(10);
                  }
                }
              },
            };
          },
          storage: new StableStorage(),
          random: Rng.fromSeed(1),
          transport: { hmacKey: c.hmacKey! },
        });
        c.network.setTarget("c1", await client.listen());
        client.start();
        for (let cycle = 0; cycle < CYCLES; cycle++) {
          const before = acked.length;
          for (let i = 0; acked.length < before + ACKS_PER_CYCLE; i++) {
            if (i > 3_000) throw new Error(`cycle ${cycle}: no acks in 30 s`);
            await new Promise((r) => setTimeout(r, 10));
          }
          pids.add(c.supervisor.pidOf("log")!);
          await c.supervisor.kill("log");
          c.network.setTarget("log", undefined);
          c.network.setTarget("log", await c.supervisor.start("log"));
        }
        stopped = true;
        const all = await ctx!.request<string[]>("log", { t: "read" }, { timeoutMs: 5_000 });
        const present = new Set(all);
        const lost = acked.filter((v) => !present.has(v));
        expect({ cycles: CYCLES, lost }).toEqual({ cycles: CYCLES, lost: [] });
        expect(acked.length).toBeGreaterThanOrEqual(CYCLES * ACKS_PER_CYCLE);
        console.log(
          `durability: ${CYCLES} SIGKILL cycles, ${acked.length} adds acknowledged of ${attempted} attempted, ${lost.length} lost`,
        );
        for (const pid of cluster.supervisor.pids()) pids.add(pid);
      } finally {
        stopped = true;
        await client?.stop();
        await cluster?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
      expect([...pids].filter(alive)).toEqual([]);
    },
  );
});
