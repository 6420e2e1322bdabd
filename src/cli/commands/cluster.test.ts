// Shows `murphy cluster` as a user runs it (the built CLI): the example world's three replicas
// start as processes on loopback and answer a client of our own (started with startRealNode,
// unknown to them until its hello); with a shared key a client without it gets no answer and one
// with it does; SIGTERM stops every process and removes the temporary data directory.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TimeoutError } from "../../core/errors.js";
import { Rng } from "../../core/Rng.js";
import type { NodeContext } from "../../sim/NodeApi.js";
import { StableStorage } from "../../storage/StableStorage.js";
import { RealNode } from "../../runtime/RealNode.js";
import type { Address } from "../../runtime/RealTransport.js";
import { alive } from "../../../test/leftovers.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const CLI = join(ROOT, "dist/src/cli/main.js");
const WORLD = join(ROOT, "examples/worlds/primary-backup.ts");
const KEY = "0123456789abcdef0123456789abcdef";
let dir: string;
const owned: { stop(): unknown }[] = [];

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), "murphy-cluster-cli-"));
});
afterEach(async () => {
  for (const x of owned.splice(0).reverse()) await x.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  servers: { id: string; address: Address; pid: number }[];
  dataDir: string;
  exited: Promise<number | null>;
}

/** Starts `murphy cluster --json` and reads the line that lists its servers. */
function cluster(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [CLI, "cluster", WORLD, "--json", ...args], { cwd: dir });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  owned.push({ stop: () => (child.exitCode === null ? child.kill("SIGTERM") : undefined) });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no server list within 60 s: ${err}`)), 60_000);
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      const parsed = JSON.parse(line) as Omit<Started, "child" | "exited">;
      resolvePromise({ child, exited, ...parsed });
    });
    void exited.then((code) => reject(new Error(`cluster exited (${code}): ${err}`)));
  });
}

/** A client of our own, named `me`, that knows the servers' addresses. */
async function client(servers: Started["servers"], hmacKey?: string): Promise<NodeContext> {
  let ctx: NodeContext | undefined;
  const node = new RealNode({
    id: "me",
    peers: servers.map((s) => s.id),
    addresses: Object.fromEntries(servers.map((s) => [s.id, s.address])),
    factory: (c) => {
      ctx = c;
      return {};
    },
    storage: new StableStorage(),
    random: Rng.fromSeed(1),
    ...(hmacKey === undefined ? {} : { transport: { hmacKey } }),
  });
  owned.push(node);
  await node.listen();
  node.start();
  return ctx!;
}

describe("murphy cluster", () => {
  it("serves a client of our own and stops everything on SIGTERM", async () => {
    const started = await cluster(["--nodes", "3"]);
    expect(started.servers.map((s) => [s.id, s.address.host])).toEqual([
      ["n1", "127.0.0.1"],
      ["n2", "127.0.0.1"],
      ["n3", "127.0.0.1"],
    ]);
    const ctx = await client(started.servers);
    const stored = await ctx.request(
      "n2",
      { t: "set", stamp: [1, "me"], value: 42 },
      { timeoutMs: 5_000 },
    );
    expect(stored).toEqual({ stamp: [1, "me"], value: 42 });
    expect(await ctx.request("n2", { t: "get" }, { timeoutMs: 5_000 })).toEqual(stored);
    expect(existsSync(started.dataDir)).toBe(true);
    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
    expect(started.servers.map((s) => s.pid).filter(alive)).toEqual([]);
    expect(existsSync(started.dataDir)).toBe(false);
  });

  it("with a shared key, answers only a client that has it", async () => {
    const keyFile = join(dir, "key");
    writeFileSync(keyFile, KEY);
    const started = await cluster(["--hmac-key-file", keyFile]);
    const stranger = await client(started.servers);
    await expect(stranger.request("n1", { t: "get" }, { timeoutMs: 500 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    const member = await client(started.servers, KEY);
    expect(await member.request("n1", { t: "get" }, { timeoutMs: 5_000 })).toMatchObject({
      value: null,
    });
    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
  });

  it("refuses a node count the world does not have, and stops what it started", async () => {
    const child = spawn(process.execPath, [CLI, "cluster", WORLD, "--nodes", "5"], { cwd: dir });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise((r) => child.on("exit", r));
    expect([code, out]).toEqual([2, expect.stringMatching(/--nodes.*n1, n2, n3/s)]);
  });
});
