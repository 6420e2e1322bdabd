// Byzantine faults: a node that lies. Four nodes must agree although one of them is a traitor that
// tells different nodes different things (equivocation), tells everyone the same lie, or says
// nothing. The network delays (lognormal), loses 2% and duplicates 1% of messages.
//
// unsafe  — a naive majority vote: every node broadcasts its input bit and decides the majority of
//           the votes it received (ties go to 0). The traitor (the kernel's "equivocate" adversary
//           with a protocol-aware rewrite) votes 0 to some nodes and 1 to others; when the correct
//           inputs split 2–1, the traitor's vote decides the tie differently at different nodes.
// safe    — PBFT (src/systems/pbft) with n = 4, f = 1: two clients submit three requests each; the
//           replicas agree on the sequence. The traitor is the primary in half of the seeds (its
//           equivocation, lies or silence force a view change) and a backup in the rest.
// pbft-n3 — the same protocol with n = 3 and f = 1, which is below n >= 3f + 1. A quorum of
//           n − f = 2 stays live with one node silent, but two quorums then share a single node,
//           which may be the traitor: an equivocating primary gets different requests committed
//           at one sequence number. (A quorum of 3 would keep agreement and lose progress instead.)
//
// Verdicts come from the Byzantine agreement checker (src/check) over what the correct nodes
// decided: in PBFT, per sequence number, plus a check that clients only accepted committed results.

import { checkByzantineAgreement } from "../../check/checkByzantineAgreement.js";
import { Rng } from "../../core/Rng.js";
import type { ByzantineBehavior } from "../../faults/Byzantine.js";
import type { NetworkConfig } from "../../net/Network.js";
import { Simulation } from "../../world/Simulation.js";
import type { NodeSpec } from "../../world/SimulationConfig.js";
import {
  Keyring,
  type MacAuthority,
  type PbftConfig,
  type PbftMessage,
  type Signer,
  pbftClient,
  pbftConfig,
  pbftReplica,
  commitStatement,
  prePrepareStatement,
  prepareStatement,
  replyStatement,
  requestDigest,
  viewChangeStatement,
} from "../../systems/pbft/index.js";
import {
  combineHashes,
  type RunSeedOptions,
  type Scenario,
  type SeedOutcome,
} from "../Scenario.js";

const NETWORK: NetworkConfig = {
  latency: { kind: "lognormal", medianMs: 5, sigma: 0.8, maxMs: 200 },
  lossProbability: 0.02,
  duplicateProbability: 0.01,
};
const VOTE_DEADLINE_MS = 100;
const CLIENTS = ["c0", "c1"];
const OPS_PER_CLIENT = 3;
const RUN_MS = 20_000;

type Mode = "equivocate" | "lie" | "silent";

interface Verdicts {
  agreement: boolean;
  validity: boolean;
  progress: boolean;
}

const verdict = (ok: boolean) => (ok ? "held" : "violated");

// --- unsafe: a naive majority vote ---------------------------------------------------------------

async function runMajorityVote(options: RunSeedOptions) {
  const rng = Rng.fromSeed(options.seed).derive("majority-vote");
  const nodes = ["n0", "n1", "n2", "n3"];
  const traitor = nodes[rng.int(nodes.length)]!;
  const inputs = new Map(nodes.map((id) => [id, rng.int(2)]));
  const decided = new Map<string, number>();
  const specs: NodeSpec[] = nodes.map((id) => ({
    id,
    factory: (ctx) => {
      const votes = new Map<string, number>([[id, inputs.get(id)!]]);
      const decide = () => {
        if (decided.has(id)) return;
        const ones = [...votes.values()].filter((v) => v === 1).length;
        decided.set(id, ones > votes.size - ones ? 1 : 0);
      };
      return {
        onStart() {
          for (const peer of ctx.peers) ctx.send(peer, { type: "vote", value: inputs.get(id) });
          ctx.setTimer(VOTE_DEADLINE_MS, decide);
        },
        onMessage(m) {
          votes.set(m.from, (m.body as { value: number }).value === 1 ? 1 : 0);
          if (votes.size === nodes.length) decide();
        },
      };
    },
    ...(id === traitor
      ? {
          byzantine: "equivocate" as const,
          mutate: (body: unknown, _to: string, r: Rng) => ({
            ...(body as object),
            value: r.int(2),
          }),
        }
      : {}),
  }));
  const sim = new Simulation({
    seed: options.seed,
    nodes: specs,
    network: NETWORK,
    ...(options.trace?.("majority-vote") ? { trace: options.trace("majority-vote")! } : {}),
  });
  const result = await sim.run();
  const report = checkByzantineAgreement({
    nodes: nodes.map((id) => ({
      id,
      correct: id !== traitor,
      proposed: inputs.get(id)!,
      ...(decided.has(id) ? { decided: decided.get(id)! } : {}),
    })),
    validity: "unanimous",
    requireDecision: true,
  });
  const kinds = new Set(report.violations.map((v) => v.kind));
  const verdicts: Verdicts = {
    agreement: !kinds.has("disagreement"),
    validity: !kinds.has("invalid-decision"),
    progress: !kinds.has("undecided"),
  };
  const messages = sim.trace.count("deliver");
  return {
    verdicts,
    result,
    messages,
    traitorIsPrimary: false,
    views: 0,
    latencyMs: NaN,
    accepted: NaN,
  };
}

