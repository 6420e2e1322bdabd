// The body of one sweep worker thread: it receives blocks of seeds of a world (a scenario or a
// world file, loaded once per thread), runs them one after another with `runSweep` and posts back
// each block's summary. The pool keeps a second block queued here so the thread never waits for
// the next one. Progress notes (which seeds finished, and whether each violated something) are
// gathered and posted at most every 100 ms of real time, and the rest ride with the block's
// summary: a message per seed cost a fifth of a thread's time on short seeds. Results never
// depend on that timing. Errors are posted, not thrown, so one broken scenario does not take the
// thread (and the pool) down.

import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { MurphyError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { loadWorld } from "./loadWorld.js";
import { runSweep } from "./runSweep.js";
import type { WorkerReply, WorkerTask } from "./parallelSweep.js";

/** Real milliseconds between progress notes. */
const PROGRESS_EVERY_MS = 100;

const port = parentPort;
if (port === null) throw new Error("sweepWorker.js must be started as a worker thread");

let queue: Promise<void> = Promise.resolve();
port.on("message", (task: WorkerTask) => {
  queue = queue.then(() =>
    runTask(task).then(
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
    ),
  );
});

// eslint-disable-next-line no-restricted-properties -- paces progress notes; results never read it
const realMs = (): number => performance.now(); // real-world: paces progress notes only
let lastNoteMs = realMs();

async function runTask(task: WorkerTask): Promise<WorkerReply> {
  const scenario = await loadWorld(task.world);
  const seeds = task.seeds.map((s) => Seed.parse(s));
  let finished: boolean[] = [];
  const summary = await runSweep(scenario, task.variant, seeds, (outcome) => {
    finished.push(Object.values(outcome.properties).includes("violated"));
    const now = realMs();
    if (now - lastNoteMs >= PROGRESS_EVERY_MS) {
      lastNoteMs = now;
      port!.postMessage({ type: "seeds", id: task.id, violated: finished } satisfies WorkerReply);
      finished = [];
    }
  });
  return { type: "done", id: task.id, summary, violated: finished };
}
