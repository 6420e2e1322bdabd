// Builds each node's host from its spec and the world's clock settings: a physical clock with its
// drift and initial offset (drawn from the node's own clock stream unless the spec fixes them),
// empty stable storage, the node's random stream, and its adversary if it starts Byzantine.

import type { Rng } from "../core/Rng.js";
import { requireNonNegative, requirePositive } from "../core/validate.js";
import { PhysicalClock } from "../clock/PhysicalClock.js";
import { byzantineBehavior } from "../faults/Byzantine.js";
import { StableStorage, validateCrashPolicy } from "../storage/StableStorage.js";
import { Host } from "./Host.js";
import type { ClocksConfig, NodeSpec, NtpOptions } from "./SimulationConfig.js";

export function buildHosts(specs: readonly NodeSpec[], clocks: ClocksConfig, rng: Rng): Host[] {
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
    if (spec.storage?.crashPolicy !== undefined) {
      validateCrashPolicy(spec.storage.crashPolicy, `nodes[${i}].storage.crashPolicy`);
    }
    const host = new Host(i, spec, clock, new StableStorage(), rng.derive(`node/${spec.id}`));
    if (spec.byzantine !== undefined) {
      host.byzantine =
        typeof spec.byzantine === "function"
          ? spec.byzantine
          : byzantineBehavior(spec.byzantine, spec.mutate);
    }
    return host;
  });
}

/** The NTP daemon's settings, checked, with ntpd's defaults (step above 128 ms, slew 500 ppm). */
export function validateNtp(ntp: NtpOptions | undefined): Required<NtpOptions> | undefined {
  if (ntp === undefined) return undefined;
  return {
    intervalMs: requirePositive("clocks.ntp.intervalMs", ntp.intervalMs),
    errorMs: requireNonNegative("clocks.ntp.errorMs", ntp.errorMs),
    stepThresholdMs: requirePositive("clocks.ntp.stepThresholdMs", ntp.stepThresholdMs ?? 128),
    slewRatePpm: requirePositive("clocks.ntp.slewRatePpm", ntp.slewRatePpm ?? 500),
  };
}
