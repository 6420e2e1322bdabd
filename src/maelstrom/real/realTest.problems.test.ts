// Shows the real-time harness surviving nodes that misbehave: malformed or oversized lines, a node
// that exits, one that never answers init, one that floods the network and one that stops reading
// — each reported with the node and (for lines) the line number, the run going on with the rest,
// and every process gone afterwards, also when a run is aborted half-way.
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { maelstromTestOptions } from "../harness/MaelstromOptions.js";
import { runRealTest, type RealTestOptions } from "./realTest.js";
import { alive } from "../../../test/leftovers.js";

const misbehaving = fileURLToPath(
  new URL("../../../test/maelstrom/misbehaving-node.py", import.meta.url),
);

async function echoTest(
  mode: string,
  extra: RealTestOptions = {},
  timeLimitS = 1.5,
  latencyMs = 2,
) {
  const pids: number[] = [];
  const options = maelstromTestOptions({
    workload: "echo",
    nodeCount: 3,
    timeLimitS,
    rate: 30,
    latencyMs,
    recoveryS: 0.2,
    requestTimeoutMs: 1000,
    initTimeoutMs: 3000,
  });
  const outcome = await runRealTest(
    options,
    { command: misbehaving, args: [mode, "n1"] },
    {
      ...extra,
      onSpawn: (node, pid) => {
        if (pid !== undefined) pids.push(pid);
        extra.onSpawn?.(node, pid);
      },
    },
  );
  return { outcome, pids, problems: outcome.problems.map((p) => `${p.node}: ${p.problem}`) };
}

describe("a real Maelstrom test with misbehaving nodes", () => {
  it("shows bad lines, an exit and a node that never answers init reported by node and line, the run going on", async () => {
    const [garbage, huge, exit, silent] = await Promise.all([
      echoTest("garbage"),
      echoTest("huge", { maxLineBytes: 1024 * 1024 }),
      echoTest("exit"),
      echoTest("silent"),
    ]);
    expect(garbage.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^n1: printed malformed JSON on stdout line 2: not JSON .*; line: this is not json$/,
        ),
        expect.stringMatching(
          /^n1: printed malformed JSON on stdout line 3: `body.type` must be a non-empty string/,
        ),
      ]),
    );
    expect(huge.problems).toContain(
      "n1: printed a line longer than 1048576 bytes (stdout line 2); dropped",
    );
    expect(exit.problems).toContain("n1: exited with code 3; last stderr: giving up");
    expect(silent.problems).toContain("n1: never answered init within 3000 ms");
    for (const run of [garbage, huge, exit, silent]) {
      expect(run.outcome.properties.echo!.verdict).toBe("held");
      expect(run.outcome.figures.ok).toBeGreaterThan(0);
      expect(run.pids.filter(alive)).toEqual([]);
    }
    // The silent node's clients went to the others: nothing was lost to it.
    expect(silent.outcome.figures.info).toBe(0);
  });

  it("shows a flooding node throttled and a node that stops reading capped, without deadlock or unbounded buffers", async () => {
    // 100 ms of latency keeps thousands of the flood's messages in flight.
    const flood = await echoTest("flood", { maxInFlightPerNode: 2000 }, 1.5, 100);
    expect(flood.problems).toContain(
      "n1: floods the network: more than 2000 of its messages in flight; its stdout is read again once half have arrived",
    );
    expect(flood.outcome.properties.echo!.verdict).toBe("held");
    const deaf = await echoTest("deaf", { maxQueuedLines: 50 });
    expect(deaf.problems).toContain(
      "n1: is not reading its stdin: more than 50 messages waiting, dropping more",
    );
    expect([...flood.pids, ...deaf.pids].filter(alive)).toEqual([]);
  });

  it("shows every process gone after an aborted run and after kills with restarts", async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 700);
    const aborted = await echoTest("garbage", { signal: abort.signal }, 30);
    expect(aborted.pids.length).toBe(3);
    expect(aborted.pids.filter(alive)).toEqual([]);

    // A test that fails half-way (here: its own hook throws after two nodes started) still stops them.
    const started: number[] = [];
    const failing = echoTest("none", {
      onSpawn: (_node, pid) => {
        if (pid !== undefined) started.push(pid);
        if (started.length === 2) throw new Error("the test failed");
      },
    });
    await expect(failing).rejects.toThrow("the test failed");
    expect(started.length).toBe(2);
    expect(started.filter(alive)).toEqual([]);

    const pids: number[] = [];
    const options = maelstromTestOptions({
      workload: "echo",
      nodeCount: 3,
      timeLimitS: 2,
      rate: 30,
      nemesis: ["kill"],
      nemesisIntervalS: 0.3,
      recoveryS: 0.3,
      requestTimeoutMs: 500,
      initTimeoutMs: 5000,
    });
    const outcome = await runRealTest(
      options,
      { command: misbehaving, args: ["none", "none"] },
      { onSpawn: (_n, pid) => pid !== undefined && pids.push(pid) },
    );
    expect(outcome.nemesis.length).toBeGreaterThan(1);
    expect(pids.length).toBe(3 + outcome.nemesis.length);
    expect(pids.filter(alive)).toEqual([]);
    expect(outcome.problems).toEqual([]);
  });
});
