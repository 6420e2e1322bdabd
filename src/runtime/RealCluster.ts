// A world's servers as OS processes, wired through fault proxies: what `murphy cluster` starts and
// what `murphy test` runs its clients against. The world is built for the seed and variant as the
// simulator builds it; the clients (`real.clients`, or a list given by the caller) stay out, every
// other node gets a process of its own, its own data directory under `dataDir`, and an address
// book of proxies. The caller owns the cluster and must `stop()` it in a `finally`.

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import type { Seed } from "../core/Rng.js";
import type { RealWorld, RealWorldRun } from "../scenarios/RealWorld.js";
import type { Scenario } from "../scenarios/Scenario.js";
import type { NodeSpec } from "../world/SimulationConfig.js";
import { CryptoRandom } from "./CryptoRandom.js";
import { DEFAULT_MAX_FRAME_BYTES } from "./FrameCodec.js";
import { ProcessSupervisor, type SupervisorOptions } from "./ProcessSupervisor.js";
import { ProxyNetwork } from "./ProxyNetwork.js";
import type { Address } from "./RealTransport.js";

export interface RealClusterOptions {
  world: Scenario;
  /** What node processes load: a scenario name or the world file's absolute path. */
  location: string;
  variant: string;
  seed: Seed;
  /** The clients, if not the world's `real.clients`. */
  clients?: readonly string[] | undefined;
  /** Where each server keeps its disk (a directory per node). */
  dataDir: string;
  /** The clock the history is recorded on (clients are built with the servers). */
  nowMicros?: () => number;
  /** A shared key for frame MACs: bytes, `"random"` for a fresh key, or undefined for none. */
  hmacKey?: Buffer | "random" | undefined;
  maxFrameBytes?: number;
  /** Where servers listen (default 127.0.0.1). */
  listenHost?: string;
  /** Let nodes not in the world (outside clients) talk to the servers; `murphy cluster` does. */
  acceptUnknownPeers?: boolean;
  latencyMs?: number;
  jitterMs?: number;
  supervisor?: SupervisorOptions;
}

export interface StartedServer {
  id: string;
  address: Address;
  pid: number | undefined;
}

export class RealCluster {
  private constructor(
    readonly run: RealWorldRun,
    readonly nodeIds: readonly string[],
    readonly clients: readonly NodeSpec[],
    readonly servers: readonly NodeSpec[],
    readonly network: ProxyNetwork,
    readonly supervisor: ProcessSupervisor,
    readonly hmacKey: Buffer | undefined,
    readonly maxFrameBytes: number,
  ) {}

  /** Builds the world, starts the proxies and every server; resolves when all listen. */
  static async start(o: RealClusterOptions): Promise<RealCluster> {
    const real = requireReal(o.world);
    const run = real.build({
      seed: o.seed,
      variant: o.variant,
      nowMicros: o.nowMicros ?? (() => 0),
    });
    const nodeIds = run.nodes.map((n) => n.id);
    const clientIds = resolveClients(o.world, real, nodeIds, o.clients);
    const clients = run.nodes.filter((n) => clientIds.includes(n.id));
    const servers = run.nodes.filter((n) => !clientIds.includes(n.id));
    for (const s of servers) {
      if (s.byzantine !== undefined) {
        throw new ConfigError({
          field: `nodes.${s.id}.byzantine`,
          value: s.byzantine,
          expected: "no Byzantine node in a real run",
          fix: "Byzantine behaviour needs the simulator: murphy run",
        });
      }
    }
    const hmacKey = o.hmacKey === "random" ? randomBytes(32) : o.hmacKey;
    const maxFrameBytes = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const network = await ProxyNetwork.start({
      nodeIds,
      random: new CryptoRandom(),
      maxFrameBytes,
      ...(o.latencyMs === undefined ? {} : { latencyMs: o.latencyMs }),
      ...(o.jitterMs === undefined ? {} : { jitterMs: o.jitterMs }),
    });
    const supervisor = new ProcessSupervisor(
      servers.map((s) => ({
        id: s.id,
        init: {
          world: o.location,
          variant: o.variant,
          seed: o.seed.toString(),
          id: s.id,
          peers: nodeIds.filter((x) => x !== s.id),
          addresses: network.addressBookOf(s.id),
          dataDir: join(o.dataDir, s.id),
          listenHost: o.listenHost ?? "127.0.0.1",
          listenPort: 0,
          maxFrameBytes,
          acceptUnknownPeers: o.acceptUnknownPeers ?? false,
          ...(hmacKey === undefined ? {} : { hmacKeyHex: hmacKey.toString("hex") }),
        },
        clock: {
          offsetMs: s.clock?.initialOffsetMs ?? 0,
          driftPpm: s.clock?.driftPpm ?? 0,
        },
      })),
      o.supervisor,
    );
    const cluster = new RealCluster(
      run,
      nodeIds,
      clients,
      servers,
      network,
      supervisor,
      hmacKey,
      maxFrameBytes,
    );
    try {
      const addresses = await supervisor.startAll();
      for (const [id, address] of addresses) network.setTarget(id, address);
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** The servers as they are now: where each listens and its process id. */
  describe(): StartedServer[] {
    return this.servers.map((s) => ({
      id: s.id,
      address: this.supervisor.addressOf(s.id) ?? { host: "-", port: 0 },
      pid: this.supervisor.pidOf(s.id),
    }));
  }

  /** Stops every process and proxy; safe to call more than once. */
  async stop(): Promise<void> {
    try {
      await this.supervisor.stopAll();
    } finally {
      await this.network.close();
    }
  }
}

/** The world's real hooks, or a ConfigError saying why it cannot run for real. */
export function requireReal(world: Scenario): RealWorld {
  if (world.real === undefined) {
    throw new ConfigError({
      field: "world",
      value: world.name,
      expected: "a world defined with defineWorld",
      fix: "real runs need defineWorld's nodes and checks; this scenario runs in the simulator only",
    });
  }
  return world.real;
}

/** The clients: given, or the world's own; each must be a node, and one node must be left. */
export function resolveClients(
  world: Scenario,
  real: RealWorld,
  nodeIds: readonly string[],
  given: readonly string[] | undefined,
): string[] {
  const clients = given ?? real.clients;
  if (clients === undefined) {
    throw new ConfigError({
      field: `${world.name}.real.clients`,
      value: undefined,
      expected: "the list of nodes the harness runs as clients",
      fix: 'add real: { clients: ["c1", ...] } to the world, or pass --clients c1,c2',
    });
  }
  for (const c of clients) {
    if (!nodeIds.includes(c)) {
      throw new ConfigError({
        field: "clients",
        value: c,
        expected: "a node of the world",
        fix: `use some of ${nodeIds.join(", ")}`,
      });
    }
  }
  if (clients.length >= nodeIds.length) {
    throw new ConfigError({
      field: "clients",
      value: clients,
      expected: "fewer nodes than the world has (the rest are the servers)",
      fix: "leave at least one node to run as a process",
    });
  }
  return [...clients];
}
