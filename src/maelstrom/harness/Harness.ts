// The Maelstrom harness as murphy nodes: a controller (`c0`) that sends `init` (and again after a
// node restarts), the workload's setup (the broadcast topology) and, once the faults have healed
// and the system has had `--recovery-time`, the final operations; and `--concurrency` clients
// (`c1`, `c2`, …) that invoke the workload's operations at `--rate`, one at a time each, and record
// what they saw. They are ordinary nodes: the simulator hosts them beside TypeScript nodes, and the
// real-time host beside spawned binaries, so both worlds run the same harness.
//
// Time: the run starts at 0 with `init`. The workload starts when every node has answered (and
// taken its setup), or at `--init-timeout`: clients start invoking, and the fault schedule starts
// (its times count from here, so a slow start-up eats no fault and no operation); clients stop
// `--time-limit` later; the final operations start `--recovery-time` after that and get a bounded
// budget. A client whose request times out records
// `info` and continues as a new process (Jepsen's rule: the old one may still be in flight).

import { describeErrorCode, isDefiniteError } from "../protocol/MaelstromErrorCode.js";
import type { MaelstromBody } from "../protocol/MaelstromMessage.js";
import type { NodeContext, NodeFactory } from "../../sim/NodeApi.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import { HistoryRecorder, type OperationHandle } from "../../workload/HistoryRecorder.js";
import type {
  FinalClient,
  OpOutcome,
  OpRequest,
  Workload,
  WorkloadClient,
  WorkloadRun,
} from "../workloads/Workload.js";
import { unexpectedReply } from "../workloads/Workload.js";
import { nodeIdsOf, type MaelstromTestOptions } from "./MaelstromOptions.js";
import { restartsOf } from "./nemesis.js";
import { Rpc } from "./Rpc.js";
import { services } from "../services/services.js";

export const CONTROLLER_ID = "c0";

/** Something a node did wrong that the run survived: never answered init, bad lines, exits. */
export interface HarnessProblem {
  readonly node: string;
  readonly atMs: number;
  readonly problem: string;
}

export interface HarnessConfig {
  readonly options: MaelstromTestOptions;
  readonly workload: Workload;
  /** The fault schedule: the controller sends `init` again when a crashed node restarts. */
  readonly faults: readonly FaultAction[];
  /** The world's time in microseconds: virtual in the simulator, monotonic in real runs. */
  readonly nowMicros: () => number;
  /** Starts the fault schedule, its times counted from `offsetMs` (when the workload starts). */
  readonly startFaults: (offsetMs: number) => void;
  /** Called once when the final operations are done (or their budget ran out). */
  readonly onDone?: () => void;
}

/** At most this many problems are kept (a node that prints garbage forever is one story). */
const MAX_PROBLEMS = 200;
/** A client with no node to talk to looks again after this long. */
const NO_NODE_RETRY_MS = 100;
/** A final operation that did not succeed is tried again after this long. */
const FINAL_RETRY_MS = 100;

export class MaelstromHarness {
  readonly options: MaelstromTestOptions;
  readonly nodes: readonly string[];
  readonly clients: readonly string[];
  readonly history: HistoryRecorder;
  readonly problems: HarnessProblem[] = [];
  readonly run: WorkloadRun;
  /** When the run is over at the latest: a slow init and the final operations' budget included. */
  readonly deadlineMs: number;
  /** When clients started (undefined until they do). */
  mainStartMs: number | undefined;
  finished = false;
  private problemsDropped = 0;
  private readonly ready = new Set<string>();
  private readonly setupPending = new Set<string>();
  private readonly drivers: ClientDriver[] = [];
  private nextProcess = 0;
  private started = false;
  private readonly onMainStart: ((startMs: number) => void)[] = [];

  constructor(private readonly config: HarnessConfig) {
    const options = config.options;
    this.options = options;
    this.nodes = nodeIdsOf(options.nodeCount);
    this.clients = Array.from({ length: options.concurrency }, (_, i) => `c${i + 1}`);
    this.history = new HistoryRecorder({ nowMicros: config.nowMicros, maxOperations: 1_000_000 });
    this.run = config.workload.start({ options, nodes: this.nodes });
    this.deadlineMs =
      options.initTimeoutMs + options.timeLimitMs + options.recoveryMs + finalBudgetMs(options) + 1;
  }

  nowMs(): number {
    return this.config.nowMicros() / 1000;
  }

  /** The harness's own nodes: controller, clients and the four services. */
  endpoints(): Record<string, NodeFactory> {
    const endpoints: Record<string, NodeFactory> = {
      [CONTROLLER_ID]: (ctx) => new Controller(this, ctx).handlers(),
    };
    this.clients.forEach((id, i) => {
      endpoints[id] = (ctx) => {
        const driver = new ClientDriver(this, ctx, i, this.run.client());
        this.drivers.push(driver);
        return driver.handlers();
      };
    });
    return { ...endpoints, ...services() };
  }

