// Single-decree Paxos, one node that is proposer, acceptor and learner at once, as the
// system-models scenario runs it. Each node proposes its own value (`v-<id>`) unless a promise
// reports an accepted one. Acceptor and learner state live in the node's storage and survive
// crashes; the proposer keeps only its round counter there, so it never repeats a ballot.
//
// With `durable`, every state change is synced before any message depends on it. Without, writes
// reach the disk only when the operating system writes them back (every WRITEBACK_MS): a crash in
// that window makes an acceptor forget a promise or an accepted value.

import type { NodeContext, NodeFactory, NodeHandlers } from "../../sim/NodeApi.js";

const PHASE_TIMEOUT_MS = 30;
const BACKOFF_MS_MAX = 40;
/** How often the OS writes unsynced data back when the node does not sync itself. */
const WRITEBACK_MS = 100;
/** Each node waits a random time up to this before its first proposal. */
const START_JITTER_MS_MAX = 20;

type PaxosMessage =
  | { type: "prepare"; ballot: number }
  | { type: "promise"; ballot: number; accepted?: Accepted }
  | { type: "accept"; ballot: number; value: string }
  | { type: "accepted"; ballot: number }
  | { type: "nack"; promised: number }
  | { type: "decided"; value: string };

type PromiseMessage = PaxosMessage & { type: "promise" };

interface Accepted {
  ballot: number;
  value: string;
}

export interface PaxosDecision {
  node: string;
  incarnation: number;
  value: string;
  atMicros: number;
}

/** Where nodes report what they decide, and the virtual time to stamp it with. */
export interface PaxosWorld {
  decisions: PaxosDecision[];
  now: () => number;
}

/** A Paxos node among `nodes` (ballots are unique because each node owns one residue). */
export function paxosNode(
  world: PaxosWorld,
  nodes: readonly string[],
  durable: boolean,
): NodeFactory {
  return (ctx: NodeContext) => new PaxosNode(ctx, world, nodes, durable).handlers();
}

