// Unknown keys anywhere in a world's configuration are errors, not silently ignored settings:
// `network: { lossProbabilty: 0.5 }` fails at build time and suggests `lossProbability`. So is a
// setting of the wrong shape (`trace: null`, `network: { links: {} }`): a ConfigError naming it,
// before any later code can trip over it with a TypeError. (Fault actions are checked, keys too,
// with the schedule: see FaultAction.ts.)

import { ConfigError } from "../core/errors.js";
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
  if (!isRecord(config)) {
    throw new ConfigError({
      field: "config",
      value: config,
      expected: "an object with seed and nodes",
      fix: "pass e.g. { seed: 1, nodes: { a: factory } }",
    });
  }
  requireKnownKeys("", config, TOP);
  // (`timing` and `clocks.ntp` are checked by their own validators, which show an example.)
  for (const field of ["network", "clocks", "storage", "limits", "trace"] as const) {
    optionalObject(field, config[field]);
  }
  requireKnownKeys("network", config.network, NETWORK);
  optionalArray("network.links", config.network?.links);
  (config.network?.links ?? []).forEach((link, i) => {
    requireObject(`network.links[${i}]`, link);
    requireKnownKeys(`network.links[${i}]`, link, LINK);
  });
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
      requireObject(`nodes[${i}]`, spec);
      requireKnownKeys(`nodes[${i}]`, spec, NODE);
      optionalObject(`nodes[${i}].clock`, spec.clock);
      requireKnownKeys(`nodes[${i}].clock`, spec.clock, NODE_CLOCK);
      optionalObject(`nodes[${i}].storage`, spec.storage);
      requireKnownKeys(`nodes[${i}].storage`, spec.storage, ["crashPolicy"]);
    });
  } else if (!isRecord(config.nodes)) {
    throw new ConfigError({
      field: "nodes",
      value: config.nodes,
      expected: "an array of node specs, or an object from node id to factory",
      fix: "pass e.g. nodes: { a: factory, b: factory }",
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireObject(field: string, value: unknown): void {
  if (isRecord(value)) return;
  throw new ConfigError({
    field,
    value,
    expected: "an object",
    fix: "pass an object of settings (or leave it out for the defaults)",
  });
}

function optionalObject(field: string, value: unknown): void {
  if (value !== undefined) requireObject(field, value);
}

function optionalArray(field: string, value: unknown): void {
  if (value === undefined || Array.isArray(value)) return;
  throw new ConfigError({
    field,
    value,
    expected: "an array",
    fix: "pass a list (or leave it out)",
  });
}
