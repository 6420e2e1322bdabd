// A simulated world, built from its config: the kernel, the network between the nodes and the
// timing model it keeps, each node's physical clock, disk and adversary, the NTP daemons, and the
// fault schedule, played on virtual time. One seed drives it all, each part from its own derived
// stream (`network`, `clock/<id>`, `node/<id>`, ...), so changing one part of a config does not
// reshuffle the draws of another. Same seed and same config give the same trace, bit for bit.

import { ConfigError } from "../core/errors.js";
import { Rng, Seed } from "../core/Rng.js";
import { requireNonNegative } from "../core/validate.js";
import { Network } from "../net/Network.js";
import {
  BoundedDelayNetwork,
  validateTiming,
  type DelayBound,
} from "../net/BoundedDelayNetwork.js";
import type { PhysicalClock } from "../clock/PhysicalClock.js";
import { ntpSyncOptions, validateNtpConfig, type NtpConfig } from "../clock/NtpConfig.js";
import type { StableStorage } from "../storage/StableStorage.js";
import { byzantineBehavior } from "../faults/Byzantine.js";
import {
  describeFault,
  PARTITION_FAULT_KINDS,
  validateFaultSchedule,
  type FaultAction,
  type FaultKind,
} from "../faults/FaultAction.js";
import { Kernel } from "../sim/Kernel.js";
import { EventLimitError, eventLimitWarning, type RunResult } from "../sim/RunResult.js";
import type { Trace } from "../sim/Trace.js";
import { applyNetworkFault } from "./applyNetworkFault.js";
import type { ClockProbe } from "./ClockProbe.js";
import { buildNodes, type BuiltNode } from "./buildNodes.js";
import { checkConfigKeys } from "./checkConfigKeys.js";
import { normaliseNodes } from "./normaliseNodes.js";
import type { SimulationConfig } from "./SimulationConfig.js";

export class Simulation {
  readonly seed: Seed;
  /** The network itself, which faults act on (the kernel sees it through the timing model). */
  readonly network: Network;
  readonly nodeIds: readonly string[];
  private readonly kernel: Kernel;
  private readonly nodes: BuiltNode[];
  private readonly index: Map<string, number>;
  private readonly ntp: NtpConfig | undefined;
  private readonly rng: Rng;
  /** The timing model's promise, or null in an asynchronous world. */
  private readonly bound: DelayBound | null;
  private started = false;
  /** No `limits.maxEvents` in the config: reaching the default limit is nobody's choice. */
  private readonly defaultEventLimit: boolean;
  /** Observers told when a run returns (see ClockProbe.onRunEnd). */
  private readonly runEndListeners: (() => void)[] = [];

  constructor(config: SimulationConfig) {
    checkConfigKeys(config);
    this.seed = config.seed instanceof Seed ? config.seed : Seed.parse(config.seed);
    this.rng = new Rng(this.seed);
    const specs = normaliseNodes(config.nodes);
    this.nodeIds = specs.map((s) => s.id);
    this.index = new Map(this.nodeIds.map((id, i) => [id, i]));
    this.network = new Network(config.network ?? {}, this.nodeIds, this.rng.derive("network"));
    this.bound = validateTiming(config.timing);
    const ntp = config.clocks?.ntp;
    this.ntp = ntp === undefined ? undefined : validateNtpConfig(ntp, "clocks.ntp");
    this.nodes = buildNodes(specs, config, this.rng);
    this.defaultEventLimit = config.limits?.maxEvents === undefined;
    this.kernel = new Kernel({
      seed: this.seed,
      nodes: this.nodes.map((n) => n.hosted),
      network:
        this.bound === null ? this.network : new BoundedDelayNetwork(this.network, this.bound),
      limits: config.limits,
      trace: config.trace,
      onNodeError: config.onNodeError,
      onLog: validateOnLog(config.onLog),
    });
    const schedule = validateFaultSchedule(config.faults ?? [], this.nodeIds);
    // Checked on the unsorted list, so that an error names the action by its place in the config.
    (config.faults ?? []).forEach((a, i) =>
      refuseBrokenPromise(this.bound, a.kind, Math.round(a.atMs * 1000), `faults[${i}]`),
    );
    for (const action of schedule) {
      this.kernel.at(Math.round(action.atMs * 1000), () => this.applyFault(action));
    }
    this.markGst();
    config.trace?.clocks?.(this.clockProbe());
  }

  /** Reads of the clocks for an observer; none of them changes the world (see ClockProbe). */
  private clockProbe(): ClockProbe {
    const clock = (i: number) => this.nodes[i]!.clock;
    return {
      nodeIds: this.nodeIds,
      nowMicros: () => this.now,
      offsetMicros: (i) => clock(i).offsetMicros(this.now),
      trueTimeOffsets: (i) => {
        const trueWall = clock(i).epochMicros + this.now;
        const tt = clock(i).trueTimeInterval(this.now);
        return [tt.earliestMicros - trueWall, tt.latestMicros - trueWall];
      },
      trueTimeReads: (i) => clock(i).trueTimeReads,
      onRunEnd: (listener) => this.runEndListeners.push(listener),
    };
  }

