// The paused client of the fencing story, as its own process so that it can be stopped with
// SIGSTOP: it takes the lock from etcd, writes once, checks its lease, and then — after the line
// "go" arrives on stdin — writes again with the same token, as a client would that decided to
// write just before a long GC pause. It reports each step as one JSON line on stdout.
//
// Run by fencingStory.ts; the configuration comes as one JSON argument.

import { createInterface } from "node:readline";
import { EtcdLease } from "../../primitives/etcd/EtcdLease.js";
import { EtcdLock } from "../../primitives/etcd/EtcdLock.js";
import { realRuntime } from "../realRuntime.js";
import { EtcdHttpClient } from "./EtcdHttpClient.js";
import { writeToStorage } from "./FencingStorageServer.js";

export interface FencingClientConfig {
  readonly endpoints: readonly string[];
  readonly storageUrl: string;
  readonly lockKey: string;
  readonly resource: string;
  readonly name: string;
  readonly ttlSeconds: number;
}

function say(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(event) + "\n");
}

async function main(config: FencingClientConfig): Promise<void> {
  const { clock, timers } = realRuntime();
  const etcd = new EtcdHttpClient({ endpoints: config.endpoints });
  const lease = await EtcdLease.grant({ api: etcd, clock, timers, ttlSeconds: config.ttlSeconds });
  const lock = await EtcdLock.acquire({
    api: etcd,
    lease,
    key: config.lockKey,
    holder: config.name,
    clock,
    timers,
  });
  say({ event: "acquired", token: lock.token });
  const write = (value: string) =>
    writeToStorage(config.storageUrl, {
      resource: config.resource,
      value,
      token: lock.token,
      writer: config.name,
    });
  say({ event: "wrote", accepted: await write(`${config.name}: first write`) });
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lock.check(); // the lease is valid: the client decides to write...
  say({ event: "checked" });
  await go; // ...and is paused right here (the parent sends SIGSTOP, then "go")
  const accepted = await write(`${config.name}: write after the pause`);
  say({ event: "wrote-after-pause", accepted });
  lines.close();
  await lease.close();
  etcd.close();
}

const arg = process.argv[2];
if (arg === undefined) {
  console.error("usage: fencingClientMain '<FencingClientConfig as JSON>'");
  process.exitCode = 2;
} else {
  main(JSON.parse(arg) as FencingClientConfig).catch((error: unknown) => {
    say({ event: "error", message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  });
}
