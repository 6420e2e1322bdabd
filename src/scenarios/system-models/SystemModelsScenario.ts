// System models: what a consensus protocol can promise depends on what the world promises it.
// One protocol — single-decree Paxos among three nodes, each a proposer, an acceptor and a
// learner, each proposing its own value — runs under three timing models and two crash models:
//
//   synchronous               every message arrives within 5 ms (latency 1–5 ms), nothing else
//                             goes wrong;
//   partially synchronous     until a global stabilisation time (GST, 1–2 s) the network is chaos:
//                             random partitions, latency multiplied 5–60×, 20% loss, changing every
//                             50–250 ms; from GST on every message arrives within 5 ms;
//   asynchronous              the chaos never ends, and nothing is promised;
//
//   crash-stop                one node crashes at a random time and never comes back;
//   crash-recovery            every node crashes once or twice and restarts 10–150 ms later with
//                             its stable storage (unsynced writes may be lost).
//
// The timing model is the world's own `timing` setting (`synchronous` with `maxDelayMs`,
// `partially-synchronous` with `gstMs` and `maxDelayMs`, or the default `asynchronous`). The chaos
// before GST is fault actions (`partition`, `slow`, `loss`); nothing clears them at GST: the last
// partition, slowdown and loss rate still stand, and the bound comes from the timing model alone —
// a message lost or partitioned from GST on arrives at the bound, as a reliable link's
// retransmission, and a message still in flight at GST arrives by GST + 5 ms.
//
// Safety (agreement: no two decisions differ, even across a node's restarts; validity: the
// decision is a proposed value) must hold in every model; liveness (every node that is up has
// learned the decision by the deadline) only where timing allows: the deadline is 1 s in the
// synchronous model, GST + 1 s in the partially synchronous one, and the end of the run (4 s) in
// the asynchronous one, where no deadline is promised at all.
//
// unsafe: acceptors write their promise and accepted value to storage but do not sync before
// replying; the operating system writes the data back every 100 ms. A crash inside that window
// loses the unsynced promise, the restarted acceptor has forgotten what it accepted, and a later
// ballot can choose a different value. safe: every acceptor (and proposer, for its round counter,
// and learner) calls `ctx.storage.sync()` before replying. Crashes fall in a 150 ms window from
// when the protocol is likely to decide (the start, or GST).

import { Rng } from "../../core/Rng.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import { checkByzantineAgreement } from "../../check/checkByzantineAgreement.js";
import { Simulation } from "../../world/Simulation.js";
import type { TimingConfig } from "../../world/SimulationConfig.js";
import { type PaxosWorld, paxosNode } from "./PaxosNode.js";
import { figureValue, type VariantSummary } from "../VariantSummary.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

export const TIMING_MODELS = ["synchronous", "partially-synchronous", "asynchronous"] as const;
export const CRASH_MODELS = ["crash-stop", "crash-recovery"] as const;
export type TimingModel = (typeof TIMING_MODELS)[number];
export type CrashModel = (typeof CRASH_MODELS)[number];

const NODES = ["n1", "n2", "n3"] as const;
/** The delay bound where timing is bounded (the synchronous world's latency is 1–5 ms anyway). */
const MAX_DELAY_MS = 5;
const SYNC_DEADLINE_MS = 1_000;
const AFTER_GST_DEADLINE_MS = 1_000;
const ASYNC_RUN_MS = 4_000;
/** Crashes fall in a window this long, starting when the protocol is likely to decide. */
const CRASH_WINDOW_MS = 150;

/**
 * The network chaos of the non-synchronous models, from the start until `untilMs` (GST). It is not
 * cleared: from GST on, the timing model bounds whatever state it left.
 */
