// murphy tests a real etcd, Jepsen-style: under partitions, pauses and kills of members, what the
// clients saw is linearizable (key by key); the deliberately broken client path — serializable
// reads, served from a member's own state — is found not linearizable under partitions. The
// figures are printed; no member, proxy port or data directory is left behind.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatEtcdTest, runEtcdTest, type EtcdTestResult } from "./etcdTest.js";
import { alive, listening } from "../../../test/leftovers.js";

async function expectNothingLeft(result: EtcdTestResult): Promise<void> {
  expect(result.started.etcdPids.filter(alive)).toEqual([]);
  expect(existsSync(result.started.etcdDir)).toBe(false);
  const open = await Promise.all(result.started.proxyPorts.map(listening));
  expect(open.filter(Boolean)).toEqual([]);
}

describe("murphy tests etcd", () => {
  it("shows that a healthy etcd stays linearizable under partitions, pauses and kills", async () => {
    const result = await runEtcdTest({ timeLimitSeconds: 20, seed: 5 });
    for (const line of formatEtcdTest(result)) console.log(line);
    expect(result.faults.length).toBeGreaterThan(0);
    expect(result.operations.ok).toBeGreaterThan(0);
    expect(result.verdict).toBe("linearizable");
    await expectNothingLeft(result);
  });

  it("shows that serializable reads (the broken client path) are found not linearizable under partitions", async () => {
    const result = await runEtcdTest({
      timeLimitSeconds: 20,
      seed: 13,
      nemeses: ["partition"],
      serializableReads: true,
    });
    for (const line of formatEtcdTest(result)) console.log(line);
    expect(result.faults.every((f) => f.kind === "partition")).toBe(true);
    expect(result.verdict).toBe("not linearizable");
    await expectNothingLeft(result);
  });
});
