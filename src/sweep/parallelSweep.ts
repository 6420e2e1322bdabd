// Runs seed sweeps on every core. A `SweepPool` takes blocks of seeds (see SeedBlocks.ts) from any
// number of sweeps at once — the tour submits every scenario and variant together so no core idles
// at a scenario boundary — and hands each block to the next free worker thread. Each block comes
// back as a summary; the caller merges them in block order, so the result is the same whatever the
// number of workers and whichever worker finished first.
//
// Worker threads load the compiled `sweepWorker.js` beside this file. Run from TypeScript source
// (under vitest) there is no such file, so the pool runs its lanes in this thread instead: the same
// blocks, the same merge, only without the parallelism.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ConfigError, MurphyError } from "../core/errors.js";
import { worldLocation } from "./loadWorld.js";
import { runSweep } from "./runSweep.js";
import type { Scenario } from "../scenarios/Scenario.js";
import { mergeBlocks, type BlockList, type BlockSummary } from "./SeedBlocks.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";

/** A block of seeds sent to a worker. Seeds travel as their text form. */
export interface WorkerTask {
  id: number;
  /** The world as `loadWorld` takes it: a scenario name or a world file's absolute path. */
  world: string;
  variant: string;
  seeds: string[];
}

/** `violated` lists seeds finished since the last note, in order: whether each violated a property. */
export type WorkerReply =
  | { type: "seeds"; id: number; violated: boolean[] }
  | { type: "done"; id: number; summary: VariantSummary; violated: boolean[] }
  | { type: "error"; id: number; message: string; typed?: boolean };

/** Called once per finished seed (in completion order, which varies between runs). */
export type OnSeed = (violated: boolean) => void;

export interface SweepPool {
  /** Worker threads in use, or 1 when running in this thread. */
  readonly workers: number;
  readonly mode: "threads" | "in-process";
  /** Runs the blocks of one variant; resolves with one summary per block, in block order. */
  run(
    scenario: Scenario,
    variant: string,
    blocks: BlockList,
    onSeed?: OnSeed,
  ): Promise<BlockSummary[]>;
  close(): Promise<void>;
}

export interface SweepPoolOptions {
  /** Worker threads (default: `os.availableParallelism()`); 1 runs in this thread. */
  workers?: number;
  /** Force a mode; by default threads when compiled and workers > 1. */
  mode?: "threads" | "in-process";
}

export const WORKER_URL = new URL("./sweepWorker.js", import.meta.url);

export function defaultWorkers(): number {
  return availableParallelism();
}

/** True when the compiled worker entry exists (false when this module runs from .ts source). */
export function workerEntryAvailable(): boolean {
  return WORKER_URL.protocol === "file:" && existsSync(fileURLToPath(WORKER_URL));
}

export function openSweepPool(options: SweepPoolOptions = {}): SweepPool {
  const workers = options.workers ?? defaultWorkers();
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new ConfigError({
      field: "--workers",
      value: workers,
      expected: "a whole number >= 1",
      fix: `pass e.g. --workers ${defaultWorkers()} (the cores of this machine)`,
    });
  }
  const mode = options.mode ?? (workers > 1 && workerEntryAvailable() ? "threads" : "in-process");
  if (mode === "threads") {
    if (!workerEntryAvailable()) {
      throw new ConfigError({
        field: "mode",
        value: "threads",
        expected: `a compiled worker entry at ${WORKER_URL.href}`,
        fix: "build first (npm run build) or use the in-process mode",
      });
    }
    return new ThreadPool(workers);
  }
  return new InProcessPool(1);
}

/** Summarises a sweep's blocks in lanes of this thread; `lanes` > 1 only interleaves them. */
export class InProcessPool implements SweepPool {
  readonly mode = "in-process";
  constructor(readonly workers: number) {}

  async run(
    scenario: Scenario,
    variant: string,
    blocks: BlockList,
    onSeed?: OnSeed,
  ): Promise<BlockSummary[]> {
    const results: BlockSummary[] = [];
    let next = 0;
    const lane = async () => {
      while (next < blocks.length) {
        const block = blocks.at(next++)!;
        // Let the event loop breathe between blocks so a progress bar can redraw.
        await nextTurn();
        const summary = await runSweep(scenario, variant, block.seeds, (outcome) =>
          onSeed?.(Object.values(outcome.properties).includes("violated")),
        );
        results.push({ index: block.index, summary });
      }
    };
    await Promise.all(Array.from({ length: this.workers }, lane));
    return results.sort((a, b) => a.index - b.index);
  }

  async close(): Promise<void> {}
}

interface PendingBlock {
  task: WorkerTask;
  blockIndex: number;
  sweep: PendingSweep;
}

/** A sweep's blocks are made one at a time, as workers free up: memory does not grow with them. */
interface PendingSweep {
  world: string;
  variant: string;
  blocks: BlockList;
  /** The next block to hand out. */
  next: number;
  remaining: number;
  results: BlockSummary[];
  failed: boolean;
  onSeed: OnSeed | undefined;
  resolve: (results: BlockSummary[]) => void;
  reject: (error: Error) => void;
}