  /** Notes a problem of a node (bounded; the count of those left out is kept). */
  problem(node: string, problem: string): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      this.problemsDropped++;
      return;
    }
    this.problems.push({ node, atMs: Math.round(this.nowMs()), problem });
  }

  get droppedProblems(): number {
    return this.problemsDropped;
  }

  newProcess(): number {
    return this.nextProcess++;
  }

  isReady(node: string): boolean {
    return this.ready.has(node);
  }

  /** The node client `index` talks to: its own (Jepsen binds client i to node i mod n), if ready. */
  nodeFor(index: number): string | undefined {
    for (let k = 0; k < this.nodes.length; k++) {
      const node = this.nodes[(index + k) % this.nodes.length]!;
      if (this.ready.has(node)) return node;
    }
    return undefined;
  }

  markReady(node: string, setup: boolean): void {
    this.ready.add(node);
    if (setup) this.setupPending.add(node);
    this.maybeStart();
  }

  setupDone(node: string): void {
    this.setupPending.delete(node);
    this.maybeStart();
  }

  /** Starts the clients when every node is ready and set up, or at once when `force`d. */
  maybeStart(force = false): void {
    if (this.started) return;
    if (!force && (this.ready.size < this.nodes.length || this.setupPending.size > 0)) return;
    this.started = true;
    const start = this.nowMs();
    this.mainStartMs = start;
    this.config.startFaults(start);
    for (const callback of this.onMainStart) callback(start);
    for (const driver of this.drivers) driver.begin();
  }

  /** Calls `callback` with the workload's start time when it starts. */
  whenStarted(callback: (startMs: number) => void): void {
    this.onMainStart.push(callback);
  }

  /** When clients stop invoking (Infinity before the workload starts). */
  get mainEndMs(): number {
    return this.mainStartMs === undefined ? Infinity : this.mainStartMs + this.options.timeLimitMs;
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.config.onDone?.();
  }

  get faults(): readonly FaultAction[] {
    return this.config.faults;
  }

  /** What a reply means: the workload's reading, else errors by their code. */
  outcome(
    op: OpRequest,
    reply: MaelstromBody,
    client: WorkloadClient | FinalClient,
    node: string,
  ): OpOutcome {
    const own = client.complete(op, reply);
    if (own !== undefined) return own;
    if (reply.type === "error") {
      const code = typeof reply.code === "number" ? reply.code : 13;
      const text = `error ${describeErrorCode(code)}${typeof reply.text === "string" ? `: ${reply.text}` : ""}`;
      return { status: isDefiniteError(code) ? "fail" : "info", error: text };
    }
    this.problem(node, `answered ${op.body.type} with ${reply.type}`);
    return unexpectedReply(op, reply);
  }
}

/** The final operations get this long: two request timeouts and a second. */
export function finalBudgetMs(options: MaelstromTestOptions): number {
  return 2 * options.requestTimeoutMs + 1000;
}

function record(handle: OperationHandle, outcome: OpOutcome): void {
  if (outcome.status === "ok") handle.ok(outcome.output);
  else if (outcome.status === "fail") handle.fail(outcome.error);
  else handle.info(outcome.error);
}

class Controller {
  private readonly rpc: Rpc;
  /** How many times each node was sent init: a restart's init supersedes the one before. */
  private readonly inits = new Map<string, number>();

  constructor(
    private readonly harness: MaelstromHarness,
    private readonly ctx: NodeContext,
  ) {
    this.rpc = new Rpc(ctx);
  }

  handlers() {
    return {
      onStart: () => this.start(),
      onMessage: (message: import("../../sim/NodeApi.js").Message) => {
        if (!this.rpc.receive(message))
          this.harness.problem(
            message.from,
            `sent ${CONTROLLER_ID} a message that answers nothing`,
          );
      },
    };
  }

  private start(): void {
    const h = this.harness;
    for (const node of h.nodes) this.init(node);
    this.ctx.setTimer(h.options.initTimeoutMs, () => h.maybeStart(true));
    h.whenStarted((startMs) => {
      for (const restart of restartsOf(h.faults)) {
        // Just after the node is back: the host restarts it at that instant.
        this.ctx.setTimer(startMs + restart.atMs + 1 - h.nowMs(), () => this.init(restart.node));
      }
      const finalStartMs = h.mainEndMs + h.options.recoveryMs;
      this.ctx.setTimer(finalStartMs - h.nowMs(), () => this.finalPhase());
      this.ctx.setTimer(finalStartMs + finalBudgetMs(h.options) - h.nowMs(), () => h.finish());
    });
  }

