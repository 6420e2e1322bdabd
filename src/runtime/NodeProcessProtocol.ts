// The control channel between the supervisor and a node process (Node's IPC channel of a forked
// child): the supervisor may send `prepare` (load the world and wait: a spare) and sends `init`
// once, then clock faults and `stop`; the node answers `prepared`, and `ready` with the address it
// listens on. The shared key travels here, not on the command line, where
// every user of the machine could read it. Messages are checked on arrival like any input.

import { ConfigError } from "../core/errors.js";
import type { ClockState } from "./InjectableClock.js";
import type { Address } from "./RealTransport.js";

export interface NodeInit {
  type: "init";
  /** What `loadWorld` takes: a scenario name or a world file's absolute path. */
  world: string;
  variant: string;
  /** The run's seed, `0x…`: the world is built from it exactly as the simulator builds it. */
  seed: string;
  id: string;
  incarnation: number;
  /** `ctx.peers`: every other node of the world, in the world's order. */
  peers: string[];
  /** Where this node sends to each peer (fault proxies in `murphy test`). */
  addresses: Record<string, Address>;
  dataDir: string;
  clock: ClockState;
  listenHost: string;
  listenPort: number;
  maxFrameBytes: number;
  hmacKeyHex?: string;
  acceptUnknownPeers: boolean;
}

export type ToNode =
  /** Load and build the world now, then wait for `init` (a spare, for quick restarts). */
  | { type: "prepare"; world: string; variant: string; seed: string }
  | NodeInit
  | { type: "clock-jump"; deltaMs: number }
  | { type: "clock-drift"; driftPpm: number }
  | { type: "stop" };

export type FromNode = { type: "prepared" } | { type: "ready"; address: Address };

function bad(what: string, value: unknown): never {
  throw new ConfigError({
    field: "node control message",
    value,
    expected: what,
    fix: "the supervisor and the node process must be the same version of murphy",
  });
}

export function parseToNode(raw: unknown): ToNode {
  if (typeof raw !== "object" || raw === null) bad("an object", raw);
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case "prepare":
      for (const key of ["world", "variant", "seed"]) {
        if (typeof m[key] !== "string") bad(`prepare.${key} as a string`, m[key]);
      }
      return m as unknown as ToNode;
    case "init":
      for (const key of ["world", "variant", "seed", "id", "dataDir", "listenHost"]) {
        if (typeof m[key] !== "string") bad(`init.${key} as a string`, m[key]);
      }
      if (!Array.isArray(m.peers) || typeof m.addresses !== "object" || m.addresses === null) {
        bad("init.peers and init.addresses", raw);
      }
      return m as unknown as NodeInit;
    case "clock-jump":
      if (typeof m.deltaMs !== "number") bad("clock-jump.deltaMs as a number", m.deltaMs);
      return { type: "clock-jump", deltaMs: m.deltaMs };
    case "clock-drift":
      if (typeof m.driftPpm !== "number") bad("clock-drift.driftPpm as a number", m.driftPpm);
      return { type: "clock-drift", driftPpm: m.driftPpm };
    case "stop":
      return { type: "stop" };
    default:
      return bad("a message of type prepare, init, clock-jump, clock-drift or stop", m.type);
  }
}

export function parseFromNode(raw: unknown): FromNode | undefined {
  const m = raw as { type?: unknown; address?: { host?: unknown; port?: unknown } } | null;
  if (m?.type === "prepared") return { type: "prepared" };
  if (
    m?.type === "ready" &&
    typeof m.address?.host === "string" &&
    typeof m.address.port === "number"
  ) {
    return { type: "ready", address: { host: m.address.host, port: m.address.port } };
  }
  return undefined;
}