// --- safe and pbft-n3: PBFT ------------------------------------------------------------------------

/**
 * The traitor's attack, aware of the protocol: it authenticates with its own MAC keys (only the
 * pairs it belongs to) and signs with its own key (and only its own). In `equivocate` mode the
 * replicas in `faction` hear a different story (another request, or a null one, at the same
 * sequence number; a view-change with its prepared and pre-prepared sets emptied; no new-view),
 * the others the truth; in `lie` mode everyone hears the same lie; `silent` says nothing. Replies
 * to clients always lie.
 */
function traitorBehavior(
  mode: Mode,
  keys: { signer: Signer; macs: MacAuthority; replicas: readonly string[] },
  faction: ReadonlySet<string>,
): ByzantineBehavior {
  const { signer, macs, replicas } = keys;
  const auth = (statement: string) => macs.authenticator(replicas, statement);
  const alternative = new Map<number, string>();
  return (m, { sent }) => {
    if (mode === "silent") return [];
    const body = m.body as PbftMessage;
    const misled = mode === "lie" || faction.has(m.to);
    const out = (b: unknown) => [{ to: m.to, body: b }];
    switch (body.type) {
      case "reply": {
        const lie = { ...body, result: body.result + 1 };
        return out({ ...lie, mac: macs.mac(m.to, replyStatement(m.to, lie)) });
      }
      case "pre-prepare": {
        if (!misled) return [m];
        // Another request this traitor proposed earlier, or a null request.
        const other = sent
          .map((s) => s.body as PbftMessage)
          .find((b) => b.type === "pre-prepare" && b.request !== null && b.digest !== body.digest);
        const request =
          mode === "equivocate" && other?.type === "pre-prepare" ? other.request : null;
        const digest = requestDigest(request);
        alternative.set(body.seq, digest);
        const statement = prePrepareStatement({ view: body.view, seq: body.seq, digest });
        return out({ ...body, request, digest, auth: auth(statement) });
      }
      case "prepare": {
        if (!misled) return [m];
        const digest = alternative.get(body.seq) ?? `forged-${body.seq}`;
        return out({ ...body, digest, auth: auth(prepareStatement({ ...body, digest })) });
      }
      case "commit": {
        if (!misled) return [m];
        const digest = alternative.get(body.seq) ?? `forged-${body.seq}`;
        return out({ ...body, digest, auth: auth(commitStatement({ ...body, digest })) });
      }
      case "view-change": {
        if (!misled) return [m];
        const lie = { ...body, prepared: [], prePrepared: [] };
        return out({ ...lie, signature: signer.sign(viewChangeStatement(lie)) });
      }
      case "new-view":
        return misled ? [] : [m];
      default:
        return [m];
    }
  };
}

/** One PBFT world: who the traitor is, how it lies, and whom it tells its other story. */
interface PbftCast {
  replicas: string[];
  keyring: Keyring;
  config: PbftConfig;
  traitorIsPrimary: boolean;
  traitor: string;
  mode: Mode;
  correct: string[];
  faction: Set<string>;
}