  private init(node: string): void {
    const h = this.harness;
    const generation = (this.inits.get(node) ?? 0) + 1;
    this.inits.set(node, generation);
    const body = { type: "init", node_id: node, node_ids: [...h.nodes] };
    this.rpc.call(
      node,
      body,
      h.options.initTimeoutMs,
      (reply) => {
        if (reply.type !== "init_ok") {
          h.problem(
            node,
            `answered init with ${reply.type}${reply.type === "error" ? ` ${JSON.stringify(reply.text ?? "")}` : ""}`,
          );
          return;
        }
        const setup = h.run.setupBody?.(node);
        h.markReady(node, setup !== undefined);
        if (setup !== undefined) this.setup(node, setup);
      },
      () => {
        // A node killed before it answered is sent init again when it restarts: only the last counts.
        if (this.inits.get(node) === generation) {
          h.problem(node, `never answered init within ${h.options.initTimeoutMs} ms`);
        }
      },
    );
  }

  private setup(node: string, body: Record<string, unknown>): void {
    const h = this.harness;
    this.rpc.call(
      node,
      body,
      h.options.requestTimeoutMs,
      (reply) => {
        if (reply.type !== `${String(body.type)}_ok`)
          h.problem(node, `answered ${String(body.type)} with ${reply.type}`);
        h.setupDone(node);
      },
      () => {
        h.problem(
          node,
          `never answered ${String(body.type)} within ${h.options.requestTimeoutMs} ms`,
        );
        h.setupDone(node);
      },
    );
  }

  private finalPhase(): void {
    const h = this.harness;
    const make = h.run.finalClient;
    if (make === undefined) {
      h.finish();
      return;
    }
    let open = h.nodes.length;
    const closed = () => {
      if (--open === 0) h.finish();
    };
    for (const node of h.nodes) this.finalOps(node, make(node), h.newProcess(), closed);
  }

  /** Runs one node's final operations in order, each until it succeeds, within the budget. */
  private finalOps(node: string, client: FinalClient, process: number, closed: () => void): void {
    const h = this.harness;
    const step = () => {
      if (h.finished) return;
      const op = client.next();
      if (op === undefined) return closed();
      const handle = h.history.invoke(process, op.f, op.input);
      this.rpc.call(
        node,
        op.body,
        h.options.requestTimeoutMs,
        (reply) => {
          const outcome = h.outcome(op, reply, client, node);
          record(handle, outcome);
          if (outcome.status === "ok") step();
          else {
            if (outcome.status === "info") process = h.newProcess();
            this.ctx.setTimer(FINAL_RETRY_MS, step);
          }
        },
        () => {
          handle.info("timeout");
          process = h.newProcess();
          step();
        },
      );
    };
    step();
  }
}

class ClientDriver {
  private readonly rpc: Rpc;
  private process: number;
  private running = false;

  constructor(
    private readonly harness: MaelstromHarness,
    private readonly ctx: NodeContext,
    private readonly index: number,
    private readonly client: WorkloadClient,
  ) {
    this.rpc = new Rpc(ctx);
    this.process = harness.newProcess();
  }

  handlers() {
    return {
      onMessage: (message: import("../../sim/NodeApi.js").Message) => {
        if (!this.rpc.receive(message))
          this.harness.problem(message.from, `sent ${this.ctx.id} a message that answers nothing`);
      },
    };
  }

  /** Called by the harness when the workload starts (from the controller's event). */
  begin(): void {
    if (this.running) return;
    this.running = true;
    this.ctx.setTimer(this.stagger(), () => this.invoke());
  }

  /**
   * Jepsen's stagger: a uniform pause of mean concurrency / rate between one client's invocations,
   * so the clients together invoke `--rate` operations a second while their calls are quicker than
   * that; a client whose call takes longer invokes again as soon as it returns.
   */
  private stagger(): number {
    const h = this.harness;
    return this.ctx.random.float() * 2 * ((1000 * h.options.concurrency) / h.options.rate);
  }

  private invoke(): void {
    const h = this.harness;
    if (h.nowMs() >= h.mainEndMs) return;
    const node = h.nodeFor(this.index);
    if (node === undefined) {
      this.ctx.setTimer(NO_NODE_RETRY_MS, () => this.invoke());
      return;
    }
    const op = this.client.next(this.ctx.random);
    const handle = h.history.invoke(this.process, op.f, op.input);
    const dueMs = h.nowMs() + this.stagger();
    const next = () => this.ctx.setTimer(Math.max(0, dueMs - h.nowMs()), () => this.invoke());
    this.rpc.call(
      node,
      op.body,
      h.options.requestTimeoutMs,
      (reply) => {
        const outcome = h.outcome(op, reply, this.client, node);
        record(handle, outcome);
        if (outcome.status === "info") this.process = h.newProcess();
        next();
      },
      () => {
        handle.info("timeout");
        this.process = h.newProcess();
        next();
      },
    );
  }
}
