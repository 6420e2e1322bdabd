// 09 — Commit timestamps from skewed clocks, and Spanner's commit-wait.
//
// Two database nodes, n1 and n2, stamp each transaction they commit with their own clock. Their
// clocks are set to within ±5 ms of true time, drift by up to ±50 ppm and are corrected by NTP
// every 10 s to within ±5 ms, so they disagree by a few milliseconds. A client commits transaction
// A on one node, waits for the acknowledgement, and only then asks the other node to commit B. B
// happened after A, and a snapshot read at B's timestamp ought to see A; but when B's node runs
// behind A's by more than the round trip between them, B gets the smaller timestamp. Spanner's
// cure is TrueTime: a clock that answers with an interval [earliest, latest] certain to contain
// true time, ε either side of the reading. A node stamps a commit with `latest`, then waits until
// `earliest` has passed that stamp before acknowledging it (commit-wait). By then the stamp is in
// the past on every clock, so any transaction that starts later gets a larger one. Certainty is
// bought with waiting: about 2ε on every commit, which is why Spanner keeps ε small.
//
//   npm run build && node dist/examples/09-commit-wait.js

import { Simulation, TrueTime, type NodeFactory, type SimulationConfig } from "../src/index.js";
import { runIfMain } from "./run.js";

const SEEDS = 20;
const PAIRS_PER_SEED = 10;
const CLOCKS = {
  initialOffsetMsMax: 5,
  driftPpmMax: 50,
  driftBoundPpm: 200, // what TrueTime assumes; above the real drift, so its intervals hold
  ntp: { intervalMs: 10_000, errorMs: 5 },
} satisfies SimulationConfig["clocks"];

/** What a node tells the client about a commit; ε and the wait are shown only for the table. */
interface Commit {
  timestampMs: number;
  epsilonMs: number;
  waitMs: number;
}

function database(commitWait: boolean): NodeFactory {
  return (ctx) => {
    const trueTime = new TrueTime({ clock: ctx.clock, timers: ctx });
    return {
      async onMessage(message) {
        const { earliestMs, latestMs } = trueTime.now();
        const epsilonMs = (latestMs - earliestMs) / 2;
        if (!commitWait) {
          return ctx.reply(message, { timestampMs: ctx.clock.wallMs(), epsilonMs, waitMs: 0 });
        }
        const waitMs = await trueTime.commitWait(latestMs); // until latestMs has surely passed
        ctx.reply(message, { timestampMs: latestMs, epsilonMs, waitMs });
      },
    };
  };
}

/** Commits A, waits for its acknowledgement, then commits B on the other node; alternates sides. */
function client(pairs: [Commit, Commit][]): NodeFactory {
  return (ctx) => ({
    async onStart() {
      const commit = (to: string) => ctx.request<Commit>(to, "commit", { timeoutMs: 1_000 });
      for (let i = 0; i < PAIRS_PER_SEED; i++) {
        await ctx.sleep(ctx.random.uniform(0, 2_000)); // pairs spread over NTP's corrections
        const [first, second] = i % 2 === 0 ? ["n1", "n2"] : ["n2", "n1"];
        const a = await commit(first);
        pairs.push([a, await commit(second)]); // B starts after A was acknowledged
      }
    },
  });
}

async function runPairs(seed: number, commitWait: boolean): Promise<[Commit, Commit][]> {
  const pairs: [Commit, Commit][] = [];
  const sim = new Simulation({
    seed,
    nodes: { n1: database(commitWait), n2: database(commitWait), client: client(pairs) },
    network: { latency: { kind: "uniform", minMs: 0.2, maxMs: 1 } },
    clocks: CLOCKS,
  });
  await sim.run({ untilMs: 30_000 }); // NTP never stops; the pairs are done in about 20 s
  return pairs;
}

const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
const ms = (x: number) => `${x.toFixed(1)} ms`;

export async function main(): Promise<string[]> {
  const lines = [
    `clocks set to within ±${CLOCKS.initialOffsetMsMax} ms, ` +
      `drifting up to ±${CLOCKS.driftPpmMax} ppm, ` +
      `NTP every ${CLOCKS.ntp.intervalMs / 1000} s to within ±${CLOCKS.ntp.errorMs} ms`,
    `${SEEDS} seeds x ${PAIRS_PER_SEED} pairs: commit A on one node, then B on the other`,
    "",
    `${"commit timestamp".padEnd(36)}ε at commit  B stamped before A  smallest B - A  commit wait`,
  ];
  for (const commitWait of [false, true]) {
    const pairs: [Commit, Commit][] = [];
    for (let seed = 1; seed <= SEEDS; seed++) pairs.push(...(await runPairs(seed, commitWait)));
    const commits = pairs.flat();
    const epsilonMs = mean(commits.map((c) => c.epsilonMs));
    const waitMs = mean(commits.map((c) => c.waitMs));
    const gapsMs = pairs.map(([a, b]) => b.timestampMs - a.timestampMs);
    const inversions = gapsMs.filter((gapMs) => gapMs <= 0).length;
    const name = commitWait
      ? "TrueTime latest, then commit-wait"
      : "wall clock, acknowledged at once";
    const cells = [
      name.padEnd(36),
      ms(epsilonMs).padEnd(13),
      `${inversions} of ${pairs.length}`.padEnd(20),
      ms(Math.min(...gapsMs)).padEnd(16),
      commitWait ? `${ms(waitMs)} (2ε = ${ms(2 * epsilonMs)})` : "none",
    ];
    lines.push(cells.join(""));
  }
  return lines;
}

runIfMain(import.meta.url, main);
