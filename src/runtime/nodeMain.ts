// The entry point of a node process: the supervisor forks it and sends `init`; it loads the world
// (a scenario name or a world file, exactly as the simulator's commands do), builds the world for
// the run's seed and variant, picks its own node's factory — the very NodeFactory the simulator
// runs — and hosts it on TCP with a file-backed disk and an injectable clock. It prints `ctx.log`
// lines on stdout and exits when told to stop, on SIGTERM, or when its supervisor goes away. An
// uncaught error in the node's code ends the process with code 70, as an unhandled exception ends
// a real server; the supervisor reports it. A spare (see ProcessSupervisor) is told `prepare`
// first: it loads and builds the world, then waits, holding no node, until `init` hands it one.

import { Seed, Rng } from "../core/Rng.js";
import { loadWorld } from "../sweep/loadWorld.js";
import { FileStorage } from "./FileStorage.js";
import { InjectableClock } from "./InjectableClock.js";
import { parseToNode, type FromNode, type NodeInit } from "./NodeProcessProtocol.js";
import { RealNode } from "./RealNode.js";
import type { NodeSpec } from "../world/SimulationConfig.js";

export const NODE_ERROR_EXIT_CODE = 70;

/**
 * The world, once loaded (a spare loads it before it has a node); the clock from `init` on, so
 * clock faults are never lost; how to stop once the node listens.
 */
const state: {
  world?: Promise<readonly NodeSpec[]>;
  clock?: InjectableClock;
  stop?: () => Promise<void>;
} = {};

/** Loads the world and builds it for the seed and variant, as the simulator would. */
async function build(ref: string, variant: string, seedText: string): Promise<readonly NodeSpec[]> {
  const world = await loadWorld(ref);
  if (world.real === undefined) throw new Error(`${ref} cannot run as real processes`);
  const seed = Seed.parse(seedText);
  return world.real.build({ seed, variant, nowMicros: () => 0 }).nodes;
}

async function run(init: NodeInit, clock: InjectableClock): Promise<void> {
  state.world ??= build(init.world, init.variant, init.seed);
  const seed = Seed.parse(init.seed);
  const spec = (await state.world).find((n) => n.id === init.id);
  if (spec === undefined) throw new Error(`${init.world} has no node ${init.id}`);
  const storage = FileStorage.open(init.dataDir);
  const node = new RealNode({
    id: init.id,
    peers: init.peers,
    addresses: init.addresses,
    factory: spec.factory,
    incarnation: init.incarnation,
    storage,
    random: Rng.fromSeed(seed).derive(`real/${init.id}/incarnation/${init.incarnation}`),
    clock,
    listen: { host: init.listenHost, port: init.listenPort },
    transport: {
      maxFrameBytes: init.maxFrameBytes,
      acceptUnknownPeers: init.acceptUnknownPeers,
      ...(init.hmacKeyHex === undefined ? {} : { hmacKey: Buffer.from(init.hmacKeyHex, "hex") }),
    },
    log: (text) => process.stdout.write(`${text}\n`),
    onError: (error) => {
      process.stderr.write(`node ${init.id} threw: ${describe(error)}\n`);
      process.exit(NODE_ERROR_EXIT_CODE);
    },
  });
  state.stop = async () => {
    await node.stop();
    storage.close();
    process.exit(0);
  };
  const address = await node.listen();
  process.send!({ type: "ready", address } satisfies FromNode);
  node.start();
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function stop(): void {
  if (state.stop === undefined) process.exit(0);
  else void state.stop();
}

if (process.send === undefined) {
  process.stderr.write("nodeMain runs under a murphy supervisor (murphy test, murphy cluster)\n");
  process.exit(2);
}
// The supervisor going away (its process died) leaves no one to stop this node: stop by itself.
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", stop);
// Ctrl-C in a terminal signals the whole process group; the supervisor decides when nodes stop.
process.on("SIGINT", () => undefined);
process.on("message", (raw) => {
  let message;
  try {
    message = parseToNode(raw);
  } catch (error) {
    process.stderr.write(`${describe(error)}\n`);
    process.exit(2);
  }
  if (message.type === "prepare") {
    state.world ??= build(message.world, message.variant, message.seed);
    state.world.then(
      () => process.send!({ type: "prepared" } satisfies FromNode),
      (error: unknown) => {
        process.stderr.write(`could not load ${message.world}: ${describe(error)}\n`);
        process.exit(2);
      },
    );
  } else if (message.type === "init") {
    if (state.clock !== undefined) return;
    const clock = new InjectableClock(message.clock);
    state.clock = clock;
    const id = message.id;
    run(message, clock).catch((error: unknown) => {
      process.stderr.write(`node ${id} failed to start: ${describe(error)}\n`);
      process.exit(2);
    });
  } else if (message.type === "clock-jump") state.clock?.jump(message.deltaMs);
  else if (message.type === "clock-drift") state.clock?.setDrift(message.driftPpm);
  else stop();
});
