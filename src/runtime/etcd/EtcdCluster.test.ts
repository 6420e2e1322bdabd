// A real 3-member etcd on loopback: it serves reads and writes through any member, survives the
// crash and restart of one, and leaves no process, port or directory behind, also when the test
// body throws or a member cannot start; a missing binary says how to install it.
import { existsSync } from "node:fs";
import net from "node:net";
import { describe, expect, it } from "vitest";
import {
  EtcdCluster,
  EtcdNotInstalledError,
  EtcdStartError,
  withEtcdCluster,
} from "./EtcdCluster.js";
import { EtcdHttpClient } from "./EtcdHttpClient.js";

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function expectGone(left: Footprint): Promise<void> {
  expect(left.pids.filter(alive)).toEqual([]);
  const open = await Promise.all(left.ports.map(listening));
  expect(left.ports.filter((_, i) => open[i])).toEqual([]);
  expect(existsSync(left.dir)).toBe(false);
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