class PaxosNode {
  private readonly index: number;
  private readonly majority: number;
  // Acceptor and learner state, as recovered from disk.
  private promised: number;
  private accepted: Accepted | undefined;
  private decided: string | undefined;
  // Proposer state: volatile except the round counter, which must never repeat a ballot.
  private round: number;
  private ballot = 0;
  private phase: 0 | 1 | 2 = 0;
  private proposal = "";
  private promises = new Map<string, PromiseMessage>();
  private accepts = new Set<string>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly world: PaxosWorld,
    private readonly nodes: readonly string[],
    private readonly durable: boolean,
  ) {
    this.index = nodes.indexOf(ctx.id);
    this.majority = Math.floor(nodes.length / 2) + 1;
    const disk = ctx.storage;
    this.promised = disk.get<number>("promised") ?? 0;
    this.accepted = disk.get<Accepted>("accepted");
    this.decided = disk.get<string>("decided");
    this.round = disk.get<number>("round") ?? 0;
  }

  handlers(): NodeHandlers {
    return {
      onStart: () => {
        if (!this.durable) this.ctx.setTimer(WRITEBACK_MS, this.writeback);
        if (this.decided === undefined) {
          this.ctx.setTimer(this.ctx.random.uniform(0, START_JITTER_MS_MAX), this.propose);
        }
      },
      onMessage: (message) => {
        const m = message.body as PaxosMessage;
        this.onAcceptor(message.from, m);
        this.onProposer(message.from, m);
      },
    };
  }

  // Without syncs of its own, the node's writes still reach the disk eventually: the operating
  // system writes dirty pages back every so often. Only the window before that is at risk.
  private readonly writeback = (): void => {
    this.ctx.storage.sync();
    this.ctx.setTimer(WRITEBACK_MS, this.writeback);
  };

  private persist(key: string, value: unknown): void {
    this.ctx.storage.set(key, value);
    if (this.durable) this.ctx.storage.sync();
  }

  private send(to: string, body: PaxosMessage): void {
    this.ctx.send(to, body);
  }

  private broadcast(body: PaxosMessage): void {
    for (const to of this.nodes) this.ctx.send(to, body);
  }

  /** Phase 1 of a new, higher ballot; retried after a timeout until something is decided. */
  private readonly propose = (): void => {
    if (this.decided !== undefined) return;
    this.round = Math.max(this.round, Math.floor(this.promised / this.nodes.length)) + 1;
    this.persist("round", this.round);
    this.ballot = this.round * this.nodes.length + this.index;
    this.phase = 1;
    this.promises = new Map();
    this.accepts = new Set();
    this.broadcast({ type: "prepare", ballot: this.ballot });
    // No decision by the timeout (plus a random backoff, so duelling proposers drift apart):
    // start over with a higher ballot.
    const mine = this.ballot;
    this.ctx.setTimer(PHASE_TIMEOUT_MS + this.ctx.random.uniform(0, BACKOFF_MS_MAX), () => {
      if (this.decided === undefined && this.ballot === mine) this.propose();
    });
  };

  private decide(value: string): void {
    if (this.decided !== undefined) return;
    this.decided = value;
    this.persist("decided", value);
    this.world.decisions.push({
      node: this.ctx.id,
      incarnation: this.ctx.incarnation,
      value,
      atMicros: this.world.now(),
    });
    this.phase = 0;
  }

  private onAcceptor(from: string, m: PaxosMessage): void {
    if (this.decided !== undefined && (m.type === "prepare" || m.type === "accept")) {
      this.send(from, { type: "decided", value: this.decided });
      return;
    }
    if (m.type === "prepare") this.onPrepare(from, m.ballot);
    else if (m.type === "accept") this.onAccept(from, m.ballot, m.value);
  }

  private onPrepare(from: string, ballot: number): void {
    if (ballot <= this.promised) return this.send(from, { type: "nack", promised: this.promised });
    this.promised = ballot;
    this.persist("promised", this.promised);
    const accepted = this.accepted;
    this.send(from, { type: "promise", ballot, ...(accepted ? { accepted } : {}) });
  }

  private onAccept(from: string, ballot: number, value: string): void {
    if (ballot < this.promised) return this.send(from, { type: "nack", promised: this.promised });
    this.promised = ballot;
    this.accepted = { ballot, value };
    this.ctx.storage.set("promised", this.promised);
    this.persist("accepted", this.accepted);
    this.send(from, { type: "accepted", ballot });
  }

  private onProposer(from: string, m: PaxosMessage): void {
    if (m.type === "promise" && this.phase === 1 && m.ballot === this.ballot) {
      this.onPromise(from, m);
    } else if (m.type === "accepted" && this.phase === 2 && m.ballot === this.ballot) {
      this.onAccepted(from);
    } else if (m.type === "nack") {
      this.round = Math.max(this.round, Math.floor(m.promised / this.nodes.length));
    } else if (m.type === "decided") {
      this.decide(m.value);
    }
  }

  /** With a majority of promises, phase 2: the value accepted under the highest ballot, else ours. */
  private onPromise(from: string, m: PromiseMessage): void {
    this.promises.set(from, m);
    if (this.promises.size < this.majority) return;
    let best: Accepted | undefined;
    for (const p of this.promises.values()) {
      if (p.accepted && (best === undefined || p.accepted.ballot > best.ballot)) best = p.accepted;
    }
    this.proposal = best?.value ?? `v-${this.ctx.id}`;
    this.phase = 2;
    this.broadcast({ type: "accept", ballot: this.ballot, value: this.proposal });
  }

  private onAccepted(from: string): void {
    this.accepts.add(from);
    if (this.accepts.size < this.majority) return;
    this.decide(this.proposal);
    this.broadcast({ type: "decided", value: this.proposal });
  }
}
