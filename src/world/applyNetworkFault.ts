// The network's share of the fault vocabulary: partitions and cuts, links down and up, a slower
// network, loss and duplication. Returns false for faults that act on a node instead.

import type { FaultAction } from "../faults/FaultAction.js";
import type { Network } from "../net/Network.js";

export function applyNetworkFault(
  net: Network,
  a: FaultAction,
  idx: (id: string) => number,
): boolean {
  switch (a.kind) {
    case "partition":
      net.partition(a.groups.map((g) => g.map(idx)));
      return true;
    case "partition-majority":
      net.partition([a.minority.map(idx)]);
      return true;
    case "cut":
      net.cut(idx(a.from), idx(a.to));
      return true;
    case "isolate":
      net.isolate(idx(a.node));
      return true;
    case "ring":
      net.ring(a.order.map(idx));
      return true;
    case "heal":
      net.heal();
      return true;
    case "link-down":
      net.linkDown(idx(a.from), idx(a.to));
      return true;
    case "link-up":
      net.linkUp(idx(a.from), idx(a.to));
      return true;
    case "slow": {
      const link =
        a.from !== undefined && a.to !== undefined
          ? { from: idx(a.from), to: idx(a.to) }
          : undefined;
      net.slow(a.factor, link);
      return true;
    }
    case "loss":
      net.setLossProbability(a.probability);
      return true;
    case "duplicate":
      net.setDuplicateProbability(a.probability);
      return true;
    default:
      return false;
  }
}
