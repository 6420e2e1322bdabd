// 10 — Byzantine faults: agreeing although one node lies.
//
// Four nodes must agree on a value, and one is a traitor that equivocates: it tells different
// peers different things (`byzantine: "equivocate"` on its node spec passes each message it sends
// through `mutate`, once per receiver). In a naive majority vote each node broadcasts its input bit
// and adopts the majority of the four votes it hears, a tie going to 0: when the correct inputs
// split 2–1, the traitor's vote tips the count one way at one node and the other way at another.
//
// PBFT decides nothing on one message: the primary proposes an order for the clients' requests,
// the replicas echo what they accepted (prepare), and a request is decided after 2f + 1 matching
// prepares, then 2f + 1 matching commits. With n = 4 and f = 1, any two quorums of 3 share a
// correct replica, so no two values are both decided. Here two clients each submit a write, a
// replica decides the order it executed them in, and the traitor sends each peer its own forged
// digest (as the primary, it is replaced by a view change). With n = 3, a quorum of 3 needs the
// traitor, so nothing is decided; a quorum of 2 would stay live, but two quorums would share one
// node, perhaps the traitor (the byzantine-agreement scenario's pbft-n3 variant shows that attack).
//
//   npm run build && node dist/examples/10-byzantine-agreement.js

import {
  checkByzantineAgreement,
  Keyring,
  pbftClient,
  pbftConfig,
  pbftReplica,
  Rng,
  Simulation,
  type NodeSpec,
} from "../src/index.js";
import { runIfMain } from "./run.js";

const SEEDS = 40;
const RUN_MS = 1_000; // with n = 4, the last decision comes within 0.4 s
const REPLICAS = ["r0", "r1", "r2", "r3"];
const CLIENTS = ["c1", "c2"];

/** One node as the agreement checker sees it (a traitor's decision is not judged). */
interface Judged {
  id: string;
  correct: boolean;
  proposed?: number;
  decided?: number | string;
  heard?: number; // the vote this node heard from the traitor
}

/** Every node broadcasts its input and, with all four votes in, decides their majority. */
async function majorityVote(seed: number): Promise<Judged[]> {
  const random = Rng.fromSeed(seed).derive("inputs");
  const traitor = `n${seed % 4}`;
  const judged: Judged[] = ["n0", "n1", "n2", "n3"].map((id) => {
    return { id, correct: id !== traitor, proposed: random.int(2) };
  });
  const nodes: NodeSpec[] = judged.map((node) => ({
    id: node.id,
    factory: (ctx) => {
      const votes = new Map([[node.id, node.proposed]]);
      return {
        onStart: () => ctx.peers.forEach((peer) => ctx.send(peer, node.proposed)),
        onMessage(message) {
          votes.set(message.from, message.body as number);
          if (message.from === traitor) node.heard = message.body as number;
          if (votes.size < judged.length) return;
          const ones = [...votes.values()].filter((vote) => vote === 1).length;
          node.decided = ones > judged.length - ones ? 1 : 0;
        },
      };
    },
    // The traitor votes 0 to some peers and 1 to others.
    ...(node.correct ? {} : { byzantine: "equivocate", mutate: (_v, _to, r) => r.int(2) }),
  }));
  await new Simulation({ seed, nodes }).run();
  return judged;
}

/** A traitor's PBFT message, as one peer hears it: its own digest of a request nobody sent. */
function forge(body: unknown, to: string): unknown {
  const message = body as { digest?: string };
  return message.digest === undefined ? body : { ...message, digest: `forged-for-${to}` };
}

/** n PBFT replicas order two clients' writes; a decision is the order a replica executed them. */
async function pbft(seed: number, n: 3 | 4, keyring: Keyring): Promise<Judged[]> {
  const replicas = REPLICAS.slice(0, n);
  const traitor = replicas[seed % n]; // in every n-th seed, the first primary: r0
  // pbftConfig refuses n < 3f + 1 unless the quorum is given: here, the usual 2f + 1 = 3.
  const config = pbftConfig({ replicas, f: 1, keyring, ...(n === 3 ? { unsafeQuorum: 3 } : {}) });
  const executed = new Map(replicas.map((id) => [id, [] as string[]]));
  const onExecute = (id: string, _seq: number, request: { op: string } | null) =>
    request !== null && executed.get(id)!.push(request.op);
  const nodes: NodeSpec[] = [
    ...replicas.map((id) => ({
      id,
      factory: pbftReplica(config, { onExecute }),
      ...(id === traitor ? { byzantine: "equivocate" as const, mutate: forge } : {}),
    })),
    ...CLIENTS.map((id) => ({ id, factory: pbftClient(config, { ops: [`x := ${id}`] }) })),
  ];
  await new Simulation({ seed, nodes }).run({ untilMs: RUN_MS });
  return replicas.map((id) => {
    const ops = executed.get(id)!;
    const decided = ops.length === CLIENTS.length ? ops.join(", then ") : undefined;
    return { id, correct: id !== traitor, decided };
  });
}

/** What each correct node of a majority vote heard and decided, and the checker's verdict. */
function explain(run: string, nodes: Judged[], verdict: { message: string }): string[] {
  const traitor = nodes.find((node) => !node.correct)!.id;
  const lines = [`${run}, where ${traitor} is the traitor (a tie decides 0):`];
  for (const { id, correct, proposed, heard, decided } of nodes) {
    if (correct)
      lines.push(`  ${id}: input ${proposed}, heard ${heard} from ${traitor}, decided ${decided}`);
  }
  return [...lines, `  checkByzantineAgreement: ${verdict.message}`];
}

export async function main(): Promise<string[]> {
  // Making key pairs is slow, so every seed shares one keyring; each world is still its own seed.
  const keyring = new Keyring([...REPLICAS, ...CLIENTS], Rng.fromSeed(10).derive("keys"));
  const designs: [string, (seed: number) => Promise<Judged[]>][] = [
    ["majority vote, n = 4", majorityVote],
    ["PBFT, n = 4, quorums of 3", (seed) => pbft(seed, 4, keyring)],
    ["PBFT, n = 3, quorums of 3", (seed) => pbft(seed, 3, keyring)],
  ];
  const lines = [`${SEEDS} seeds per design, one node a traitor; seeds in which correct nodes`];
  lines.push(`${"design".padEnd(27)}${"disagreed".padStart(10)}${"did not decide".padStart(16)}`);
  let example: string[] = [];
  for (const [name, run] of designs) {
    let [disagreed, undecided] = [0, 0];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const nodes = await run(seed);
      const { violations } = checkByzantineAgreement({ nodes, requireDecision: true });
      if (violations.some((v) => v.kind === "undecided")) undecided++;
      const disagreement = violations.find((v) => v.kind === "disagreement");
      if (disagreement === undefined) continue;
      disagreed++;
      if (example.length === 0) example = explain(`${name}, seed ${seed}`, nodes, disagreement);
    }
    const counts = `${String(disagreed).padStart(10)}${String(undecided).padStart(16)}`;
    lines.push(`${name.padEnd(27)}${counts}`);
  }
  return [...lines, "", ...example];
}

runIfMain(import.meta.url, main);
