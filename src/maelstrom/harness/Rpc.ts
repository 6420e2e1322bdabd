// Request and reply over a node context, the way Maelstrom's clients do it: a `msg_id` per request,
// the reply recognised by its `in_reply_to`, and a timer that gives up. Callbacks rather than
// promises, so the harness's own nodes run event by event in the simulator like any node.

import type { TimerId } from "../../core/Clock.js";
import type { Message, NodeContext } from "../../sim/NodeApi.js";
import { isObject, type MaelstromBody } from "../protocol/MaelstromMessage.js";

interface Waiting {
  readonly onReply: (reply: MaelstromBody, from: string) => void;
  readonly timer: TimerId;
}

export class Rpc {
  private nextMsgId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly ctx: NodeContext) {}

  /** Sends `body` with a fresh msg_id; exactly one of the callbacks runs, once. */
  call(
    dest: string,
    body: Record<string, unknown>,
    timeoutMs: number,
    onReply: (reply: MaelstromBody, from: string) => void,
    onTimeout: () => void,
  ): void {
    const msgId = this.nextMsgId++;
    const timer = this.ctx.setTimer(timeoutMs, () => {
      if (this.waiting.delete(msgId)) onTimeout();
    });
    this.waiting.set(msgId, { onReply, timer });
    this.ctx.send(dest, { ...body, msg_id: msgId });
  }

  /**
   * Hands a reply to its waiting callback: true if it was one. Like Maelstrom's clients, a reply is
   * matched by `in_reply_to` alone, so a node may have another node answer for it.
   */
  receive(message: Message): boolean {
    const body = message.body;
    if (!isObject(body) || typeof body.type !== "string") return false;
    const id = body.in_reply_to;
    if (typeof id !== "number") return false;
    const waiting = this.waiting.get(id);
    if (waiting === undefined) return true; // late: the request already timed out
    this.waiting.delete(id);
    this.ctx.clearTimer(waiting.timer);
    waiting.onReply(body as MaelstromBody, message.from);
    return true;
  }
}
