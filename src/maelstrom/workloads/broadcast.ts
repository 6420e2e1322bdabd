// Broadcast: clients `broadcast` unique integers to any node and `read` the messages a node has.
// After the `topology` message (the `--topology` shape; a node may ignore it) the nodes are on
// their own to spread every message. The property `no-lost-messages`: every acknowledged message
// is in every node's final read, and no read shows a message no one sent. Figures: stale reads
// and stable latency (see setAnalysis.ts), the numbers the Gossip Glomers challenge sets targets on.

import { topology } from "../harness/topology.js";
import { growOnlySet } from "./growOnlySet.js";
import type { Workload } from "./Workload.js";

export const broadcastWorkload: Workload = {
  name: "broadcast",
  properties: () => ["no-lost-messages"],
  start({ options, nodes }) {
    const shape = topology(options.topology, nodes);
    return {
      setupBody: () => ({ type: "topology", topology: shape }),
      ...growOnlySet(
        {
          add: "broadcast",
          element: "message",
          elements: "messages",
          property: "no-lost-messages",
        },
        nodes,
      ),
    };
  },
};
