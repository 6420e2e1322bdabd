// A real 3-member etcd on loopback: it serves reads and writes through any member, survives the
// crash and restart of one, and leaves no process, port or directory behind, also when the test
// body throws or a member cannot start; a missing binary says how to install it.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  EtcdCluster,
  EtcdNotInstalledError,
  EtcdStartError,
  withEtcdCluster,
} from "./EtcdCluster.js";
import { EtcdHttpClient } from "./EtcdHttpClient.js";
import { listening } from "../../../test/leftovers.js";

interface Footprint {
  pids: number[];
  ports: number[];
  dir: string;
}

function footprint(cluster: EtcdCluster): Footprint {
  return {
    pids: cluster.members.map((m) => m.pid!),
    ports: cluster.members.flatMap((m) => [m.clientPort, m.peerPort]),
    dir: cluster.dir,
  };
}

/** A process with a thread that is not a zombie (a killed orphan waits for init to reap it). */
function alive(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some(
      (tid) => !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8")),
    );
  } catch {
    return false;
  }
}

async function leftBehind(left: Footprint): Promise<string[]> {
  const open = await Promise.all(left.ports.map(listening));
  return [
    ...left.pids.filter(alive).map((pid) => `process ${pid}`),
    ...left.ports.filter((_, i) => open[i]).map((port) => `port ${port}`),
    ...(existsSync(left.dir) ? [`directory ${left.dir}`] : []),
  ];
}

/**
 * Nothing is left. A process killed by a signal takes a moment to let go of its sockets (a Go
 * program's other threads outlive its main one), so this looks again a bounded number of times.
 */
async function expectGone(left: Footprint): Promise<void> {
  let remaining = await leftBehind(left);
  for (let attempt = 0; attempt < 50 && remaining.length > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    remaining = await leftBehind(left);
  }
  expect(remaining).toEqual([]);
}

describe("EtcdCluster", () => {
  it("shows that 3 members serve writes and linearizable reads through any member, survive a crash and restart, and leave nothing behind", async () => {
    let left: Footprint | undefined;
    await withEtcdCluster({}, async (cluster) => {
      left = footprint(cluster);
      expect(cluster.members).toHaveLength(3);
      expect(left.pids.every(alive)).toBe(true);
      const clients = cluster.members.map(
        (m) => new EtcdHttpClient({ endpoints: [m.clientUrl], requestTimeoutMs: 1_000 }),
      );
      try {
        await clients[0]!.write("x", "1");
        expect((await clients[2]!.read("x")).value).toBe("1");
        await cluster.kill(0);
        expect(alive(left.pids[0]!)).toBe(false);
        // A write sent while the old leader's death is not yet noticed may be dropped: retry it.
        await retryUntil(() => clients[1]!.write("x", "2"));
        expect(await clients[2]!.compareAndSet("x", "2", "3")).toBe(true);
        expect(await clients[2]!.compareAndSet("x", "2", "4")).toBe(false);
        cluster.restart(0);
        left.pids.push(cluster.members[0]!.pid!);
        // The restarted member catches up from its peers before it answers a linearizable read.
        const read = await retryUntil(() => clients[0]!.read("x"));
        expect(read.value).toBe("3");
        expect((await clients[1]!.read("missing")).value).toBeUndefined();
      } finally {
        for (const client of clients) client.close();
      }
    });
    await expectGone(left!);
  });

  it("shows that the cluster is stopped and removed when the test body throws", async () => {
    let left: Footprint | undefined;
    const failing = withEtcdCluster({ members: 1 }, async (cluster) => {
      left = footprint(cluster);
      cluster.pause(0); // even a paused member is ended
      throw new Error("the test failed");
    });
    await expect(failing).rejects.toThrow("the test failed");
    await expectGone(left!);
  });

  it("shows that a process killed by SIGTERM with a cluster running takes its members and data with it", async () => {
    const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const module = new URL("./EtcdCluster.ts", import.meta.url).href;
    const script =
      `const { EtcdCluster } = await import(${JSON.stringify(module)});` +
      "const c = await EtcdCluster.start({ members: 1 });" +
      "console.log(JSON.stringify({ pids: c.spawnedPids, ports: [c.members[0].clientPort, c.members[0].peerPort], dir: c.dir }));" +
      "setInterval(() => undefined, 1000);";
    const child = spawn(
      process.execPath,
      ["--import", loader, "--input-type=module", "-e", script],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", () => reject(new Error("the child exited before starting its cluster")));
      });
      const left = JSON.parse(line) as Footprint;
      expect(left.pids.every(alive)).toBe(true);
      const exited = new Promise((resolve) =>
        child.once("exit", (_code, signal) => resolve(signal)),
      );
      child.kill("SIGTERM");
      expect(await exited).toBe("SIGTERM");
      await expectGone(left);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("shows that a member that cannot start gives EtcdStartError with its log, and nothing is left", async () => {
    const error: unknown = await EtcdCluster.start({
      members: 1,
      heartbeatMs: 100,
      electionTimeoutMs: 200, // etcd wants at least 5 heartbeats
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdStartError);
    expect((error as EtcdStartError).message).toMatch(
      /m1 exited during start-up[\s\S]*election-timeout/,
    );
    expect(existsSync((error as EtcdStartError).dir)).toBe(false);
  });

  it("shows that a missing etcd binary is named with how to install it", async () => {
    const start = EtcdCluster.start({ binary: "/nonexistent/etcd" });
    await expect(start).rejects.toBeInstanceOf(EtcdNotInstalledError);
    await expect(start).rejects.toThrow(/apt-get install -y etcd-server.*ETCD_BIN/);
    await expect(EtcdCluster.start({ members: 0 })).rejects.toThrow(/`members`/);
  });
});

/** Retries a request that a member still catching up may refuse, a bounded number of times. */
async function retryUntil<T>(call: () => Promise<T>, attempts = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