  // --- Observing the world ---------------------------------------------------------------------

  get trace(): Trace {
    return this.kernel.trace;
  }

  /** Virtual time now, in microseconds. */
  get now(): number {
    return this.kernel.now;
  }

  get events(): number {
    return this.kernel.events;
  }

  /** Stable storage of a node, for checks after the run (it survives crashes). */
  storageOf(id: string): StableStorage {
    return this.node(id, "storageOf").disk;
  }

  clockOf(id: string): PhysicalClock {
    return this.node(id, "clockOf").clock;
  }

  isAlive(id: string): boolean {
    return this.kernel.isAlive(this.indexOf(id, "isAlive"));
  }

  // --- Driving it ------------------------------------------------------------------------------

  /** Runs `callback` at virtual time `atMs` (for drivers that sample or inject). */
  at(atMs: number, callback: () => void): void {
    requireNonNegative("at.atMs", atMs);
    const atMicros = Math.round(atMs * 1000);
    if (atMicros < this.now) {
      throw new ConfigError({
        field: "at.atMs",
        value: atMs,
        expected: `at or after now (${this.now / 1000} ms): virtual time never goes back`,
        fix: "schedule from sim.now / 1000 on, or call the callback at once",
      });
    }
    this.kernel.at(atMicros, callback);
  }

  /** Applies a fault now (from a hook), exactly as a scheduled one would be. */
  inject(action: FaultAction): void {
    const [valid] = validateFaultSchedule([{ ...action, atMs: this.now / 1000 }], this.nodeIds);
    refuseBrokenPromise(this.bound, valid!.kind, this.now, "inject");
    this.applyFault(valid!);
  }

  /**
   * Runs until virtual time passes `untilMs`, or without it until no event is left. A world with a
   * heartbeat, a retry loop or NTP never runs out of events: give it `untilMs`. Without `untilMs`,
   * reaching `limits.maxEvents` throws EventLimitError (the run could not end as asked); with it,
   * the run stops there with `stopReason: "event-limit"` and a `warning` in the result, which is
   * also written to stderr when the limit is the default one (the run is shorter than asked, and
   * nobody chose that).
   */
  async run(options: { untilMs?: number | undefined } = {}): Promise<RunResult> {
    if (!this.started) {
      this.started = true;
      this.kernel.start();
      this.startNtpDaemons();
    }
    const result = await this.kernel.run(options);
    for (const listener of this.runEndListeners) listener();
    if (result.stopReason === "event-limit") {
      if (options.untilMs === undefined) throw new EventLimitError(result, this.kernel.maxEvents);
      result.warning = eventLimitWarning(result, options.untilMs, this.kernel.maxEvents);
      if (this.defaultEventLimit) {
        process.emitWarning(result.warning, { code: "MURPHY_EVENT_LIMIT" });
      }
    }
    return result;
  }

  // --- Faults and daemons ----------------------------------------------------------------------

  private applyFault(a: FaultAction): void {
    const idx = (id: string) => this.index.get(id)!;
    const target = "node" in a ? idx(a.node) : -1;
    const now = this.now;
    this.trace.record("fault", now, target, -1, -1, describeFault(a));
    if (applyNetworkFault(this.network, a, idx)) return;
    switch (a.kind) {
      case "pause":
        return this.kernel.pause(target, Math.round(a.durationMs * 1000));
      case "crash": {
        if (!this.kernel.crash(target)) return;
        if (a.recoverAfterMs !== undefined) {
          const recover: FaultAction = { atMs: 0, kind: "recover", node: a.node };
          this.kernel.at(now + Math.round(a.recoverAfterMs * 1000), () => this.applyFault(recover));
        }
        return;
      }
      case "recover":
        return this.kernel.recover(target);
      case "clock-jump":
        this.nodes[target]!.clock.step(now, Math.round(a.deltaMs * 1000));
        this.trace.record("clock", now, target, -1, -1, `step ${a.deltaMs}ms`);
        return;
      case "clock-drift":
        this.nodes[target]!.clock.setDriftPpm(now, a.driftPpm);
        this.trace.record("clock", now, target, -1, -1, `drift ${a.driftPpm}ppm`);
        return;
      case "byzantine": {
        const mutate = this.nodes[target]!.spec.mutate;
        this.kernel.setAdversary(
          target,
          a.behavior === "honest" ? undefined : byzantineBehavior(a.behavior, mutate),
        );
        return;
      }
      default:
        return;
    }
  }

