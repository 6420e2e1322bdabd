// The messages of a world's trace as the report's arrows: one per delivery (a duplicated message
// has more than one), one per drop, one per message still in flight when the world stopped. Each
// send also names its cause: the delivery the sending node was handling at that instant, if any.
// The kernel runs one event at a time and drains its continuations before the next, so the sends a
// node makes at the instant of a delivery, before its next delivery, timer or start, are that
// delivery's doing. Following causes forward from a client's own sends gives the messages an
// operation caused.

import type { TraceEvent } from "../sim/Trace.js";
import { ARROW_KIND, type ArrowColumns } from "./ReportData.js";

/** A body is shown clipped to this many characters: hover text, not a dump. */
export const BODY_TEXT_MAX = 240;

interface Message {
  seq: number;
  from: number;
  to: number;
  sendMicros: number;
  id: number;
  body: number;
  duplicates: number;
  delivered: number;
  arrows: number;
  cause: Arrow | undefined;
}

interface Arrow {
  message: Message;
  endMicros: number;
  kind: number;
  drop: number;
  index: number;
}

export interface ArrowTable {
  arrows: ArrowColumns;
  bodies: string[];
  dropReasons: string[];
}

/** Builds the arrows; `lane` maps a node name to its lane (-1 for none). */
export function messageArrows(
  events: readonly TraceEvent[],
  lane: (name: string | undefined) => number,
  endMicros: number,
): ArrowTable {
  const bodies = new Interner();
  const reasons = new Interner();
  const messages = new Map<number, Message>();
  const all: Message[] = [];
  const arrows: Arrow[] = [];
  // What each node is handling now: the arrow delivered to it, at that instant.
  const handling = new Map<number, { tMicros: number; arrow: Arrow | undefined }>();
  const add = (message: Message, endMicros: number, kind: number, drop = -1): Arrow => {
    const arrow: Arrow = { message, endMicros, kind, drop, index: -1 };
    message.arrows++;
    arrows.push(arrow);
    return arrow;
  };
  for (const e of events) {
    const node = lane(e.node);
    switch (e.kind) {
      case "send": {
        const now = handling.get(node);
        const message: Message = {
          seq: all.length,
          from: node,
          to: lane(e.peer),
          sendMicros: e.tMicros,
          id: e.id ?? -1,
          body: e.body === undefined ? -1 : bodies.index(bodyText(e.body)),
          duplicates: 0,
          delivered: 0,
          arrows: 0,
          cause: now !== undefined && now.tMicros === e.tMicros ? now.arrow : undefined,
        };
        all.push(message);
        if (e.id !== undefined) messages.set(e.id, message);
        break;
      }
      case "duplicate": {
        const message = e.id === undefined ? undefined : messages.get(e.id);
        if (message !== undefined) message.duplicates++;
        break;
      }
      case "drop": {
        const message = e.id === undefined ? undefined : messages.get(e.id);
        if (message !== undefined) {
          add(message, e.tMicros, ARROW_KIND.drop, reasons.index(e.detail ?? "dropped"));
        }
        break;
      }
      case "deliver": {
        const message = e.id === undefined ? undefined : messages.get(e.id);
        if (message === undefined) break;
        const kind =
          message.delivered > 0 && message.duplicates > 0
            ? ARROW_KIND.duplicate
            : ARROW_KIND.deliver;
        message.delivered++;
        handling.set(node, { tMicros: e.tMicros, arrow: add(message, e.tMicros, kind) });
        break;
      }
      case "timer":
      case "start":
      case "recover":
        handling.set(node, { tMicros: e.tMicros, arrow: undefined });
        break;
      default:
        break;
    }
  }
  for (const message of all) {
    if (message.arrows === 0) add(message, Math.max(endMicros, message.sendMicros), 3);
  }
  return { arrows: columns(arrows), bodies: bodies.values, dropReasons: reasons.values };
}

/** Arrows in send order (ties in the order sent), as columns. */
function columns(arrows: Arrow[]): ArrowColumns {
  arrows.sort(
    (a, b) =>
      a.message.sendMicros - b.message.sendMicros ||
      a.message.seq - b.message.seq ||
      a.endMicros - b.endMicros,
  );
  arrows.forEach((arrow, i) => (arrow.index = i));
  const out: ArrowColumns = {
    from: [],
    to: [],
    sendDelta: [],
    span: [],
    kind: [],
    id: [],
    body: [],
    drop: [],
    causeBack: [],
  };
  let last = 0;
  for (const a of arrows) {
    const m = a.message;
    out.from.push(m.from);
    out.to.push(m.to);
    out.sendDelta.push(m.sendMicros - last);
    last = m.sendMicros;
    out.span.push(a.endMicros - m.sendMicros);
    out.kind.push(a.kind);
    out.id.push(m.id);
    out.body.push(m.body);
    out.drop.push(a.drop);
    out.causeBack.push(m.cause === undefined ? 0 : a.index - m.cause.index);
  }
  return out;
}

/** A body as the page shows it: JSON, clipped. */
export function bodyText(body: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(body) ?? String(body);
  } catch {
    text = "[unserialisable]";
  }
  return text.length > BODY_TEXT_MAX ? `${text.slice(0, BODY_TEXT_MAX - 1)}…` : text;
}

/** Strings to small numbers, in order of first use. */
class Interner {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  index(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}