/** Blocks a worker holds at once: the one it runs and the next, so it never waits for work. */
const BLOCKS_PER_WORKER = 2;

class ThreadPool implements SweepPool {
  readonly mode = "threads";
  /** Blocks handed to each worker and not yet answered. */
  private readonly held = new Map<Worker, number>();
  /** Sweeps with blocks not yet handed out, first come first served. */
  private readonly queue: PendingSweep[] = [];
  private readonly inFlight = new Map<number, PendingBlock>();
  private nextId = 0;

  constructor(readonly workers: number) {}

  run(
    scenario: Scenario,
    variant: string,
    blocks: BlockList,
    onSeed?: OnSeed,
  ): Promise<BlockSummary[]> {
    if (blocks.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const sweep: PendingSweep = {
        world: worldLocation(scenario),
        variant,
        blocks,
        next: 0,
        remaining: blocks.length,
        results: [],
        failed: false,
        onSeed,
        resolve,
        reject,
      };
      this.queue.push(sweep);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const sweep = this.queue[0]!;
      if (sweep.failed || sweep.next >= sweep.blocks.length) {
        this.queue.shift();
        continue;
      }
      const worker = this.freeWorker();
      if (worker === undefined) return;
      const block = sweep.blocks.at(sweep.next++)!;
      const task: WorkerTask = {
        id: this.nextId++,
        world: sweep.world,
        variant: sweep.variant,
        seeds: block.seeds.map((seed) => seed.toString()),
      };
      this.inFlight.set(task.id, { task, blockIndex: block.index, sweep });
      this.held.set(worker, this.held.get(worker)! + 1);
      worker.postMessage(task);
    }
  }

  /** The worker holding the fewest blocks, if it can take one more; spawns workers up to the limit. */
  private freeWorker(): Worker | undefined {
    let best: Worker | undefined;
    let fewest = BLOCKS_PER_WORKER;
    for (const [worker, count] of this.held) {
      if (count < fewest) {
        best = worker;
        fewest = count;
      }
    }
    if (fewest === 0 || this.held.size >= this.workers) return best;
    const worker = new Worker(WORKER_URL);
    worker.on("message", (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on("error", (error) => this.onCrash(worker, error));
    this.held.set(worker, 0);
    return worker;
  }

  /** A worker answered one of its blocks. */
  private release(worker: Worker): void {
    const count = this.held.get(worker);
    if (count !== undefined) this.held.set(worker, count - 1);
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const entry = this.inFlight.get(reply.id);
    if (entry === undefined) {
      // A task abandoned after another worker crashed: the worker itself is free again.
      if (reply.type !== "seeds") {
        this.release(worker);
        this.dispatch();
      }
      return;
    }
    const sweep = entry.sweep;
    if (reply.type !== "error") for (const violated of reply.violated) sweep.onSeed?.(violated);
    if (reply.type === "seeds") return;
    this.inFlight.delete(reply.id);
    this.release(worker);
    if (reply.type === "error") {
      if (!sweep.failed) {
        sweep.failed = true;
        const message = `${entry.task.world} (${entry.task.variant}): ${reply.message}`;
        sweep.reject(reply.typed ? new SweepRunError(message) : new Error(message));
      }
    } else if (!sweep.failed) {
      sweep.results.push({ index: entry.blockIndex, summary: reply.summary });
      if (--sweep.remaining === 0) {
        sweep.resolve(sweep.results.sort((a, b) => a.index - b.index));
      }
    }
    this.dispatch();
  }

  /** A worker died outside a task's try/catch: fail everything pending, let new workers spawn. */
  private onCrash(worker: Worker, error: Error): void {
    this.held.delete(worker);
    const sweeps = new Set([...this.inFlight.values()].map((e) => e.sweep));
    for (const sweep of this.queue) sweeps.add(sweep);
    for (const sweep of sweeps) {
      if (!sweep.failed) {
        sweep.failed = true;
        sweep.reject(error);
      }
    }
    this.queue.length = 0;
    this.inFlight.clear();
  }

  async close(): Promise<void> {
    await Promise.all([...this.held.keys()].map((w) => w.terminate()));
    this.held.clear();
  }
}

/** Runs one variant's blocks on the pool and merges them in block order. */
export async function sweepOnPool(
  pool: SweepPool,
  scenario: Scenario,
  variant: string,
  blocks: BlockList,
  onSeed?: OnSeed,
): Promise<VariantSummary> {
  return mergeBlocks(scenario.name, variant, await pool.run(scenario, variant, blocks, onSeed));
}

/** A seed failed in a worker thread with a typed error (its message says how to replay it). */
export class SweepRunError extends MurphyError {
  readonly code = "E_SWEEP_RUN";
  readonly definite = true;
}
