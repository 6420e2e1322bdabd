// Shows the process faults on a real node process: it answers once started; while SIGSTOPped its
// requests time out and after SIGCONT it answers again; SIGKILL and restart bring back the next
// incarnation with every synced value; a clock jump moves its wall clock and not its monotonic
// one, and survives the restart; a node that cannot start is a NodeStartError with its stderr;
// and after stopAll no process of the test is left.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TimeoutError } from "../core/errors.js";
import { Rng, Seed } from "../core/Rng.js";
import type { NodeContext } from "../sim/NodeApi.js";
import { StableStorage } from "../storage/StableStorage.js";
import { ProcessSupervisor, NodeStartError, type NodeExit } from "./ProcessSupervisor.js";
import { RealNode } from "./RealNode.js";
import { alive } from "../../test/leftovers.js";

const WORLD = resolve(import.meta.dirname, "../../test/worlds/durableLog.ts");
let dir: string;
let supervisor: ProcessSupervisor;
let client: RealNode;
let ctx: NodeContext;
const exits: NodeExit[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "murphy-supervisor-"));
  client = new RealNode({
    id: "c1",
    peers: ["log", "c2"],
    addresses: {},
    factory: (c) => {
      ctx = c;
      return {};
    },
    storage: new StableStorage(),
    random: Rng.fromSeed(1),
  });
  const clientAddress = await client.listen();
  client.start();
  supervisor = new ProcessSupervisor(
    [
      {
        id: "log",
        init: {
          world: WORLD,
          variant: "synced",
          seed: Seed.parse(1).toString(),
          id: "log",
          peers: ["c1", "c2"],
          addresses: { c1: clientAddress, c2: clientAddress },
          dataDir: join(dir, "log"),
          listenHost: "127.0.0.1",
          listenPort: 0,
          maxFrameBytes: 1 << 20,
          acceptUnknownPeers: false,
        },
      },
    ],
    { onExit: (exit) => exits.push(exit) },
  );
  client.setAddress("log", await supervisor.start("log"));
});

afterAll(async () => {
  const pids = supervisor.pids();
  await supervisor.stopAll();
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(pids.filter(alive)).toEqual([]);
});

const ask = <R>(body: unknown, timeoutMs = 2_000) => ctx.request<R>("log", body, { timeoutMs });

describe("ProcessSupervisor", () => {
  it("pauses with SIGSTOP (requests time out) and resumes with SIGCONT", async () => {
    expect(await ask({ t: "add", value: "a" })).toBe("ok");
    expect(supervisor.pause("log")).toBe(true);
    await expect(ask({ t: "read" }, 200)).rejects.toBeInstanceOf(TimeoutError);
    expect(supervisor.resume("log")).toBe(true);
    expect(await ask<string[]>({ t: "read" })).toEqual(["a"]);
  });

  it("kills with SIGKILL and restarts the next incarnation with the synced values", async () => {
    const pid = supervisor.pidOf("log")!;
    await supervisor.kill("log");
    expect(alive(pid)).toBe(false);
    expect(exits.at(-1)).toMatchObject({ node: "log", signal: "SIGKILL", expected: true });
    client.setAddress("log", await supervisor.start("log"));
    expect(await ask<{ incarnation: number }>({ t: "time" })).toMatchObject({ incarnation: 1 });
    expect(await ask<string[]>({ t: "read" })).toEqual(["a"]);
  });

  it("jumps the wall clock, not the monotonic one, and keeps the jump across a restart", async () => {
    type Time = { wallMs: number; monotonicMs: number };
    const before = await ask<Time>({ t: "time" });
    supervisor.clockJump("log", 3_600_000);
    let after = await ask<Time>({ t: "time" });
    for (let i = 0; i < 50 && after.wallMs - before.wallMs < 3_600_000; i++) {
      after = await ask<Time>({ t: "time" });
    }
    expect(after.wallMs - before.wallMs).toBeGreaterThanOrEqual(3_600_000);
    expect(after.monotonicMs - before.monotonicMs).toBeLessThan(60_000);
    client.setAddress("log", await supervisor.restart("log"));
    const restarted = await ask<Time>({ t: "time" });
    expect(restarted.wallMs - Date.now()).toBeGreaterThan(3_500_000);
  });

  it("reports a node that cannot start, with what it printed", async () => {
    const broken = new ProcessSupervisor([
      {
        id: "nobody",
        init: {
          world: WORLD,
          variant: "synced",
          seed: "0x1",
          id: "nobody",
          peers: [],
          addresses: {},
          dataDir: join(dir, "nobody"),
          listenHost: "127.0.0.1",
          listenPort: 0,
          maxFrameBytes: 1 << 20,
          acceptUnknownPeers: false,
        },
      },
    ]);
    try {
      const error = await broken.start("nobody").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeStartError);
      expect((error as NodeStartError).message).toMatch(/has no node nobody/);
    } finally {
      await broken.stopAll();
    }
  });
});
