// Unknown keys anywhere in a world's configuration are errors, not silently ignored settings:
// `network: { lossProbabilty: 0.5 }` fails at build time and suggests `lossProbability`.

import { requireKnownKeys } from "../core/validate.js";
import type { SimulationConfig } from "./SimulationConfig.js";

const TOP = [
  "seed",
  "nodes",
  "network",
  "timing",
  "clocks",
  "storage",
  "faults",
  "limits",
  "trace",
  "onNodeError",
  "onLog",
];
const NETWORK = [
  "latency",
  "lossProbability",
  "duplicateProbability",
  "reorderProbability",
  "reorderWindowMs",
  "switchQueue",
  "links",
];
const LINK = [
  "from",
  "to",
  "latency",
  "lossProbability",
  "duplicateProbability",
  "reorderProbability",
];
/** Each timing model's own settings; `gstMs` in a synchronous world is a mistake, not a no-op. */
const TIMING = new Map<unknown, readonly string[]>([
  ["asynchronous", ["model"]],
  ["synchronous", ["model", "maxDelayMs"]],
  ["partially-synchronous", ["model", "gstMs", "maxDelayMs"]],
]);
/** For a model not (yet) known, every key any model knows; the model itself is checked later. */
const ANY_TIMING = ["model", "gstMs", "maxDelayMs"];
const CLOCKS = ["driftPpmMax", "initialOffsetMsMax", "driftBoundPpm", "epochMs", "ntp"];
const NTP = ["intervalMs", "errorMs", "stepThresholdMs", "slewRatePpm"];
const NODE = ["id", "factory", "clock", "byzantine", "mutate", "storage"];
const NODE_CLOCK = ["driftPpm", "initialOffsetMs", "ntpErrorMs"];

export function checkConfigKeys(config: SimulationConfig): void {
  requireKnownKeys("", config, TOP);
  requireKnownKeys("network", config.network, NETWORK);
  (config.network?.links ?? []).forEach((link, i) =>
    requireKnownKeys(`network.links[${i}]`, link, LINK),
  );
  const timingModel = (config.timing as { model?: unknown } | undefined)?.model;
  requireKnownKeys(
    "timing",
    config.timing,
    TIMING.get(timingModel) ?? ANY_TIMING,
    '{ model: "partially-synchronous", gstMs: 1000, maxDelayMs: 20 }',
  );
  requireKnownKeys("clocks", config.clocks, CLOCKS);
  requireKnownKeys("clocks.ntp", config.clocks?.ntp, NTP);
  requireKnownKeys("storage", config.storage, ["crashPolicy"]);
  requireKnownKeys("limits", config.limits, ["maxEvents", "maxQueuedEvents"]);
  requireKnownKeys("trace", config.trace, ["sink", "keepLast", "clocks"]);
  if (Array.isArray(config.nodes)) {
    config.nodes.forEach((spec, i) => {
      requireKnownKeys(`nodes[${i}]`, spec, NODE);
      requireKnownKeys(`nodes[${i}].clock`, spec.clock, NODE_CLOCK);
      requireKnownKeys(`nodes[${i}].storage`, spec.storage, ["crashPolicy"]);
    });
  }
}