function chaos(rng: Rng, untilMs: number): FaultAction[] {
  const faults: FaultAction[] = [];
  // Compared in whole microseconds, as the world compares a partition's time with GST.
  const before = (t: number) => Math.round(t * 1000) < Math.round(untilMs * 1000);
  for (let t = rng.uniform(0, 50); before(t); t += rng.uniform(50, 250)) {
    const groups: string[][] = [[], [], []];
    for (const n of NODES) groups[rng.int(3)]!.push(n);
    faults.push({ atMs: t, kind: "partition", groups: groups.filter((g) => g.length > 0) });
    faults.push({ atMs: t, kind: "slow", factor: rng.uniform(5, 60) });
    faults.push({ atMs: t, kind: "loss", probability: 0.2 });
  }
  return faults;
}

/** Crashes in the CRASH_WINDOW_MS from `fromMs` — around when the protocol is likely to decide. */
function crashes(rng: Rng, model: CrashModel, fromMs: number): FaultAction[] {
  if (model === "crash-stop") {
    return [
      { atMs: fromMs + rng.uniform(0, CRASH_WINDOW_MS), kind: "crash", node: rng.pick(NODES) },
    ];
  }
  const faults: FaultAction[] = [];
  for (const node of NODES) {
    const count = 1 + rng.int(2);
    for (let i = 0; i < count; i++) {
      faults.push({
        atMs: fromMs + rng.uniform(0, CRASH_WINDOW_MS),
        kind: "crash",
        node,
        recoverAfterMs: rng.uniform(10, 150),
      });
    }
  }
  return faults;
}

function timingOf(timing: TimingModel, gstMs: number): TimingConfig {
  switch (timing) {
    case "synchronous":
      return { model: "synchronous", maxDelayMs: MAX_DELAY_MS };
    case "partially-synchronous":
      return { model: "partially-synchronous", gstMs, maxDelayMs: MAX_DELAY_MS };
    case "asynchronous":
      return { model: "asynchronous" };
  }
}

export interface ModelWorldResult {
  timing: TimingModel;
  crash: CrashModel;
  agreement: boolean;
  validity: boolean;
  /** Every node up at the deadline had learned the decision by then. */
  live: boolean;
  /** When the first decision was made, in ms (NaN if none). */
  firstDecisionMs: number;
  traceHash: string;
  events: number;
}

