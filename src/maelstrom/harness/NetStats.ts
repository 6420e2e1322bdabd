// Message counts by who talks to whom, as Maelstrom's `:net` statistics: `servers` (node to node:
// what a protocol costs), `clients` (clients and the harness to nodes and back) and `services`
// (nodes to lin-kv & co. and back). Messages per operation divide by the client operations, so a
// broadcast that floods its neighbours shows up as many messages per operation.

import { isService } from "../services/services.js";

export type Traffic = "servers" | "clients" | "services";

export class NetStats {
  readonly sent: Record<Traffic, number> = { servers: 0, clients: 0, services: 0 };

  /** Counts one message as it is sent (whether or not the network delivers it). */
  count(from: string, to: string): void {
    this.sent[classify(from, to)]++;
  }

  get total(): number {
    return this.sent.servers + this.sent.clients + this.sent.services;
  }
}

/** Nodes are n0, n1, …; services have their names; everything else is a client or the harness. */
export function classify(from: string, to: string): Traffic {
  if (isService(from) || isService(to)) return "services";
  if (isNode(from) && isNode(to)) return "servers";
  return "clients";
}

export function isNode(id: string): boolean {
  return /^n\d+$/.test(id);
}
