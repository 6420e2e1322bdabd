// The body of one sweep worker thread: it receives blocks of seeds of a world (a scenario or a
// world file, loaded once per thread), runs
// them with `runSweep` and posts back a progress note per seed and the block's summary. Errors are
// posted, not thrown, so one broken scenario does not take the thread (and the pool) down.

import { parentPort } from "node:worker_threads";
import { MurphyError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { loadWorld } from "./loadWorld.js";
import { runSweep } from "./runSweep.js";
import type { WorkerReply, WorkerTask } from "./parallelSweep.js";

const port = parentPort;
if (port === null) throw new Error("sweepWorker.js must be started as a worker thread");

port.on("message", (task: WorkerTask) => {
  void runTask(task).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        type: "error",
        id: task.id,
        // A typed error (a node threw, a bad config) is told as its message, which names the
        // seed and the replay command; anything else is a bug of ours and keeps its stack.
        message:
          error instanceof MurphyError
            ? error.message
            : error instanceof Error
              ? (error.stack ?? error.message)
              : String(error),
        typed: error instanceof MurphyError,
      } satisfies WorkerReply),
  );
});

async function runTask(task: WorkerTask): Promise<WorkerReply> {
  const scenario = await loadWorld(task.world);
  const seeds = task.seeds.map((s) => Seed.parse(s));
  const summary = await runSweep(scenario, task.variant, seeds, (outcome) => {
    const violated = Object.values(outcome.properties).includes("violated");
    port!.postMessage({ type: "seed", id: task.id, violated } satisfies WorkerReply);
  });
  return { type: "done", id: task.id, summary };
}
