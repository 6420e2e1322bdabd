// raft-lock: the lock service of the Raft cluster, used as the chapter prescribes. Three workers
// take a lock (a lease with a fencing token), do a few writes to a storage node while their lease
// is valid, and release it — or crash, or are paused mid-write and wake up long after their
// lease ended. Storage is a FencedStore: it refuses a token lower than one it has accepted. The
// checks: storage never accepted an older token after a newer one nor one token from two
// writers (fencing); a grant asked for after another completed always carries a larger token
// (grant order); servers never applied different commands at one index; and the service answers
// again once the faults have healed. `unsafe` plants `token-reset` (a leader numbers grants from
// a counter it restarts at election); hidden variants sweep each fault mix and each planted bug.

import { checkFencing } from "../../check/checkFencing.js";
import { StaleFencingTokenError } from "../../primitives/errors.js";
import { FencedStore } from "../../primitives/FencedStore.js";
import { TimeoutError } from "../../core/errors.js";
import { RAFT_BUG_NAMES, type RaftBug } from "../../systems/raft/RaftBugs.js";
import { RaftClient } from "../../systems/raft/RaftClient.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { HistoryRecorder } from "../../workload/HistoryRecorder.js";
import type { History } from "../../workload/Operation.js";
import type { Value } from "../../workload/Value.js";
import { defineWorld } from "../defineWorld.js";
import { checkGrantOrder } from "./checkGrantOrder.js";
import {
  agreementFigures,
  livenessAfterHeal,
  raftCluster,
  raftWorldBase,
  record,
  SERVERS,
  type RaftWorldState,
} from "./raftWorldParts.js";

const WORKERS = ["w1", "w2", "w3"];
const STORE = "store";
const LOCK = "the-lock";
const TTL_MS = 300;
const WRITES_PER_GRANT = 3;
const SHOWCASE: RaftBug = "token-reset";
/** Every planted bug but `stale-read`: the lock world makes no reads for it to serve stale. */
export const RAFT_LOCK_BUGS: readonly RaftBug[] = RAFT_BUG_NAMES.filter((b) => b !== "stale-read");

interface WriteRequest {
  token: number;
  value: number;
}

type WriteReply = { accepted: true; position: number } | { accepted: false };

/** Storage that checks fencing tokens; answers each accepted write with its place in order. */
function fencedStore(): NodeFactory {
  return (ctx) => {
    const store = new FencedStore<number>();
    let position = 0;
    return {
      onMessage(m) {
        const { token, value } = m.body as WriteRequest;
        try {
          store.write(LOCK, value, token);
        } catch (error) {
          if (!(error instanceof StaleFencingTokenError)) throw error;
          return ctx.reply(m, { accepted: false } satisfies WriteReply);
        }
        ctx.reply(m, { accepted: true, position: ++position } satisfies WriteReply);
      },
    };
  };
}

function worker(history: HistoryRecorder, index: number): NodeFactory {
  return (ctx) => ({
    async onStart() {
      const client = new RaftClient(ctx, { servers: SERVERS });
      for (let k = 1; ; k++) {
        await ctx.sleep(ctx.random.uniform(20, 100));
        const op = history.invoke(ctx.id, "acquire", { name: LOCK });
        const outcome = await client.acquire(LOCK, TTL_MS);
        record(op, outcome, (r): Value =>
          "token" in r ? { token: r.token } : { heldBy: r.heldBy },
        );
        if (outcome.status !== "ok" || !("token" in outcome.result)) continue;
        const grant = outcome.result;
        for (let w = 0; w < WRITES_PER_GRANT && grant.lease.isValid(); w++) {
          // Prepare the write; a pause here is what fencing exists for.
          await ctx.sleep(ctx.random.uniform(5, 40));
          const value = index * 1_000_000 + k * 10 + w;
          const write = history.invoke(ctx.id, "write", { token: grant.token, value });
          try {
            const reply = await ctx.request<WriteReply>(
              STORE,
              { token: grant.token, value } satisfies WriteRequest,
              { timeoutMs: 200 },
            );
            if (reply.accepted) write.ok({ position: reply.position });
            else write.fail("stale fencing token");
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
            write.info("timeout");
          }
        }
        // Now and then a holder walks away without releasing: the lease must expire.
        if (ctx.random.chance(0.15)) continue;
        const release = history.invoke(ctx.id, "release", { token: grant.token });
        record(release, await client.release(grant), (released) => released);
      }
    },
  });
}

/** The writes storage accepted, in the order it accepted them, for the fencing checker. */
function acceptedWrites(history: History) {
  return history
    .filter((op) => op.f === "write" && op.status === "ok")
    .map((op) => ({
      position: (op.output as { position: number }).position,
      epoch: (op.input as { token: number }).token,
      atMicros: op.completeMicros!,
      writer: String(op.process),
    }))
    .sort((a, b) => a.position - b.position);
}

export const raftLock = defineWorld<RaftWorldState>({
  name: "raft-lock",
  title: "A lock service with fencing tokens on Raft, under every fault",
  claim:
    "A lock service replicated by Raft hands out leases whose fencing tokens (the log index of " +
    "the grant) increase with every grant, across leader changes and crashes; a store that " +
    "checks them refuses every holder whose lease has passed on, however long it was paused.",
  ...raftWorldBase(SHOWCASE, RAFT_LOCK_BUGS, { pausable: WORKERS, others: [...WORKERS, STORE] }),
  nodes(setup) {
    const nodes = raftCluster(SHOWCASE, setup);
    nodes[STORE] = fencedStore();
    WORKERS.forEach((id, i) => (nodes[id] = worker(setup.history, i + 1)));
    return nodes;
  },
  checks: {
    fencing: ({ history }) => checkFencing(acceptedWrites(history)),
    "grant-order": ({ history }) => checkGrantOrder(history),
    "replicas-agree": ({ state }) => state.agreement.check(),
    liveness: ({ history, faults, run }) =>
      livenessAfterHeal(
        history.filter((op) => op.f !== "write"),
        faults,
        run.endMicros,
      ),
  },
  figures: {
    grants: ({ history }) =>
      history.filter(
        (op) => op.f === "acquire" && op.status === "ok" && "token" in (op.output as object),
      ).length,
    "stale-refused": ({ history }) =>
      history.filter((op) => op.f === "write" && op.status === "fail").length,
    ...agreementFigures,
  },
  defaultSeeds: 100,
  // `murphy test`: the servers (and the lock world's store) run as processes, the clients here.
  real: { clients: WORKERS },
  keyFigures: ["grants", "stale-refused"],
});
