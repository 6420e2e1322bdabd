// A nemesis for a real test, in Jepsen's sense: fault episodes at a steady rate over a run of real
// time, drawn from the seed like `randomFaultSchedule` (one stream per family, so turning a family
// on or off does not reshuffle the others) and written in the same fault JSON, so a schedule from
// `murphy test` replays in the simulator and the reverse. Families, each its own lane of episodes
// that do not overlap (partitions heal before the next one; one pause, one kill, one clock fault
// at a time, each on a random server), and the lanes run side by side:
//
// - `partition`: the servers split at random or into a majority and a minority (each client goes
//   with a random side), one server isolated, a one-way cut between two, or a ring; healed after
//   0.5–5 s;
// - `pause`: SIGSTOP a server for 0.1–3 s (a GC pause, a VM suspension);
// - `kill`: SIGKILL a server and restart it 0.2–3 s later (crash-recovery with its disk);
// - `clock`: step a server's wall clock by ±(50 ms – 30 s) and back 1–5 s later (a bad NTP step
//   and its correction), or make its oscillator drift by up to ±500 ppm for 1–5 s;
// - `loss`: lose 5–50% of the frames on every link for 0.5–5 s.
//
// Durations are log-uniform (as many short faults as long ones, per order of magnitude). Every
// episode has ended by `durationMs - quietTailMs`, so a run ends healed and its last seconds show
// whether the system recovered.

import { ConfigError } from "../core/errors.js";
import type { Rng } from "../core/Rng.js";
import { requireNonNegative, requirePositive } from "../core/validate.js";
import { validateFaultSchedule, type FaultAction } from "./FaultAction.js";

export const NEMESIS_FAMILIES = ["partition", "pause", "kill", "clock", "loss"] as const;
export type NemesisFamily = (typeof NEMESIS_FAMILIES)[number];

export interface NemesisOptions {
  /** Nodes that run as processes: targets of pauses, kills and clock faults. */
  servers: readonly string[];
  /** Every node (servers and clients); a partition puts each client on one side. Default: the servers. */
  nodes?: readonly string[];
  durationMs: number;
  families: readonly NemesisFamily[];
  /** Fault episodes started per minute, over all families together. */
  faultsPerMinute: number;
  /** No fault is active during the last `quietTailMs` (default: a fifth of the run). */
  quietTailMs?: number;
}

interface Episode {
  actions: FaultAction[];
  endMs: number;
}

type Draw = (rng: Rng, atMs: number, roomMs: number) => Episode;

/** Parses `partition,pause,kill,clock` (or `none`); names the bad entry and the known ones. */
export function parseNemesis(text: string, field = "--nemesis"): NemesisFamily[] {
  const trimmed = text.trim();
  if (trimmed === "none" || trimmed === "") return [];
  const names = trimmed.split(",").map((n) => n.trim());
  for (const name of names) {
    if (!(NEMESIS_FAMILIES as readonly string[]).includes(name)) {
      throw new ConfigError({
        field,
        value: name,
        expected: `one of ${NEMESIS_FAMILIES.join(", ")} (comma-separated), or none`,
        fix: "e.g. --nemesis partition,pause,kill,clock",
      });
    }
  }
  return [...new Set(names as NemesisFamily[])];
}

/** Draws a nemesis schedule; deterministic in the rng's seed and path. */
export function nemesisSchedule(rng: Rng, options: NemesisOptions): FaultAction[] {
  const o = validate(options);
  if (o.families.length === 0 || o.faultsPerMinute === 0) return [];
  const endMs = o.durationMs - o.quietTailMs;
  // Each family gets an equal share of the rate; gaps between its episodes are exponential.
  const meanGapMs = (60_000 * o.families.length) / o.faultsPerMinute;
  const actions: FaultAction[] = [];
  for (const family of o.families) {
    const lane = rng.derive(`nemesis/${family}`);
    const draw = DRAWS[family](o);
    let t = 0;
    for (;;) {
      t += Math.max(1, Math.round(lane.exponential(meanGapMs)));
      const roomMs = endMs - t;
      if (roomMs < 10) break;
      const episode = draw(lane, t, roomMs);
      actions.push(...episode.actions);
      t = episode.endMs;
    }
  }
  return validateFaultSchedule(actions, o.nodes);
}

/** Log-uniform in [lo, hi] ms, within the room left, rounded to whole ms. */
function spanMs(rng: Rng, lo: number, hi: number, roomMs: number): number {
  const top = Math.min(hi, roomMs);
  const low = Math.min(lo, top);
  return Math.max(1, Math.round(Math.exp(rng.uniform(Math.log(low), Math.log(top)))));
}

