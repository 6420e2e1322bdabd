// Maelstrom's `--nemesis partition,pause,kill` as murphy fault data. Episodes follow each other
// every `--nemesis-interval` seconds on average: each picks one of the enabled kinds, starts it, and
// ends it before the next begins, so that the run alternates between faults and calm, and every
// fault has healed when the workload ends (the final reads then judge recovery, not the fault).
//
// Partitions cut the links between groups of nodes only. murphy's `partition` action would also
// cut clients and services off (they would form a group of their own), so a partition here is a
// set of one-way `cut`s between every pair of nodes on different sides, closed by one `heal`. The
// schedule is plain data: it is printed, written with `--faults-out` and replayed with `--faults`.
// Its times are milliseconds from the start of the workload (when every node has answered init),
// not from the start of the processes, so a slow start-up shifts the faults with the clients.

import type { Rng } from "../../core/Rng.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import type { NemesisKind } from "./MaelstromOptions.js";

export interface NemesisEpisode {
  readonly kind: NemesisKind;
  readonly startMs: number;
  readonly endMs: number;
  /** For people: "partition {n0 n3} | {n1 n2 n4}", "pause n2", "kill n1". */
  readonly description: string;
}

export interface NemesisSchedule {
  readonly actions: FaultAction[];
  readonly episodes: NemesisEpisode[];
}

export interface NemesisOptions {
  readonly kinds: readonly NemesisKind[];
  readonly nodes: readonly string[];
  /** Episodes start at or after this (the nodes have had time to initialise). */
  readonly fromMs: number;
  /** Every episode has ended by this time. */
  readonly untilMs: number;
  readonly intervalMs: number;
}

/** The shortest episode worth having: shorter ones are left out rather than squeezed in. */
const MIN_EPISODE_MS = 50;

export function nemesisSchedule(rng: Rng, options: NemesisOptions): NemesisSchedule {
  const kinds = options.kinds.filter((k) => k !== "partition" || options.nodes.length > 1);
  const actions: FaultAction[] = [];
  const episodes: NemesisEpisode[] = [];
  if (kinds.length === 0) return { actions, episodes };
  const interval = options.intervalMs;
  let t = options.fromMs + Math.round(interval * (0.25 + 0.5 * rng.float()));
  while (t < options.untilMs - MIN_EPISODE_MS) {
    const kind = rng.pick(kinds);
    const length = Math.round(interval * (0.5 + 0.5 * rng.float()));
    const end = Math.min(t + length, options.untilMs - 1);
    if (end - t < MIN_EPISODE_MS) break;
    episodes.push(episode(rng, kind, t, end, options.nodes, actions));
    t = end + Math.round(interval * (0.5 + rng.float()));
  }
  return { actions, episodes };
}

function episode(
  rng: Rng,
  kind: NemesisKind,
  startMs: number,
  endMs: number,
  nodes: readonly string[],
  actions: FaultAction[],
): NemesisEpisode {
  switch (kind) {
    case "partition": {
      const groups = partitionGroups(rng, nodes);
      actions.push(...cutsBetween(startMs, groups), { atMs: endMs, kind: "heal" });
      const description = `partition ${groups.map((g) => `{${g.join(" ")}}`).join(" | ")}`;
      return { kind, startMs, endMs, description };
    }
    case "pause": {
      const node = rng.pick(nodes);
      actions.push({ atMs: startMs, kind: "pause", node, durationMs: endMs - startMs });
      return { kind, startMs, endMs, description: `pause ${node}` };
    }
    case "kill": {
      const node = rng.pick(nodes);
      actions.push({ atMs: startMs, kind: "crash", node, recoverAfterMs: endMs - startMs });
      return {
        kind,
        startMs,
        endMs,
        description: `kill ${node}, restart after ${endMs - startMs} ms`,
      };
    }
  }
}

/** Random halves, one node alone, or a random majority and minority. */
function partitionGroups(rng: Rng, nodes: readonly string[]): string[][] {
  const shuffled = rng.shuffle([...nodes]);
  const shape = rng.float();
  const cut =
    shape < 0.25 ? 1 : shape < 0.75 ? Math.floor(nodes.length / 2) : 1 + rng.int(nodes.length - 1);
  const order = (group: string[]) => nodes.filter((n) => group.includes(n));
  return [order(shuffled.slice(0, cut)), order(shuffled.slice(cut))];
}

/** One-way cuts both ways between every pair of nodes in different groups. */
export function cutsBetween(atMs: number, groups: readonly (readonly string[])[]): FaultAction[] {
  const cuts: FaultAction[] = [];
  for (let g = 0; g < groups.length; g++) {
    for (let h = 0; h < groups.length; h++) {
      if (g === h) continue;
      for (const from of groups[g]!)
        for (const to of groups[h]!) cuts.push({ atMs, kind: "cut", from, to });
    }
  }
  return cuts;
}

/** When each node comes back from a crash in `actions`: the harness sends it `init` again. */
export function restartsOf(actions: readonly FaultAction[]): { node: string; atMs: number }[] {
  return actions.flatMap((a) => {
    if (a.kind === "crash" && a.recoverAfterMs !== undefined) {
      return [{ node: a.node, atMs: a.atMs + a.recoverAfterMs }];
    }
    return a.kind === "recover" ? [{ node: a.node, atMs: a.atMs }] : [];
  });
}