export async function runModelWorld(
  options: RunSeedOptions,
  timing: TimingModel,
  crash: CrashModel,
  durable: boolean,
): Promise<ModelWorldResult> {
  const rng = Rng.fromSeed(options.seed).derive(`system-models/${timing}/${crash}`);
  const gstMs =
    timing === "synchronous"
      ? 0
      : timing === "partially-synchronous"
        ? rng.uniform(1_000, 2_000)
        : ASYNC_RUN_MS;
  const deadlineMs =
    timing === "synchronous"
      ? SYNC_DEADLINE_MS
      : timing === "partially-synchronous"
        ? gstMs + AFTER_GST_DEADLINE_MS
        : ASYNC_RUN_MS;
  const faults = [
    ...(gstMs > 0 ? chaos(rng, gstMs) : []),
    ...crashes(
      rng,
      crash,
      timing === "asynchronous" ? rng.uniform(0, ASYNC_RUN_MS - CRASH_WINDOW_MS) : gstMs,
    ),
  ];
  const world: PaxosWorld = { decisions: [], now: () => 0 };
  const label = `${timing}/${crash}`;
  const sim = new Simulation({
    seed: options.seed,
    nodes: Object.fromEntries(NODES.map((id) => [id, paxosNode(world, NODES, durable)])),
    network: { latency: { kind: "uniform", minMs: 1, maxMs: MAX_DELAY_MS } },
    timing: timingOf(timing, gstMs),
    faults,
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  world.now = () => sim.now;
  const result = await sim.run({ untilMs: deadlineMs });
  const check = checkByzantineAgreement({
    validity: "proposed",
    nodes: [
      ...NODES.map((id) => ({ id: `proposer-${id}`, correct: true, proposed: `v-${id}` })),
      ...world.decisions.map((d) => ({
        id: `${d.node}#${d.incarnation}`,
        correct: true,
        decided: d.value,
      })),
    ],
  });
  // A node knows the decision if it is on its disk (synced or not: it is what the node sees now).
  const live = NODES.every((id) => !sim.isAlive(id) || sim.storageOf(id).has("decided"));
  return {
    timing,
    crash,
    agreement: !check.violations.some((v) => v.kind === "disagreement"),
    validity: !check.violations.some((v) => v.kind === "invalid-decision"),
    live,
    firstDecisionMs:
      world.decisions.length === 0
        ? NaN
        : Math.min(...world.decisions.map((d) => d.atMicros)) / 1000,
    traceHash: result.traceHash,
    events: result.events,
  };
}

const cell = (timing: TimingModel, crash: CrashModel) => `${timing}.${crash}`;

export const systemModels: Scenario = {
  name: "system-models",
  title: "Paxos under synchronous, partially synchronous and asynchronous timing",
  claim:
    "Algorithms are designed for a system model: synchronous, partially synchronous or " +
    "asynchronous timing, with crash-stop, crash-recovery or Byzantine faults. Safety properties " +
    "must hold in every situation the model allows; liveness may be qualified — e.g. a decision " +
    "is reached only once the network has stabilised.",
  variants: [
    {
      name: "unsafe",
      description: "acceptors reply before syncing their promise/accepted value",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "acceptors, proposers and learners sync to stable storage before replying",
      expectViolations: false,
    },
  ],
  properties: ["agreement", "validity"],
  figures: TIMING_MODELS.flatMap((timing) =>
    CRASH_MODELS.flatMap((crash) => [
      {
        name: `${cell(timing, crash)}.live`,
        kind: "rate" as const,
        description: `${timing}, ${crash}: decided by the deadline`,
      },
      {
        name: `${cell(timing, crash)}.disagreed`,
        kind: "rate" as const,
        description: `${timing}, ${crash}: agreement violated`,
      },
    ]),
  ),
  tourSeeds: 500,
  keyFigures: ["synchronous.crash-recovery.disagreed", "asynchronous.crash-stop.live"],
  async run(options): Promise<SeedOutcome> {
    const durable = options.variant === "safe";
    const hashes: string[] = [];
    const figures: Record<string, number> = {};
    let events = 0;
    let agreement = true;
    let validity = true;
    for (const timing of TIMING_MODELS) {
      for (const crash of CRASH_MODELS) {
        const r = await runModelWorld(options, timing, crash, durable);
        hashes.push(r.traceHash);
        events += r.events;
        agreement &&= r.agreement;
        validity &&= r.validity;
        figures[`${cell(timing, crash)}.live`] = r.live ? 1 : 0;
        figures[`${cell(timing, crash)}.disagreed`] = r.agreement ? 0 : 1;
      }
    }
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: {
        agreement: agreement ? "held" : "violated",
        validity: validity ? "held" : "violated",
      },
      figures,
      traceHash: combineHashes(hashes),
      events,
    };
  },
  report(summaries: readonly VariantSummary[]): string[] {
    const lines: string[] = [];
    for (const s of summaries) {
      lines.push(
        `${s.variant}: timing x crash model -> safety (agreement), liveness (decided by the deadline)`,
      );
      lines.push(
        `  ${"timing".padEnd(23)} ${"crashes".padEnd(15)} ${"agreement".padEnd(26)} liveness`,
      );
      for (const timing of TIMING_MODELS) {
        for (const crash of CRASH_MODELS) {
          const rate = (name: string) =>
            figureValue(s, { name: `${cell(timing, crash)}.${name}`, kind: "rate" }) ?? 0;
          const disagreed = Math.round(rate("disagreed") * s.seeds);
          const safety =
            disagreed === 0 ? `held in all ${s.seeds}` : `violated in ${disagreed}/${s.seeds}`;
          lines.push(
            `  ${timing.padEnd(23)} ${crash.padEnd(15)} ${safety.padEnd(26)} ${(rate("live") * 100).toFixed(1)}%`,
          );
        }
      }
    }
    return lines;
  },
};
