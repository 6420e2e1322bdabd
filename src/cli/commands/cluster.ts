// `murphy cluster <world>`: the world's servers as OS processes on this machine — the very node
// factories the simulator runs — listening on loopback, until Ctrl-C or SIGTERM stops them all.
// It prints each server's address (and, with --json, one JSON line a script can read). A client
// of your own joins with `startRealNode({ id, addresses, ... })` from the package: servers answer
// nodes they were not told about at the port their hello names. Servers talk to each other
// through proxies without faults (the same wiring as `murphy test`).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { frameKey } from "../../runtime/FrameCodec.js";
import { RealCluster, requireReal } from "../../runtime/RealCluster.js";
import type { NodeExit } from "../../runtime/ProcessSupervisor.js";
import type { Scenario } from "../../scenarios/Scenario.js";
import { loadWorld, worldLocation, worldRef } from "../../sweep/loadWorld.js";

interface ClusterOptions {
  variant?: string;
  nodes?: string;
  seed: string;
  clients?: string;
  dataDir?: string;
  host: string;
  hmacKeyFile?: string;
  json?: boolean;
}

export function registerClusterCommand(program: Command): void {
  program
    .command("cluster")
    .description("start a world's servers as OS processes on this machine until Ctrl-C")
    .argument("<world>", "a world file (./my-world.ts) or a scenario defined with defineWorld")
    .option(
      "--variant <name>",
      "the variant whose servers to start (default: the first that should hold)",
    )
    .option("--nodes <n>", "how many servers to expect (the world fixes them; this checks it)")
    .option("--seed <seed>", "the seed the world is built from", "0")
    .option("--clients <ids>", "nodes not to start (default: the world's real.clients)")
    .option(
      "--data-dir <dir>",
      "keep the servers' disks here (default: a temporary directory, removed)",
    )
    .option("--host <address>", "where servers listen", "127.0.0.1")
    .option(
      "--hmac-key-file <file>",
      "a shared key (16 bytes or more): every frame must carry its MAC",
    )
    .option("--json", "print the servers as one JSON line")
    .action(async (name: string, options: ClusterOptions) => {
      process.exitCode = await clusterCommand(name, options);
    });
}

export async function clusterCommand(name: string, options: ClusterOptions): Promise<number> {
  const world = await loadWorld(name);
  requireReal(world);
  const variant = chooseVariant(world, options.variant);
  const seed = Seed.parse(options.seed);
  const hmacKey = options.hmacKeyFile === undefined ? undefined : readKey(options.hmacKeyFile);
  const ownDataDir = options.dataDir === undefined;
  const dataDir =
    options.dataDir === undefined
      ? mkdtempSync(join(tmpdir(), "murphy-cluster-"))
      : resolve(options.dataDir);
  const exits: NodeExit[] = [];
  let cluster: RealCluster | undefined;
  try {
    cluster = await RealCluster.start({
      world,
      location: worldLocation(world),
      variant,
      seed,
      clients: options.clients
        ?.split(",")
        .map((c) => c.trim())
        .filter((c) => c !== ""),
      dataDir,
      hmacKey,
      listenHost: options.host,
      acceptUnknownPeers: true,
      supervisor: {
        onOutput: (node, stream, line) => {
          if (!options.json)
            console.log(pc.dim(`${node}| `) + (stream === "stderr" ? pc.red(line) : line));
        },
        onExit: (exit) => {
          if (exit.expected) return;
          exits.push(exit);
          console.error(
            pc.red(`${exit.node} exited by itself (code ${exit.code}, signal ${exit.signal})`),
          );
        },
      },
    });
    const servers = cluster.describe();
    if (options.nodes !== undefined && Number(options.nodes) !== servers.length) {
      throw new ConfigError({
        field: "--nodes",
        value: options.nodes,
        expected: `${servers.length}, the servers ${worldRef(world)} defines (${servers.map((s) => s.id).join(", ")})`,
        fix: "leave out --nodes, or give a world whose nodes() makes that many servers",
      });
    }
    if (options.json) {
      console.log(
        JSON.stringify({
          world: world.name,
          variant,
          seed: seed.toString(),
          dataDir,
          servers,
          pid: process.pid,
        }),
      );
    } else {
      console.log(
        pc.bold(`murphy cluster ${worldRef(world)}`) + ` — ${world.title}; variant ${variant}`,
      );
      for (const s of servers)
        console.log(`  ${s.id.padEnd(8)} ${s.address.host}:${s.address.port}  pid ${s.pid}`);
      console.log(
        pc.dim(`data in ${dataDir}${ownDataDir ? " (removed on exit)" : ""}; Ctrl-C to stop`),
      );
    }
    await untilSignalled();
    if (!options.json) console.log(pc.dim("stopping…"));
    return exits.length > 0 ? 2 : 0;
  } finally {
    await cluster?.stop();
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

function chooseVariant(world: Scenario, given: string | undefined): string {
  if (given !== undefined) {
    if (!world.variants.some((v) => v.name === given)) {
      throw new ConfigError({
        field: "--variant",
        value: given,
        expected: `a variant of ${world.name}`,
        fix: `use one of ${world.variants.map((v) => v.name).join(", ")}`,
      });
    }
    return given;
  }
  return (world.variants.find((v) => !v.expectViolations) ?? world.variants[0]!).name;
}

function readKey(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new ConfigError({
      field: "--hmac-key-file",
      value: file,
      expected: "a readable file holding the key",
      fix: `check the path (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
    });
  }
  // The file's text is the key, as is (trimmed): `openssl rand -hex 32 > key` makes a good one,
  // and a client passes the same text as its hmacKey.
  const key = Buffer.from(text, "utf8");
  return frameKey(key, "--hmac-key-file")!;
}
