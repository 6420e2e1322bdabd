// raft-kv: a key-value store replicated by three Raft servers, used by three clients that read and
// write a few keys with the client library (retries with idempotency keys, leader discovery). The
// history the clients saw must be linearizable (murphy's checker, with the key-value model); the
// servers must never apply different commands at one index; and once the faults have healed the
// cluster must answer every operation again. `unsafe` plants one bug (a leader serves reads from
// its own state without checking that it still leads); `safe` plants none. Hidden variants sweep
// each fault mix alone (`safe-<mix>`) and each planted bug (`bug-<name>`, or `--bug <name>`).

import { checkLinearizability } from "../../check/checkLinearizability.js";
import { kvModel } from "../../check/models/kvModel.js";
import type { RaftBug } from "../../systems/raft/RaftBugs.js";
import { RaftClient } from "../../systems/raft/RaftClient.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { HistoryRecorder } from "../../workload/HistoryRecorder.js";
import { defineWorld } from "../defineWorld.js";
import {
  agreementFigures,
  livenessAfterHeal,
  raftCluster,
  raftWorldBase,
  record,
  SERVERS,
  type RaftWorldState,
} from "./raftWorldParts.js";

const CLIENTS = ["c1", "c2", "c3"];
const KEYS = 3;
/** A client waits this long (uniform) between operations. */
const THINK_MS_MIN = 10;
const THINK_MS_MAX = 60;
/** The linearizability search's deterministic budget: beyond it the verdict is `unknown`. */
const MAX_STEPS = 5_000_000;

/** The bugs a key-value history (or the servers' applied logs) can show. */
export const RAFT_KV_BUGS: readonly RaftBug[] = [
  "forget-vote",
  "commit-old-term",
  "ack-before-sync",
  "no-step-down",
  "stale-read",
];
const SHOWCASE: RaftBug = "stale-read";

function kvClient(history: HistoryRecorder, index: number): NodeFactory {
  return (ctx) => ({
    async onStart() {
      const client = new RaftClient(ctx, { servers: SERVERS });
      for (let k = 1; ; k++) {
        await ctx.sleep(ctx.random.uniform(THINK_MS_MIN, THINK_MS_MAX));
        const key = `k${ctx.random.int(KEYS)}`;
        if (ctx.random.chance(0.5)) {
          const op = history.invoke(ctx.id, "get", { key });
          record(op, await client.get(key), (value) => value);
        } else {
          const value = index * 1_000_000 + k; // unique, so a lost write shows
          const op = history.invoke(ctx.id, "put", { key, value });
          record(op, await client.put(key, value), () => null);
        }
      }
    },
  });
}

export const raftKv = defineWorld<RaftWorldState>({
  name: "raft-kv",
  title: "A linearizable key-value store on Raft, under every fault",
  claim:
    "Raft — elections with the up-to-date restriction, log matching, commit only entries of the " +
    "current term, term, vote and log synced before answering — keeps a replicated key-value " +
    "store linearizable through partitions, crashes, pauses, clock faults, duplication and " +
    "reordering; each planted mistake breaks it, and murphy finds the seed.",
  ...raftWorldBase(SHOWCASE, RAFT_KV_BUGS, { others: CLIENTS }),
  nodes(setup) {
    const nodes = raftCluster(SHOWCASE, setup);
    CLIENTS.forEach((id, i) => (nodes[id] = kvClient(setup.history, i + 1)));
    return nodes;
  },
  checks: {
    linearizable: ({ history }) => checkLinearizability(history, kvModel, { maxSteps: MAX_STEPS }),
    "replicas-agree": ({ state }) => state.agreement.check(),
    liveness: ({ history, faults, run }) => livenessAfterHeal(history, faults, run.endMicros),
  },
  figures: {
    ...agreementFigures,
    // The figure keyFigures names: with figures of its own, a world gets no history figures.
    info: {
      value: ({ history }) => history.filter((op) => op.status === "info").length,
      description: "operations with unknown outcome (info)",
    },
  },
  defaultSeeds: 100,
  // `murphy test`: the servers (and the lock world's store) run as processes, the clients here.
  real: { clients: CLIENTS },
  keyFigures: ["leaderships", "info"],
});
