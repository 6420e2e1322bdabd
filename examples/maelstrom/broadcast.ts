// A Maelstrom broadcast node written against murphy's node API: the same file is a Maelstrom
// binary (`murphy maelstrom node examples/maelstrom/broadcast.ts`) and a node of murphy's
// deterministic simulator (`murphy maelstrom test -w broadcast --node …`), where the same seed
// gives the same trace, byte for byte.
//
// Each node gossips to its neighbours from the `topology` message. Every 100 ms it sends each
// neighbour, with `ctx.request` (the adapter numbers it and matches the reply), the messages that
// neighbour has not acknowledged; a lost request or reply (a partition) is simply sent again on a
// later tick, and a neighbour that already has a message ignores it.

import type { Message, NodeFactory } from "murphy";

type Body =
  | { type: "topology"; topology: Record<string, string[]> }
  | { type: "broadcast"; message: number }
  | { type: "read" }
  | { type: "gossip"; messages: number[] };

const broadcast: NodeFactory = (ctx) => {
  const seen = new Set<number>();
  let neighbours: readonly string[] = ctx.peers;
  /** Per neighbour: messages it has not acknowledged, and whether a gossip to it is in flight. */
  const unacked = new Map<string, Set<number>>();
  const inFlight = new Set<string>();

  const add = (message: number, from: string | undefined) => {
    if (seen.has(message)) return;
    seen.add(message);
    for (const n of neighbours) {
      if (n === from) continue;
      if (!unacked.has(n)) unacked.set(n, new Set());
      unacked.get(n)!.add(message);
    }
  };

  const gossip = () => {
    for (const [n, messages] of unacked) {
      if (messages.size === 0 || inFlight.has(n)) continue;
      const batch = [...messages];
      inFlight.add(n);
      ctx
        .request(n, { type: "gossip", messages: batch }, { timeoutMs: 1000 })
        .then(() => batch.forEach((m) => messages.delete(m)))
        .catch(() => {}) // not acknowledged: sent again on a later tick
        .finally(() => inFlight.delete(n));
    }
    ctx.setTimer(100, gossip);
  };

  return {
    onStart() {
      ctx.setTimer(100, gossip);
    },
    onMessage(message: Message) {
      const body = message.body as Body;
      switch (body.type) {
        case "topology":
          neighbours = body.topology[ctx.id] ?? ctx.peers;
          return ctx.reply(message, { type: "topology_ok" });
        case "broadcast":
          add(body.message, undefined);
          return ctx.reply(message, { type: "broadcast_ok" });
        case "read":
          return ctx.reply(message, { type: "read_ok", messages: [...seen] });
        case "gossip":
          for (const m of body.messages) add(m, message.from);
          return ctx.reply(message, { type: "gossip_ok" });
      }
    },
  };
};

export default broadcast;
