// Builds each node's hardware from its spec and the world's settings: a physical clock with its
// drift and initial offset (drawn from the node's own clock stream unless the spec fixes them),
// an empty disk with its crash policy, and its adversary if it starts Byzantine.

import type { Rng } from "../core/Rng.js";
import { ConfigError } from "../core/errors.js";
import { requireNonNegative, requireOneOf } from "../core/validate.js";
import { PhysicalClock } from "../clock/PhysicalClock.js";
import { byzantineBehavior } from "../faults/Byzantine.js";
import { BYZANTINE_BEHAVIOR_NAMES } from "../faults/FaultAction.js";
import { StableStorage, validateCrashPolicy } from "../storage/StableStorage.js";
import type { HostedNode } from "../sim/WorldModels.js";
import type { NodeSpec, SimulationConfig } from "./SimulationConfig.js";

/** A node's spec, its models, and the kernel's view of them. */
export interface BuiltNode {
  readonly spec: NodeSpec;
  readonly clock: PhysicalClock;
  readonly disk: StableStorage;
  readonly hosted: HostedNode;
}

export function buildNodes(
  specs: readonly NodeSpec[],
  config: Pick<SimulationConfig, "clocks" | "storage">,
  rng: Rng,
): BuiltNode[] {
  const clocks = config.clocks ?? {};
  const crashPolicy = validateCrashPolicy(
    config.storage?.crashPolicy ?? "random-prefix",
    "storage.crashPolicy",
  );
  const driftPpmMax = requireNonNegative("clocks.driftPpmMax", clocks.driftPpmMax ?? 0);
  const offsetMsMax = requireNonNegative(
    "clocks.initialOffsetMsMax",
    clocks.initialOffsetMsMax ?? 0,
  );
  return specs.map((spec, i) => {
    const clockRng = rng.derive(`clock/${spec.id}`);
    const clock = new PhysicalClock(
      {
        driftPpm:
          spec.clock?.driftPpm ??
          (driftPpmMax > 0 ? clockRng.uniform(-driftPpmMax, driftPpmMax) : 0),
        initialOffsetMs:
          spec.clock?.initialOffsetMs ??
          (offsetMsMax > 0 ? clockRng.uniform(-offsetMsMax, offsetMsMax) : 0),
        // Until its first sync a node knows its clock only to within how it was set.
        syncUncertaintyMs:
          spec.clock?.initialOffsetMs !== undefined
            ? Math.abs(spec.clock.initialOffsetMs)
            : offsetMsMax,
        ...(clocks.epochMs !== undefined ? { epochMs: clocks.epochMs } : {}),
        ...(clocks.driftBoundPpm !== undefined ? { driftBoundPpm: clocks.driftBoundPpm } : {}),
      },
      `nodes[${i}].clock`,
    );
    if (spec.clock?.ntpErrorMs !== undefined) {
      requireNonNegative(`nodes[${i}].clock.ntpErrorMs`, spec.clock.ntpErrorMs);
    }
    const disk = new StableStorage(
      validateCrashPolicy(
        spec.storage?.crashPolicy ?? crashPolicy,
        `nodes[${i}].storage.crashPolicy`,
      ),
    );
    if (spec.mutate !== undefined && typeof spec.mutate !== "function") {
      throw new ConfigError({
        field: `nodes[${i}].mutate`,
        value: spec.mutate,
        expected: "a function (body, to, rng) => body",
        fix: "pass the protocol-aware rewrite, or leave mutate out",
      });
    }
    const adversary =
      spec.byzantine === undefined || typeof spec.byzantine === "function"
        ? spec.byzantine
        : byzantineBehavior(
            requireOneOf(`nodes[${i}].byzantine`, spec.byzantine, BYZANTINE_BEHAVIOR_NAMES),
            spec.mutate,
          );
    return {
      spec,
      clock,
      disk,
      hosted: { id: spec.id, factory: spec.factory, clock, disk, adversary },
    };
  });
}
