// The quorum trio of the split-brain scenario (n1, n2, n3). A primary acknowledges a write only
// after a majority (itself and one other) stored it; a replica that has not heard from a primary
// for ELECTION_MS plus jitter asks the others for promises in a higher term, and becomes primary
// with a majority, taking over the values they hold. Any two majorities share a replica, so an
// acknowledged write survives; a primary cut off in a minority acknowledges nothing.

import { TimeoutError } from "../../core/errors.js";
import type { Message, NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import type { PrimaryWatch } from "./SplitBrainPrimaryWatch.js";
import { HEARTBEAT_MS, REQUEST_TIMEOUT_MS } from "./SplitBrainTiming.js";

export const TRIO = ["n1", "n2", "n3"] as const;

/** A replica starts an election after this much silence, plus up to the jitter. */
const ELECTION_MS = 300;
const ELECTION_JITTER_MS = 200;

type QuorumBody = { type: string; term: number; value: number };

export function quorumReplica(watch: PrimaryWatch): NodeFactory {
  return (ctx) => {
    const replica = new QuorumReplica(ctx, watch);
    return { onStart: replica.tick, onMessage: (message) => replica.onMessage(message) };
  };
}

class QuorumReplica {
  private readonly others: string[];
  private term = 0;
  private primary: boolean;
  private leader: string | undefined = "n1";
  private lastHeardMs: number;
  private electionAfterMs: number;
  private readonly values = new Set<number>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly watch: PrimaryWatch,
  ) {
    this.others = TRIO.filter((id) => id !== ctx.id);
    this.primary = ctx.id === "n1";
    this.lastHeardMs = ctx.clock.monotonicMs();
    this.electionAfterMs = ELECTION_MS + ctx.random.uniform(0, ELECTION_JITTER_MS);
    watch.set(ctx.id, this.primary);
  }

  readonly tick = (): void => {
    if (this.primary) {
      for (const o of this.others) this.ctx.send(o, { type: "heartbeat", term: this.term });
    } else if (this.ctx.clock.monotonicMs() - this.lastHeardMs > this.electionAfterMs) {
      void this.elect();
    }
    this.ctx.setTimer(HEARTBEAT_MS, this.tick);
  };

  async onMessage(message: Message): Promise<void> {
    const ctx = this.ctx;
    const body = message.body as QuorumBody;
    switch (body.type) {
      case "write":
        return this.onWrite(message, body.value);
      case "read":
        return ctx.reply(message, { ok: true, values: [...this.values] });
      case "replicate":
        if (body.term < this.term) return ctx.reply(message, { ok: false });
        this.heardFromLeader(body.term, message.from);
        this.values.add(body.value);
        return ctx.reply(message, { ok: true });
      case "prepare":
        if (body.term <= this.term) return ctx.reply(message, { granted: false, values: [] });
        this.follow(body.term, undefined);
        return ctx.reply(message, { granted: true, values: [...this.values] });
      case "heartbeat":
        if (body.term < this.term) return;
        this.heardFromLeader(body.term, message.from);
        return;
    }
  }

  /** Acknowledges only once a majority (this replica and one other) stored the value. */
  private async onWrite(message: Message, value: number): Promise<void> {
    if (!this.primary) return this.ctx.reply(message, { redirect: this.leader ?? null });
    const myTerm = this.term;
    this.values.add(value);
    const acks = await this.askOthers<{ ok: boolean }>({ type: "replicate", term: myTerm, value });
    // Without a majority stay silent: the client cannot know whether it took effect.
    if (acks.some((a) => a.ok)) this.ctx.reply(message, { ok: true });
  }

  /** A message from the leader of `term` (not older than ours): follow it, and note it is alive. */
  private heardFromLeader(term: number, from: string): void {
    if (term > this.term || this.leader !== from) this.follow(term, from);
    this.lastHeardMs = this.ctx.clock.monotonicMs();
  }

  private follow(newTerm: number, newLeader: string | undefined): void {
    this.term = newTerm;
    this.leader = newLeader;
    this.lastHeardMs = this.ctx.clock.monotonicMs();
    if (this.primary) {
      this.primary = false;
      this.watch.set(this.ctx.id, false);
    }
  }

  /** Asks for promises in the next term; with a majority, takes over their values and leads. */
  private async elect(): Promise<void> {
    const myTerm = this.term + 1;
    this.follow(myTerm, undefined);
    this.electionAfterMs = ELECTION_MS + this.ctx.random.uniform(0, ELECTION_JITTER_MS);
    const answers = await this.askOthers<{ granted: boolean; values: number[] }>({
      type: "prepare",
      term: myTerm,
    });
    const grants = answers.filter((a) => a.granted);
    // A majority is this replica and one other; a newer term seen meanwhile cancels it.
    if (grants.length === 0 || this.term !== myTerm) return;
    for (const g of grants) for (const v of g.values) this.values.add(v);
    this.primary = true;
    this.leader = this.ctx.id;
    this.watch.set(this.ctx.id, true);
  }

  /** Asks both others; resolves with the answers that came back in time. */
  private async askOthers<R>(body: unknown): Promise<R[]> {
    const answers: R[] = [];
    await Promise.all(
      this.others.map(async (to) => {
        try {
          answers.push(await this.ctx.request<R>(to, body, { timeoutMs: REQUEST_TIMEOUT_MS }));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
        }
      }),
    );
    return answers;
  }
}
