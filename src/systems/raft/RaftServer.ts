// A Raft server (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", 2014)
// serving a replicated state machine: a linearizable key-value store and a lock service whose
// grants carry fencing tokens. Membership is fixed at start. Written in callback style against
// the node API only, so the same code runs in the simulator and in the real runtime.
//
// Two timers drive it. The election timer runs out at a randomised deadline that every message
// from a live leader (or a granted vote) pushes back; the server then starts an election. The
// tick, every heartbeat interval, makes a leader send its heartbeats and propose the expiry of
// leases, and makes a candidate ask again for the votes it lacks; a follower has no use for it,
// so it stops when its server is a follower and starts again when it stands for election. On recovery from a crash a server reads its term, vote and log back from its disk
// and starts as a follower; it relearns what is committed from the next leader.

import type { NodeFactory } from "../../sim/NodeApi.js";
import { raftConfig, type RaftConfig, type RaftConfigOptions } from "./RaftConfig.js";
import { onClientRequest, leaderTick } from "./RaftClientRequests.js";
import { onVoteReply, onVoteRequest, requestVotes, startElection } from "./RaftElection.js";
import { isClientRequest, isServerMessage } from "./RaftMessages.js";
import type { RaftObserver } from "./RaftObserver.js";
import { onAppend, onAppendReply, onSnapshot } from "./RaftReplication.js";
import {
  hasBug,
  newServerState,
  resetElectionDeadline,
  type ServerState,
} from "./RaftServerState.js";

/** A server of the cluster `options.servers`; validates the config once, here. */
export function raftServer(options: RaftConfigOptions, observer: RaftObserver = {}): NodeFactory {
  const config: RaftConfig = raftConfig(options);
  return (ctx) => {
    const s = newServerState(ctx, config, observer);
    return {
      onStart() {
        // The tick keeps one grid from the start, stopped or not: a new candidate's first
        // tick comes anywhere from 0 to one interval after it stands, as it would if followers
        // ticked too (asking again soon after standing matters when votes are lost).
        let ticking = false;
        const originMs = ctx.clock.monotonicMs();
        s.startTick = () => {
          if (ticking) return;
          ticking = true;
          const intervalMs = config.heartbeatMs;
          const sinceMs = ctx.clock.monotonicMs() - originMs;
          armTick(s, intervalMs - (sinceMs % intervalMs), () => (ticking = false));
        };
        resetElectionDeadline(s);
        armElectionTimer(s);
        if (hasBug(s, "ack-before-sync")) armLazySync(s);
      },
      onMessage(message) {
        const body = message.body;
        if (isClientRequest(body)) return onClientRequest(s, message, body);
        if (!isServerMessage(body) || !config.servers.includes(message.from)) return;
        switch (body.type) {
          case "vote":
            return onVoteRequest(s, message.from, body);
          case "vote-reply":
            return onVoteReply(s, message.from, body);
          case "append":
            return onAppend(s, message.from, body);
          case "append-reply":
            return onAppendReply(s, message.from, body);
          case "snapshot":
            return onSnapshot(s, message.from, body);
        }
      },
    };
  };
}

/** Fires at the election deadline; a deadline pushed back meanwhile just re-arms it. */
function armElectionTimer(s: ServerState): void {
  const delayMs = Math.max(0, s.electionDeadlineMs - s.ctx.clock.monotonicMs());
  s.ctx.setTimer(delayMs, () => {
    if (s.role !== "leader" && s.ctx.clock.monotonicMs() >= s.electionDeadlineMs) {
      startElection(s);
    } else if (s.role === "leader") {
      resetElectionDeadline(s);
    }
    armElectionTimer(s);
  });
}

/** Ticks every heartbeat interval while its server leads or stands for election. */
function armTick(s: ServerState, delayMs: number, stopped: () => void): void {
  s.ctx.setTimer(delayMs, () => {
    if (s.role === "follower") return stopped();
    if (s.role === "leader") leaderTick(s);
    else requestVotes(s);
    armTick(s, s.config.heartbeatMs, stopped);
  });
}

/** Under `ack-before-sync`: the log reaches the disk only here, every `lazySyncMs`. */
function armLazySync(s: ServerState): void {
  s.ctx.setTimer(s.config.lazySyncMs, () => {
    s.log.sync();
    armLazySync(s);
  });
}
