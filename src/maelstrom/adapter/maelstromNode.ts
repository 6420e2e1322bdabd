// The adapter between murphy's node API and the Maelstrom protocol, used in both directions and
// in both worlds. `maelstromNode(factory)` is a NodeFactory that speaks Maelstrom on its outer
// context: it waits for `init`, answers `init_ok`, and only then builds the wrapped node with an
// inner context whose id and peers come from the init message. Inside, the node uses the ordinary
// API, and the adapter maps it onto the wire:
//
// - `ctx.send(to, body)`: a body that is already a Maelstrom body (an object with a string `type`)
//   goes out unchanged; any other value travels as `{"type":"murphy","value":…}` and arrives
//   unwrapped, so murphy nodes talk to each other as they do in the simulator.
// - `ctx.request(to, body, {timeoutMs})`: the adapter adds a `msg_id` and resolves with the reply
//   that carries it as `in_reply_to`; an `error` reply rejects with MaelstromRpcError (definite or
//   not by its code), silence with TimeoutError.
// - `ctx.reply(message, body)`: adds `in_reply_to` (the request's `msg_id`).
// - An incoming body with a `msg_id` is a request the node may reply to; replies the adapter is not
//   waiting for (a node that numbers its own messages) are passed to `onMessage` like any other.
//
// The outer context is the simulator's (then the whole exchange is deterministic and part of the
// trace) or a real process's stdin/stdout (`runStdioNode`). Same adapter, same bytes.

import { TimeoutError } from "../../core/errors.js";
import type { TimerId } from "../../core/Clock.js";
import type { Message, NodeContext, NodeFactory, NodeHandlers } from "../../sim/NodeApi.js";
import { errorBody, MaelstromRpcError } from "../protocol/MaelstromErrorCode.js";
import { isObject, type MaelstromBody } from "../protocol/MaelstromMessage.js";

/** The `type` of a body that carries a non-Maelstrom murphy message in its `value`. */
export const WRAPPED_TYPE = "murphy";

interface Pending {
  readonly to: string;
  readonly resolve: (body: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: TimerId;
}

/** A body as it goes on the wire: Maelstrom bodies unchanged, anything else wrapped. */
export function toWire(body: unknown): MaelstromBody {
  if (isObject(body) && typeof body.type === "string" && body.type !== WRAPPED_TYPE) {
    return body as MaelstromBody;
  }
  return { type: WRAPPED_TYPE, value: body };
}

/** A body as the node sees it: wrapped murphy messages unwrapped, Maelstrom bodies as they are. */
export function fromWire(body: MaelstromBody): unknown {
  return body.type === WRAPPED_TYPE ? body.value : body;
}

/** Wraps a murphy node so that it speaks the Maelstrom protocol (init, msg_id, in_reply_to). */
export function maelstromNode(factory: NodeFactory): NodeFactory {
  return (outer) => new Adapter(outer, factory).handlers();
}

/** Microtask ticks a settled request's continuations get before the event counts as handled. */
const CONTINUATION_TICKS = 32;

/**
 * A request's promise is a plain one that the adapter settles, so the simulator's kernel cannot
 * see who awaits it. Returning this from the handler that settled it tells the kernel that async
 * work is under way and holds the event open for a few ticks, so the node's `.then`/`await`
 * continuation runs at the virtual time of the reply (deterministically, as everything does). A
 * continuation that suspends longer goes on in a later event, still deterministically.
 */
async function continuations(): Promise<void> {
  for (let i = 0; i < CONTINUATION_TICKS; i++) await null;
}

class Adapter {
  private inner: NodeHandlers | undefined;
  private innerCtx: NodeContext | undefined;
  private nextMsgId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly outer: NodeContext,
    private readonly factory: NodeFactory,
  ) {}

  handlers(): NodeHandlers {
    return { onMessage: (message) => this.onMessage(message) };
  }

