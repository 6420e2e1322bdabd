// Unknown keys anywhere in a world's configuration are errors, not silently ignored settings:
// `network: { lossProbabilty: 0.5 }` fails at build time and suggests `lossProbability`.

import { requireKnownKeys } from "../core/validate.js";
import type { SimulationConfig } from "./SimulationConfig.js";

const TOP = [
  "seed",
  "nodes",
  "network",
  "clocks",
  "storage",
  "faults",
  "limits",
  "trace",
  "onNodeError",
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
  requireKnownKeys("clocks", config.clocks, CLOCKS);
  requireKnownKeys("clocks.ntp", config.clocks?.ntp, NTP);
  requireKnownKeys("storage", config.storage, ["crashPolicy"]);
  requireKnownKeys("limits", config.limits, ["maxEvents", "maxQueuedEvents"]);
  requireKnownKeys("trace", config.trace, ["sink", "keepLast"]);
  if (Array.isArray(config.nodes)) {
    config.nodes.forEach((spec, i) => {
      requireKnownKeys(`nodes[${i}]`, spec, NODE);
      requireKnownKeys(`nodes[${i}].clock`, spec.clock, NODE_CLOCK);
      requireKnownKeys(`nodes[${i}].storage`, spec.storage, ["crashPolicy"]);
    });
  }
}
