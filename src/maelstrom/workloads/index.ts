// The workloads by name.
import type { WorkloadName } from "../harness/MaelstromOptions.js";
import { broadcastWorkload } from "./broadcast.js";
import { gCounterWorkload, pnCounterWorkload } from "./counter.js";
import { echoWorkload } from "./echo.js";
import { gSetWorkload } from "./gSet.js";
import { kafkaWorkload } from "./kafka.js";
import { linKvWorkload } from "./linKv.js";
import { txnRwRegisterWorkload } from "./txnRwRegister.js";
import { uniqueIdsWorkload } from "./uniqueIds.js";
import type { Workload } from "./Workload.js";

export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  echo: echoWorkload,
  "unique-ids": uniqueIdsWorkload,
  broadcast: broadcastWorkload,
  "g-set": gSetWorkload,
  "g-counter": gCounterWorkload,
  "pn-counter": pnCounterWorkload,
  "lin-kv": linKvWorkload,
  kafka: kafkaWorkload,
  "txn-rw-register": txnRwRegisterWorkload,
};