  private onMessage(message: Message): void | Promise<void> {
    const body = message.body;
    if (!isObject(body) || typeof body.type !== "string") {
      this.outer.log(`dropped a message from ${message.from} that is not a Maelstrom body`);
      return;
    }
    const wire = body as MaelstromBody;
    if (wire.type === "init") return this.init(message.from, wire);
    if (this.inner === undefined) {
      this.outer.log(`dropped ${wire.type} from ${message.from}: no init yet`);
      if (wire.msg_id !== undefined) {
        this.outer.send(message.from, errorBody(11, "not initialised yet", wire.msg_id));
      }
      return;
    }
    if (wire.in_reply_to !== undefined) {
      const waiting = this.pending.get(wire.in_reply_to);
      if (waiting !== undefined && waiting.to === message.from) {
        this.settle(wire.in_reply_to, waiting, message.from, wire);
        return continuations();
      }
    }
    const inner: Message =
      wire.msg_id === undefined
        ? { from: message.from, body: fromWire(wire) }
        : { from: message.from, body: fromWire(wire), requestId: wire.msg_id };
    return this.inner.onMessage?.(inner);
  }

  private init(from: string, body: MaelstromBody): void | Promise<void> {
    const nodeId = body.node_id;
    const nodeIds = body.node_ids;
    if (
      typeof nodeId !== "string" ||
      !Array.isArray(nodeIds) ||
      !nodeIds.every((id) => typeof id === "string") ||
      !nodeIds.includes(nodeId)
    ) {
      this.outer.log(`refused an init from ${from} without node_id among node_ids`);
      if (body.msg_id !== undefined) {
        this.outer.send(from, errorBody(12, "init needs node_id and node_ids", body.msg_id));
      }
      return;
    }
    const reply = {
      type: "init_ok",
      ...(body.msg_id === undefined ? {} : { in_reply_to: body.msg_id }),
    };
    // A duplicated init (the network may duplicate it) is answered again but starts nothing.
    if (this.inner !== undefined) {
      this.outer.send(from, reply);
      return;
    }
    this.innerCtx = this.context(
      nodeId,
      (nodeIds as string[]).filter((id) => id !== nodeId),
    );
    this.outer.send(from, reply);
    this.inner = this.factory(this.innerCtx) ?? {};
    return this.inner.onStart?.();
  }

  private settle(msgId: number, waiting: Pending, from: string, body: MaelstromBody): void {
    this.pending.delete(msgId);
    this.outer.clearTimer(waiting.timer);
    if (body.type === "error") {
      const code = typeof body.code === "number" ? body.code : 13;
      const text = typeof body.text === "string" ? body.text : "";
      waiting.reject(new MaelstromRpcError(code, text, from));
    } else {
      waiting.resolve(fromWire(body));
    }
  }

  private context(id: string, peers: readonly string[]): NodeContext {
    const outer = this.outer;
    return {
      id,
      peers,
      incarnation: outer.incarnation,
      send: (to, body) => outer.send(to, this.outgoing(body)),
      request: <R>(to: string, body: unknown, options: { timeoutMs: number }) =>
        this.request<R>(to, body, options.timeoutMs),
      reply: (to, body) => {
        if (to.requestId === undefined) {
          outer.log(`cannot reply to ${to.from}: its message had no msg_id`);
          return;
        }
        outer.send(to.from, { ...toWire(body), in_reply_to: to.requestId });
      },
      setTimer: (delayMs, callback) => outer.setTimer(delayMs, callback),
      clearTimer: (timer) => outer.clearTimer(timer),
      sleep: (delayMs, signal) => outer.sleep(delayMs, signal),
      clock: outer.clock,
      storage: outer.storage,
      random: outer.random,
      log: (...parts) => outer.log(...parts),
    };
  }

  /** A body the node sends itself; if it numbers its own messages, the adapter's ids stay above. */
  private outgoing(body: unknown): MaelstromBody {
    const wire = toWire(body);
    if (wire.msg_id !== undefined && wire.msg_id >= this.nextMsgId)
      this.nextMsgId = wire.msg_id + 1;
    return wire;
  }

  private request<R>(to: string, body: unknown, timeoutMs: number): Promise<R> {
    const msgId = this.nextMsgId++;
    return new Promise<R>((resolve, reject) => {
      const timer = this.outer.setTimer(timeoutMs, () => {
        if (!this.pending.delete(msgId)) return;
        reject(new TimeoutError(`request ${msgId} to ${to}`, timeoutMs));
        return continuations();
      });
      this.pending.set(msgId, {
        to,
        resolve: resolve as (body: unknown) => void,
        reject,
        timer,
      });
      this.outer.send(to, { ...toWire(body), msg_id: msgId });
    });
  }
}
