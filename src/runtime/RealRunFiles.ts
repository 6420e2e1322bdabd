// What a real run leaves behind, so it can be checked again without running it: a directory with
// the history (murphy JSONL, which `murphy check` also reads), the fault schedule it played (the
// simulator's fault JSON: `murphy test --schedule` plays it again, `murphy replay` can take it to
// the simulator), `run.json` (world, variant, seed, when it ended, the verdicts and figures) and
// the node processes' output under `logs/`.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import type { FaultAction } from "../faults/FaultAction.js";
import { faultScheduleFromJson, faultScheduleToJson } from "../faults/FaultScheduleJson.js";
import type { RealOutcome } from "../scenarios/RealWorld.js";
import { readHistoryJsonl, writeHistoryJsonl } from "../workload/MurphyJsonl.js";
import type { History } from "../workload/Operation.js";
import type { NodeExit } from "./ProcessSupervisor.js";
import type { OperationCounts } from "./RealTest.js";

export const HISTORY_FILE = "history.jsonl";
export const FAULTS_FILE = "faults.json";
export const RUN_FILE = "run.json";
export const LOGS_DIR = "logs";

export interface RunRecord {
  /** The world as the user named it (scenario name or file path). */
  world: string;
  variant: string;
  seed: string;
  timeLimitMs: number;
  endMicros: number;
  interrupted: boolean;
  /** How the faults came: `nemesis partition,pause at 30/min`, or the schedule file played. */
  faultSource: string;
  faultsApplied: number;
  restarts: number;
  unexpectedExits: NodeExit[];
  frames: { carried: number; dropped: number; duplicated: number };
  /** How the history's calls ended. */
  operations: OperationCounts;
  outcome: RealOutcome;
}

export function saveRun(
  dir: string,
  record: RunRecord,
  history: History,
  faults: readonly FaultAction[],
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, HISTORY_FILE), writeHistoryJsonl(history));
  writeFileSync(join(dir, FAULTS_FILE), faultScheduleToJson(faults));
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(record, null, 2) + "\n");
}

/** Reads a saved run back: its record, history and schedule (checked against the world's nodes). */
export function loadRun(
  dir: string,
  nodeIdsOf: (record: RunRecord) => readonly string[],
): { record: RunRecord; history: History; faults: FaultAction[] } {
  for (const file of [RUN_FILE, HISTORY_FILE, FAULTS_FILE]) {
    if (!existsSync(join(dir, file))) {
      throw new ConfigError({
        field: "--recheck",
        value: dir,
        expected: `a directory written by murphy test (with ${RUN_FILE}, ${HISTORY_FILE}, ${FAULTS_FILE})`,
        fix: `no ${file} in ${dir}; pass the directory murphy test printed`,
      });
    }
  }
  const record = JSON.parse(readFileSync(join(dir, RUN_FILE), "utf8")) as RunRecord;
  const history = readHistoryJsonl(readFileSync(join(dir, HISTORY_FILE), "utf8"));
  const faults = faultScheduleFromJson(
    readFileSync(join(dir, FAULTS_FILE), "utf8"),
    nodeIdsOf(record),
  );
  return { record, history, faults };
}