/** What replicas and clients report during a PBFT run. */
interface PbftObservations {
  /** Per replica, the op it executed at each sequence number ("null" for a null request). */
  executed: Map<string, Map<number, string>>;
  views: Map<string, number>;
  issued: Set<string>;
  issuedAtMs: Map<string, number>;
  accepted: { op: string; result: number; latencyMs: number }[];
}

async function runPbft(options: RunSeedOptions, n: 3 | 4) {
  const cast = pbftCast(options, n);
  const seen: PbftObservations = {
    executed: new Map(cast.replicas.map((r) => [r, new Map()])),
    views: new Map(),
    issued: new Set(),
    issuedAtMs: new Map(),
    accepted: [],
  };
  const label = `pbft-n${n}`;
  const sim = new Simulation({
    seed: options.seed,
    nodes: pbftNodeSpecs(cast, seen),
    network: NETWORK,
    ...(options.trace?.(label) ? { trace: options.trace(label)! } : {}),
  });
  const result = await sim.run({ untilMs: RUN_MS });
  const { correct } = cast;
  const accepted = seen.accepted;
  const latencyMs = accepted.reduce((s, a) => s + a.latencyMs, 0) / Math.max(1, accepted.length);
  return {
    verdicts: pbftVerdicts(cast, seen),
    result,
    messages: sim.trace.count("deliver"),
    traitorIsPrimary: cast.traitorIsPrimary,
    views: Math.max(0, ...correct.map((r) => seen.views.get(r) ?? 0)),
    latencyMs: accepted.length > 0 ? latencyMs : NaN,
    accepted: accepted.length / (CLIENTS.length * OPS_PER_CLIENT),
  };
}

/** Draws the world from the seed (the order of draws is part of every seed's meaning). */
function pbftCast(options: RunSeedOptions, n: 3 | 4): PbftCast {
  const rng = Rng.fromSeed(options.seed).derive(`pbft-${n}`);
  const replicas = Array.from({ length: n }, (_, i) => `r${i}`);
  const keyring = new Keyring([...replicas, ...CLIENTS], rng.derive("keys"));
  const config = pbftConfig({
    replicas,
    f: 1,
    keyring,
    ...(n === 3 ? { unsafeQuorum: n - 1 } : {}),
  });
  const traitorIsPrimary = rng.chance(0.5);
  const traitor = traitorIsPrimary ? replicas[0]! : replicas[1 + rng.int(n - 1)]!;
  const mode: Mode = (["equivocate", "equivocate", "lie", "silent"] as const)[rng.int(4)]!;
  const correct = replicas.filter((r) => r !== traitor);
  // A non-empty proper subset of the correct replicas hears the traitor's other story.
  const cut = 1 + rng.int(correct.length - 1);
  const faction = new Set(rng.shuffle([...correct]).slice(0, cut));
  return { replicas, keyring, config, traitorIsPrimary, traitor, mode, correct, faction };
}

/** Replicas (the traitor with its Byzantine behaviour) and clients, reporting into `seen`. */
function pbftNodeSpecs(cast: PbftCast, seen: PbftObservations): NodeSpec[] {
  const { config, keyring, traitor, mode, faction } = cast;
  return [
    ...cast.replicas.map((id) => ({
      id,
      factory: pbftReplica(config, {
        onExecute: (r, seq, request) =>
          void seen.executed.get(r)!.set(seq, request === null ? "null" : request.op),
        onNewView: (r, view) => void seen.views.set(r, view),
      }),
      ...(id === traitor
        ? {
            byzantine: traitorBehavior(
              mode,
              { signer: keyring.signer(id), macs: keyring.macs(id), replicas: cast.replicas },
              faction,
            ),
          }
        : {}),
    })),
    ...CLIENTS.map((id) => ({
      id,
      factory: pbftClient(config, {
        ops: Array.from({ length: OPS_PER_CLIENT }, (_, i) => `${id}-op${i}`),
        observer: {
          onIssue: (_c: string, op: string, atMs: number) => {
            seen.issued.add(op);
            seen.issuedAtMs.set(op, atMs);
          },
          onAccept: (_c: string, op: string, result: number, atMs: number) =>
            void seen.accepted.push({ op, result, latencyMs: atMs - seen.issuedAtMs.get(op)! }),
        },
      }),
    })),
  ];
}

