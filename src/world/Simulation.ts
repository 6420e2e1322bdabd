// A simulated world, built from its config: the kernel, the network between the nodes, each node's
// physical clock, disk and adversary, the NTP daemons, and the fault schedule, played on virtual
// time. One seed drives it all, each part from its own derived stream (`network`, `clock/<id>`,
// `node/<id>`, ...), so changing one part of a config does not reshuffle the draws of another.
// Same seed and same config give the same trace, bit for bit.

import { ConfigError } from "../core/errors.js";
import { Rng, Seed } from "../core/Rng.js";
import { requireNonNegative } from "../core/validate.js";
import { Network } from "../net/Network.js";
import type { PhysicalClock } from "../clock/PhysicalClock.js";
import type { StableStorage } from "../storage/StableStorage.js";
import { byzantineBehavior } from "../faults/Byzantine.js";
import { describeFault, validateFaultSchedule, type FaultAction } from "../faults/FaultAction.js";
import { Kernel } from "../sim/Kernel.js";
import type { RunResult } from "../sim/RunResult.js";
import type { Trace } from "../sim/Trace.js";
import { applyNetworkFault } from "./applyNetworkFault.js";
import { buildNodes, validateNtp, type BuiltNode } from "./buildNodes.js";
import { checkConfigKeys } from "./checkConfigKeys.js";
import { normaliseNodes } from "./normaliseNodes.js";
import type { NtpOptions, SimulationConfig } from "./SimulationConfig.js";

export class Simulation {
  readonly seed: Seed;
  readonly network: Network;
  readonly nodeIds: readonly string[];
  private readonly kernel: Kernel;
  private readonly nodes: BuiltNode[];
  private readonly index: Map<string, number>;
  private readonly ntp: Required<NtpOptions> | undefined;
  private readonly rng: Rng;
  private started = false;

  constructor(config: SimulationConfig) {
    checkConfigKeys(config);
    this.seed = config.seed instanceof Seed ? config.seed : Seed.parse(config.seed);
    this.rng = new Rng(this.seed);
    const specs = normaliseNodes(config.nodes);
    this.nodeIds = specs.map((s) => s.id);
    this.index = new Map(this.nodeIds.map((id, i) => [id, i]));
    this.network = new Network(config.network ?? {}, this.nodeIds, this.rng.derive("network"));
    this.ntp = validateNtp(config.clocks?.ntp);
    this.nodes = buildNodes(specs, config, this.rng);
    this.kernel = new Kernel({
      seed: this.seed,
      nodes: this.nodes.map((n) => n.hosted),
      network: this.network,
      limits: config.limits,
      trace: config.trace,
      onNodeError: config.onNodeError,
    });
    for (const action of validateFaultSchedule(config.faults ?? [], this.nodeIds)) {
      this.kernel.at(Math.round(action.atMs * 1000), () => this.applyFault(action));
    }
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
    this.kernel.at(Math.round(atMs * 1000), callback);
  }

  /** Applies a fault now (from a hook), exactly as a scheduled one would be. */
  inject(action: FaultAction): void {
    const [valid] = validateFaultSchedule([{ ...action, atMs: this.now / 1000 }], this.nodeIds);
    this.applyFault(valid!);
  }

  /** Runs until no event is left, virtual time passes `untilMs`, or the event limit is reached. */
  run(options: { untilMs?: number } = {}): Promise<RunResult> {
    if (!this.started) {
      this.started = true;
      this.kernel.start();
      this.startNtpDaemons();
    }
    return this.kernel.run(options);
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
      const sync = (): void => {
        const now = this.now;
        const errorMicros = Math.round(rng.uniform(-errorMs, errorMs) * 1000);
        const result = node.clock.ntpSync(now, errorMicros, {
          stepThresholdMs: ntp.stepThresholdMs,
          slewRatePpm: ntp.slewRatePpm,
          uncertaintyMs: errorMs,
        });
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