  /**
   * One trace event at GST in a partially synchronous world, so that a reader of the trace sees
   * where delays become bounded. Nothing is recorded per message, and nothing at all in an
   * asynchronous world, whose trace stays what it was before timing models existed.
   */
  private markGst(): void {
    const bound = this.bound;
    if (bound === null || bound.model !== "partially-synchronous") return;
    const text = `gst: from now on every message arrives within ${bound.maxDelayMicros / 1000} ms`;
    this.kernel.at(bound.gstMicros, () => this.trace.record("log", this.now, -1, -1, -1, text));
  }

  /** Each node's NTP daemon syncs every interval, from a phase of its own. */
  private startNtpDaemons(): void {
    const ntp = this.ntp;
    if (ntp === undefined) return;
    const intervalMicros = Math.round(ntp.intervalMs * 1000);
    this.nodes.forEach((node, i) => {
      const phase = this.rng.derive(`ntp-phase/${node.spec.id}`).int(intervalMicros);
      // One stream per daemon, so each sync draws a fresh measurement error.
      const rng = this.rng.derive(`node/${node.spec.id}`).derive("ntp");
      const errorMs = node.spec.clock?.ntpErrorMs ?? ntp.errorMs;
      const options = ntpSyncOptions({ ...ntp, errorMs });
      const sync = (): void => {
        const now = this.now;
        const errorMicros = Math.round(rng.uniform(-errorMs, errorMs) * 1000);
        const result = node.clock.ntpSync(now, errorMicros, options);
        const text = `ntp ${result.action} ${result.offsetMicros}us`;
        this.trace.record("clock", now, i, -1, -1, text);
        this.kernel.at(now + intervalMicros, sync);
      };
      this.kernel.at(phase, sync);
    });
  }

  private indexOf(id: string, field: string): number {
    const i = this.index.get(id);
    if (i === undefined) {
      throw new ConfigError({
        field,
        value: id,
        expected: "the id of a node in this world",
        fix: `use one of ${this.nodeIds.slice(0, 8).join(", ")}`,
      });
    }
    return i;
  }

  private node(id: string, field: string): BuiltNode {
    return this.nodes[this.indexOf(id, field)]!;
  }
}

/** `onLog` is a function or absent; anything else is refused when the world is built. */
function validateOnLog(onLog: unknown): SimulationConfig["onLog"] {
  if (onLog === undefined || typeof onLog === "function") {
    return onLog as SimulationConfig["onLog"];
  }
  throw new ConfigError({
    field: "onLog",
    value: onLog,
    expected: "a function that takes each ctx.log line as { node, atMs, text }",
    fix: "pass e.g. onLog: ({ node, atMs, text }) => console.log(`${atMs} ms ${node}: ${text}`), or leave it out",
  });
}

/**
 * Faults that stop messages between two nodes for as long as they last. A bounded timing model
 * promises that every message arrives within `maxDelayMs` (from GST on), so these are refused where
 * the promise holds: in a synchronous world at all, in a partially synchronous one at or after GST.
 * One scheduled before GST may still stand at GST; from then on the bounded network carries what
 * it would drop, as it does a lost message (see BoundedDelayNetwork). Loss, duplication and slowness stay allowed (the bounded network delivers what is lost and cuts
 * delays to the bound). Crashes are allowed in every model: a crashed node is faulty, and the
 * promise is about messages between correct ones. Pauses are allowed too: they are process
 * timing, not network timing, and a world that bounds message delay may still stall a node — which
 * is how a protocol that assumes bounded pauses is shown to be wrong.
 */
const CUTS_LINKS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  ...PARTITION_FAULT_KINDS,
  "link-down",
]);

/** Throws when a fault of `kind` at `atMicros` would break the timing model's promise. */
function refuseBrokenPromise(
  bound: DelayBound | null,
  kind: FaultKind,
  atMicros: number,
  field: string,
): void {
  if (bound === null || !CUTS_LINKS.has(kind) || atMicros < bound.gstMicros) return;
  const maxDelay = `timing.maxDelayMs (${bound.maxDelayMicros / 1000} ms)`;
  const asynchronous =
    'the asynchronous model (timing: { model: "asynchronous" }), which promises no bound';
  if (bound.model === "synchronous") {
    throw new ConfigError({
      field: `${field}.kind`,
      value: kind,
      expected: `a fault other than ${[...CUTS_LINKS].join(", ")} in a synchronous world, which promises every message arrives within ${maxDelay}`,
      fix: `use the partially-synchronous model and schedule it before gstMs, or ${asynchronous}`,
    });
  }
  const gstMs = bound.gstMicros / 1000;
  throw new ConfigError({
    field: `${field}.atMs`,
    value: atMicros / 1000,
    expected: `before timing.gstMs (${gstMs}) for a "${kind}" fault, since from GST on every message must arrive within ${maxDelay}`,
    fix: `${field === "inject" ? "inject" : "schedule"} it before ${gstMs} ms, or use ${asynchronous}`,
  });
}
