// The configuration of a simulated world: its seed, its nodes, the network between them and its
// timing model, their clocks and disks, the fault schedule and the run's limits. Everything is
// validated when the world is built; a bad value fails with a ConfigError naming the field, the
// value and the fix.

import type { Seed } from "../core/Rng.js";
import type { NetworkConfig } from "../net/Network.js";
import type { TimingConfig } from "../net/BoundedDelayNetwork.js";
import type { ByzantineBehavior } from "../faults/Byzantine.js";
import type { KernelLimits } from "../sim/Kernel.js";
import type { ByzantineBehaviorName, FaultAction } from "../faults/FaultAction.js";
import type { WorldTraceOptions } from "./ClockProbe.js";
import type { LogEntry, NodeFactory } from "../sim/NodeApi.js";

export interface NodeClockOptions {
  /** Fixed drift of this node's oscillator, in parts per million (positive runs fast). */
  driftPpm?: number;
  /** Offset of this node's wall clock from true time at the start, in ms. */
  initialOffsetMs?: number;
  /** This node's NTP measurement error bound, overriding `clocks.ntp.errorMs` (e.g. one far node). */
  ntpErrorMs?: number;
}

export interface NodeSpec {
  id: string;
  factory: NodeFactory;
  clock?: NodeClockOptions;
  /** Makes this node Byzantine from the start: a named adversary or a user function. */
  byzantine?: ByzantineBehaviorName | ByzantineBehavior;
  /** This node's disk: overrides `storage.crashPolicy` (e.g. one node without a battery-backed cache). */
  storage?: { crashPolicy?: CrashPolicy };
  /** Protocol-aware rewrite used by the "equivocate" and "lie" adversaries. */
  mutate?: (body: unknown, to: string, rng: import("../core/Rng.js").Rng) => unknown;
}

export interface NtpOptions {
  intervalMs: number;
  /** Each sync's measurement error is uniform in ±errorMs (LAN ≈ 35 ms, internet ≈ 100 ms). */
  errorMs: number;
  /** Offsets above this are stepped, below it slewed (ntpd: 128 ms). */
  stepThresholdMs?: number;
  slewRatePpm?: number;
}

export interface ClocksConfig {
  /** Each node's drift is drawn uniformly from ±driftPpmMax unless its spec fixes it. */
  driftPpmMax?: number;
  /** Each node's initial wall-clock offset is drawn uniformly from ±initialOffsetMsMax. */
  initialOffsetMsMax?: number;
  /** The drift bound TrueTime assumes (ppm); intervals are correct while |drift| stays below it. */
  driftBoundPpm?: number;
  /** Wall-clock reading (ms since the epoch) at virtual time zero. */
  epochMs?: number;
  ntp?: NtpOptions;
}

import type { CrashPolicy } from "../storage/StableStorage.js";
export type { CrashPolicy, TimingConfig };

/** Bounds on a run: how many events in all, how many pending at once. */
export type SimulationLimits = KernelLimits;

export interface SimulationConfig {
  seed: Seed | string | number | bigint;
  nodes: NodeSpec[] | Record<string, NodeFactory>;
  network?: NetworkConfig;
  /**
   * What the network promises about delay: nothing (`asynchronous`, the default), a bound on
   * every message (`synchronous`), or a bound from a global stabilisation time on
   * (`partially-synchronous`). Partition-type faults that would break the promise are refused.
   */
  timing?: TimingConfig;
  clocks?: ClocksConfig;
  storage?: { crashPolicy?: CrashPolicy };
  faults?: FaultAction[];
  limits?: SimulationLimits;
  /** Where the trace goes; `clocks` hands an observer a probe of the clocks (see ClockProbe). */
  trace?: WorldTraceOptions;
  /** What a node's uncaught error does: stop the run with the error (default), or crash the node. */
  onNodeError?: "throw" | "crash-node";
  /**
   * Shown every `ctx.log` line as it happens, with the node and the virtual time in ms, e.g.
   * `onLog: (e) => console.log(e.atMs, e.node, e.text)`. The lines are in the trace either way. It only observes: it must not throw or act on the world, so the run (and
   * its trace) is the same with it or without.
   */
  onLog?: ((entry: { node: string; atMs: number; text: string }) => void) | undefined;
}

export type { LogEntry };
