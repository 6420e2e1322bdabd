// The naive primary/backup pair of the split-brain scenario (nodes n1 and n2). The primary applies
// a write, replicates it asynchronously and acknowledges it at once; the backup takes over when
// the primary's heartbeats have been silent for FAILOVER_MS. When a replica hears a heartbeat of a
// newer (or competing) primary it steps down and copies that primary's data, discarding whatever
// it acknowledged alone.

import { TimeoutError } from "../../core/errors.js";
import type { Message, NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import type { PrimaryWatch } from "./SplitBrainPrimaryWatch.js";
import { HEARTBEAT_MS, REQUEST_TIMEOUT_MS } from "./SplitBrainTiming.js";

/** The backup takes over after this much silence from the primary. */
const FAILOVER_MS = 300;

type NaiveBody = { type: string; epoch: number; value: number };

export function naiveReplica(watch: PrimaryWatch): NodeFactory {
  return (ctx) => {
    const replica = new NaiveReplica(ctx, watch);
    return { onStart: replica.tick, onMessage: (message) => replica.onMessage(message) };
  };
}

class NaiveReplica {
  private readonly other: string;
  private primary: boolean;
  private epoch = 0;
  private knownPrimary = "n1";
  private lastHeardMs: number;
  private values = new Set<number>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly watch: PrimaryWatch,
  ) {
    this.other = ctx.id === "n1" ? "n2" : "n1";
    this.primary = ctx.id === "n1";
    this.lastHeardMs = ctx.clock.monotonicMs();
    watch.set(ctx.id, this.primary);
  }

  readonly tick = (): void => {
    const ctx = this.ctx;
    if (this.primary) {
      ctx.send(this.other, { type: "heartbeat", epoch: this.epoch });
    } else if (ctx.clock.monotonicMs() - this.lastHeardMs > FAILOVER_MS) {
      // Fail over on timeout: the primary is silent, so it must be dead.
      this.primary = true;
      this.epoch++;
      this.knownPrimary = ctx.id;
      this.watch.set(ctx.id, true);
    }
    ctx.setTimer(HEARTBEAT_MS, this.tick);
  };

  async onMessage(message: Message): Promise<void> {
    const ctx = this.ctx;
    const body = message.body as NaiveBody;
    switch (body.type) {
      case "write":
        if (!this.primary) return ctx.reply(message, { redirect: this.knownPrimary });
        this.values.add(body.value);
        // Replicate asynchronously and acknowledge at once: fast, and available in a partition.
        ctx.send(this.other, { type: "replicate", value: body.value });
        return ctx.reply(message, { ok: true });
      case "read":
        if (!this.primary) return ctx.reply(message, { redirect: this.knownPrimary });
        return ctx.reply(message, { ok: true, values: [...this.values] });
      case "replicate":
        this.values.add(body.value);
        return;
      case "snapshot":
        return ctx.reply(message, { values: [...this.values] });
      case "heartbeat":
        return this.onHeartbeat(message.from, body.epoch);
    }
  }

  private async onHeartbeat(from: string, epoch: number): Promise<void> {
    if (epoch < this.epoch) return;
    this.lastHeardMs = this.ctx.clock.monotonicMs();
    this.knownPrimary = from;
    if (!this.primary && epoch <= this.epoch) return;
    // A newer primary exists: step down and copy its data, as a replica resync does.
    this.primary = false;
    this.epoch = epoch;
    this.watch.set(this.ctx.id, false);
    try {
      const snapshot = await this.ctx.request<{ values: number[] }>(
        from,
        { type: "snapshot" },
        { timeoutMs: REQUEST_TIMEOUT_MS },
      );
      this.values = new Set(snapshot.values);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
    }
  }
}