function pbftVerdicts(cast: PbftCast, seen: PbftObservations): Verdicts {
  const { correct } = cast;
  const executed = seen.executed;
  // Validity: correct replicas execute only requests that clients issued.
  const validity = correct.every((r) =>
    [...executed.get(r)!.values()].every((op) => op === "null" || seen.issued.has(op)),
  );
  const progress = seen.accepted.length === CLIENTS.length * OPS_PER_CLIENT;
  return { agreement: pbftAgreement(cast, seen), validity, progress };
}

/** No two correct replicas executed different requests at one sequence number, and every result a
 * client accepted names the request correct replicas executed there. */
function pbftAgreement(cast: PbftCast, seen: PbftObservations): boolean {
  const { replicas, correct, traitor } = cast;
  const executed = seen.executed;
  const maxSeq = Math.max(0, ...correct.map((r) => Math.max(0, ...executed.get(r)!.keys())));
  let agreement = true;
  for (let seq = 1; seq <= maxSeq; seq++) {
    const report = checkByzantineAgreement({
      nodes: replicas.map((id) => {
        const decided = executed.get(id)!.get(seq);
        return { id, correct: id !== traitor, ...(decided !== undefined ? { decided } : {}) };
      }),
      validity: "unanimous",
    });
    if (report.violations.some((v) => v.kind === "disagreement")) agreement = false;
  }
  // A client accepted `result` for `op`: a correct replica that executed `result` must agree.
  for (const a of seen.accepted) {
    if (correct.some((r) => (executed.get(r)!.get(a.result) ?? a.op) !== a.op)) agreement = false;
  }
  return agreement;
}

export const byzantineAgreement: Scenario = {
  name: "byzantine-agreement",
  title: "Byzantine faults: agreement with a traitor that equivocates and lies",
  claim:
    "A system is Byzantine fault-tolerant if it continues to operate correctly even if some of the " +
    "nodes are malfunctioning and not obeying the protocol, or if malicious attackers are " +
    "interfering with the network. Most Byzantine fault-tolerant algorithms require a supermajority " +
    "of more than two-thirds of the nodes to be functioning correctly.",
  variants: [
    {
      name: "unsafe",
      description: "naive majority vote, n = 4, one node equivocates",
      expectViolations: true,
    },
    {
      name: "safe",
      description: "PBFT, n = 4, f = 1 (traitor is the primary in half the seeds)",
      expectViolations: false,
    },
    {
      name: "pbft-n3",
      description: "PBFT below 3f + 1: n = 3, f = 1, quorums of 2",
      expectViolations: true,
    },
  ],
  properties: ["agreement", "validity", "progress"],
  figures: [
    {
      name: "traitor-primary",
      kind: "rate",
      description: "seeds where the traitor is the primary",
    },
    { name: "view", kind: "mean", description: "highest view reached by a correct replica" },
    { name: "view-max", kind: "max", description: "highest view in any seed" },
    { name: "accepted", kind: "rate", description: "client requests accepted (f + 1 replies)" },
    { name: "latency", kind: "mean", unit: "ms", description: "client request latency" },
    { name: "latency-max", kind: "max", unit: "ms", description: "slowest seed's mean latency" },
    { name: "messages", kind: "mean", description: "messages delivered per seed" },
  ],
  keyFigures: ["view", "latency"],
  tourSeeds: 400,
  async run(options): Promise<SeedOutcome> {
    const r =
      options.variant === "unsafe"
        ? await runMajorityVote(options)
        : await runPbft(options, options.variant === "pbft-n3" ? 3 : 4);
    const pbft = options.variant !== "unsafe";
    return {
      seed: options.seed.toString(),
      variant: options.variant,
      properties: {
        agreement: verdict(r.verdicts.agreement),
        validity: verdict(r.verdicts.validity),
        progress: verdict(r.verdicts.progress),
      },
      figures: pbft
        ? {
            "traitor-primary": r.traitorIsPrimary ? 1 : 0,
            view: r.views,
            "view-max": r.views,
            accepted: r.accepted,
            latency: r.latencyMs,
            "latency-max": r.latencyMs,
            messages: r.messages,
          }
        : { messages: r.messages },
      traceHash: combineHashes([r.result.traceHash]),
      events: r.result.events,
    };
  },
};
