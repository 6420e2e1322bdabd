// G-set: a grow-only set. Clients `add` unique elements and `read` the set; after the faults heal
// every node's final read must hold every acknowledged element (`no-lost-elements`), and nothing
// no one added. Same analysis as broadcast: stale reads and stable latency are reported too.

import { growOnlySet } from "./growOnlySet.js";
import type { Workload } from "./Workload.js";

export const gSetWorkload: Workload = {
  name: "g-set",
  properties: () => ["no-lost-elements"],
  start: ({ nodes }) =>
    growOnlySet(
      { add: "add", element: "element", elements: "value", property: "no-lost-elements" },
      nodes,
    ),
};