const DRAWS: Record<NemesisFamily, (o: Required<NemesisOptions>) => Draw> = {
  partition: (o) => (rng, atMs, roomMs) => {
    const d = spanMs(rng, 500, 5_000, roomMs);
    const clients = o.nodes.filter((n) => !o.servers.includes(n));
    const open = partitionAction(rng, o.servers, clients, atMs);
    return { actions: [open, { atMs: atMs + d, kind: "heal" }], endMs: atMs + d };
  },
  pause: (o) => (rng, atMs, roomMs) => {
    const durationMs = spanMs(rng, 100, 3_000, roomMs);
    const node = rng.pick(o.servers);
    return { actions: [{ atMs, kind: "pause", node, durationMs }], endMs: atMs + durationMs };
  },
  kill: (o) => (rng, atMs, roomMs) => {
    const recoverAfterMs = spanMs(rng, 200, 3_000, roomMs);
    const node = rng.pick(o.servers);
    return {
      actions: [{ atMs, kind: "crash", node, recoverAfterMs }],
      endMs: atMs + recoverAfterMs,
    };
  },
  clock: (o) => (rng, atMs, roomMs) => {
    const node = rng.pick(o.servers);
    const holdMs = spanMs(rng, 1_000, 5_000, roomMs);
    const back = atMs + holdMs;
    if (rng.chance(0.7)) {
      const magnitude = spanMs(rng, 50, 30_000, Infinity);
      const deltaMs = rng.chance(0.5) ? magnitude : -magnitude;
      return {
        actions: [
          { atMs, kind: "clock-jump", node, deltaMs },
          { atMs: back, kind: "clock-jump", node, deltaMs: -deltaMs },
        ],
        endMs: back,
      };
    }
    const driftPpm = Math.round(rng.uniform(-500, 500));
    return {
      actions: [
        { atMs, kind: "clock-drift", node, driftPpm },
        { atMs: back, kind: "clock-drift", node, driftPpm: 0 },
      ],
      endMs: back,
    };
  },
  loss: () => (rng, atMs, roomMs) => {
    const d = spanMs(rng, 500, 5_000, roomMs);
    const probability = Math.round(rng.uniform(0.05, 0.5) * 100) / 100;
    return {
      actions: [
        { atMs, kind: "loss", probability },
        { atMs: atMs + d, kind: "loss", probability: 0 },
      ],
      endMs: atMs + d,
    };
  },
};

/**
 * A partition of the servers; each client goes with a random side, as a client follows the server
 * it talks to (Jepsen's clients are bound to nodes). A client with the minority's servers is what
 * lets a deposed leader, or a primary that does not know it was replaced, answer someone.
 */
function partitionAction(
  rng: Rng,
  servers: readonly string[],
  clients: readonly string[],
  atMs: number,
): FaultAction {
  const shuffled = rng.shuffle([...servers]);
  const withClients = (groups: string[][]): string[][] => {
    for (const c of clients) groups[rng.int(groups.length)]!.push(c);
    return groups;
  };
  const forms = servers.length >= 3 ? ["split", "majority", "isolate", "cut", "ring"] : ["split"];
  switch (servers.length < 2 ? "isolate-client" : rng.pick(forms)) {
    case "isolate-client":
      // One server: only its clients can be cut off from it.
      return { atMs, kind: "isolate", node: rng.pick(clients) };
    case "majority": {
      const size = 1 + rng.int(Math.max(1, Math.floor((servers.length - 1) / 2)));
      const groups = withClients([shuffled.slice(0, size), shuffled.slice(size)]);
      return { atMs, kind: "partition", groups };
    }
    case "isolate":
      return { atMs, kind: "isolate", node: shuffled[0]! };
    case "cut":
      return { atMs, kind: "cut", from: shuffled[0]!, to: shuffled[1]! };
    case "ring":
      return { atMs, kind: "ring", order: shuffled };
    default: {
      const cut = 1 + rng.int(servers.length - 1);
      const groups = withClients([shuffled.slice(0, cut), shuffled.slice(cut)]);
      return { atMs, kind: "partition", groups };
    }
  }
}

function validate(options: NemesisOptions): Required<NemesisOptions> {
  const servers = options.servers;
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new ConfigError({
      field: "nemesis.servers",
      value: servers,
      expected: "at least one server",
      fix: "a real test needs a node that runs as a process",
    });
  }
  const durationMs = requirePositive("nemesis.durationMs", options.durationMs);
  const quietTailMs = requireNonNegative(
    "nemesis.quietTailMs",
    options.quietTailMs ?? durationMs / 5,
  );
  if (quietTailMs >= durationMs) {
    throw new ConfigError({
      field: "nemesis.quietTailMs",
      value: quietTailMs,
      expected: `less than the run (${durationMs} ms)`,
      fix: "leave time for faults",
    });
  }
  const families = options.families.map((f, i) => {
    if (!(NEMESIS_FAMILIES as readonly string[]).includes(f)) {
      throw new ConfigError({
        field: `nemesis.families[${i}]`,
        value: f,
        expected: `one of ${NEMESIS_FAMILIES.join(", ")}`,
        fix: "name a known family",
      });
    }
    return f;
  });
  const nodes = options.nodes ?? servers;
  if (families.includes("partition") && nodes.length < 2) {
    throw new ConfigError({
      field: "nemesis.families",
      value: families,
      expected: "no partition in a world of one node",
      fix: "leave partition out of --nemesis",
    });
  }
  const stranger = servers.find((s) => !nodes.includes(s));
  if (stranger !== undefined) {
    throw new ConfigError({
      field: "nemesis.servers",
      value: stranger,
      expected: "one of the nodes",
      fix: "list every server among nodes",
    });
  }
  return {
    servers,
    nodes,
    durationMs,
    families,
    faultsPerMinute: requireNonNegative("nemesis.faultsPerMinute", options.faultsPerMinute),
    quietTailMs,
  };
}
