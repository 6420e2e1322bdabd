// `murphy real` refuses bad options before it starts anything, naming the option and the fix.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/errors.js";
import { Command } from "commander";
import { etcdTestCommand, fencingEtcdCommand } from "./real.js";
import { registerTestCommand } from "./test.js";

describe("murphy real", () => {
  it("refuses a non-positive round count or TTL for fencing-etcd", async () => {
    await expect(fencingEtcdCommand({ rounds: "0", ttl: "2", json: true })).rejects.toThrow(
      /`--rounds`/,
    );
    await expect(fencingEtcdCommand({ rounds: "1", ttl: "x", json: true })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it("refuses an unknown nemesis or a bad time limit for etcd-test", async () => {
    const base = { timeLimit: "5", nemesis: "partition", clients: "5", out: "unused", json: true };
    await expect(etcdTestCommand({ ...base, nemesis: "partition,flood" })).rejects.toThrow(
      /`--nemesis` must be one of partition, pause, kill.*got "flood"/,
    );
    await expect(etcdTestCommand({ ...base, timeLimit: "-1" })).rejects.toThrow(/`--time-limit`/);
    await expect(etcdTestCommand({ ...base, clients: "0" })).rejects.toThrow(/`--clients`/);
    // An output directory that cannot be made (under a file) fails before a minute of work.
    const dir = mkdtempSync(join(tmpdir(), "murphy-real-"));
    try {
      writeFileSync(join(dir, "a-file"), "");
      await expect(etcdTestCommand({ ...base, out: join(dir, "a-file", "out") })).rejects.toThrow(
        /--out.*ENOTDIR/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hands `murphy test etcd` to the etcd test, refusing what etcd has not: a world's variant, a schedule, a recheck", async () => {
    const run = (...args: string[]) => {
      const program = new Command().exitOverride();
      registerTestCommand(program);
      return program.parseAsync(["node", "murphy", "test", "etcd", ...args]);
    };
    await expect(run("--variant", "quorum")).rejects.toThrow(
      /`--variant` must be linearizable or serializable-reads for etcd/,
    );
    await expect(run("--schedule", "faults.json")).rejects.toThrow(/--model cas-kv/);
    await expect(run("--recheck", "runs/1")).rejects.toThrow(/`--recheck`/);
    await expect(run("--nemesis", "partition,clock")).rejects.toThrow(/got "clock"/);
  });
});
