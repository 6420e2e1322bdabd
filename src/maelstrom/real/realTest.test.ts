// Shows real binaries under the real-time harness: the example JavaScript and Python nodes pass
// every workload under partitions and pauses (and lin-kv under kills), each deliberate bug is
// caught by the property that names it, a murphy TypeScript node runs as a Maelstrom process
// through `murphy maelstrom node`, and 25 nodes broadcast on a grid at 100 ms with partitions,
// reporting messages per operation and stable latency. Short time limits keep this bounded; the
// longer runs are documented commands in docs/maelstrom.md.
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import {
  maelstromTestOptions,
  WORKLOAD_NAMES,
  type MaelstromTestInput,
} from "../harness/MaelstromOptions.js";
import { runRealTest } from "./realTest.js";

const example = (file: string) =>
  fileURLToPath(new URL(`../../../examples/maelstrom/${file}`, import.meta.url));
const cli = fileURLToPath(new URL("../../../dist/src/cli/main.js", import.meta.url));
const base = {
  nodeCount: 3,
  timeLimitS: 2,
  rate: 30,
  latencyMs: 5,
  recoveryS: 1,
  requestTimeoutMs: 1000,
  initTimeoutMs: 8000,
  nemesisIntervalS: 0.6,
};

async function test(
  file: string,
  input: Partial<MaelstromTestInput> & { workload: string },
  args: string[],
) {
  const outcome = await runRealTest(maelstromTestOptions({ ...base, ...input }), {
    command: example(file),
    args,
  });
  return outcome;
}

const verdicts = (outcome: Awaited<ReturnType<typeof test>>) =>
  Object.fromEntries(Object.entries(outcome.properties).map(([name, p]) => [name, p.verdict]));

describe.each(["node.mjs", "node.py"])("the example node %s as a real binary", (file) => {
  it("shows every workload passing under partitions and pauses, lin-kv also under kills", async () => {
    const outcomes = await Promise.all(
      WORKLOAD_NAMES.map((workload) =>
        test(
          file,
          {
            workload,
            nemesis:
              workload === "lin-kv" ? ["partition", "pause", "kill"] : ["partition", "pause"],
          },
          [workload],
        ),
      ),
    );
    outcomes.forEach((outcome, i) => {
      const summary = {
        workload: WORKLOAD_NAMES[i],
        valid: outcome.valid,
        problems: outcome.problems,
      };
      expect(summary).toEqual({ workload: WORKLOAD_NAMES[i], valid: "held", problems: [] });
      expect(outcome.figures.ok).toBeGreaterThan(0);
      expect(outcome.nemesis.length).toBeGreaterThan(0);
    });
  });
});

describe("deliberately broken real nodes", () => {
  it("shows each bug caught by the property that names it", async () => {
    const [broadcast, counterPy, counterJs, linKv, txnPy, txnJs] = await Promise.all([
      test("node.py", { workload: "broadcast" }, ["broadcast", "--bug", "no-forward"]),
      test("node.py", { workload: "g-counter", latencyMs: 10 }, [
        "g-counter",
        "--bug",
        "double-add",
      ]),
      test("node.mjs", { workload: "pn-counter", lossProbability: 0.2 }, [
        "pn-counter",
        "--bug",
        "double-add",
      ]),
      test("node.mjs", { workload: "lin-kv", concurrency: "2n" }, ["lin-kv", "--bug", "cache"]),
      test("node.py", { workload: "txn-rw-register" }, ["txn-rw-register", "--bug", "uncommitted"]),
      test("node.mjs", { workload: "txn-rw-register" }, [
        "txn-rw-register",
        "--bug",
        "uncommitted",
      ]),
    ]);
    expect(verdicts(broadcast)).toEqual({ "no-lost-messages": "violated" });
    expect(broadcast.properties["no-lost-messages"]!.details[0]).toMatch(
      /^message \d+ was acknowledged but is missing from the final read of n\d/,
    );
    expect(verdicts(counterPy)).toEqual({ "counter-value": "violated" });
    expect(verdicts(counterJs)).toEqual({ "counter-value": "violated" });
    expect(counterPy.properties["counter-value"]!.details[0]).toMatch(
      /^n\d read \d+; the adds allow \[\d+, \d+\]$/,
    );
    expect(verdicts(linKv)).toEqual({ linearizable: "violated" });
    expect(linKv.properties.linearizable!.details.join("\n")).toMatch(/cannot be linearised/);
    for (const txn of [txnPy, txnJs]) {
      expect(verdicts(txn)).toEqual({ "read-uncommitted": "held", "read-committed": "violated" });
      expect(txn.properties["read-committed"]!.summary).toMatch(
        /^read-committed violated: \d+ × G1a$/,
      );
    }
    for (const outcome of [broadcast, counterPy, counterJs, linKv, txnPy, txnJs])
      expect(outcome.exitCode).toBe(1);
  });
});

describe("a murphy TypeScript node as a Maelstrom process", () => {
  it.skipIf(!existsSync(cli))(
    "shows examples/maelstrom/broadcast.ts, run by `murphy maelstrom node`, passing broadcast under partitions",
    async () => {
      const outcome = await runRealTest(
        maelstromTestOptions({ ...base, workload: "broadcast", nemesis: ["partition"] }),
        { command: process.execPath, args: [cli, "maelstrom", "node", example("broadcast.ts")] },
      );
      expect({ valid: outcome.valid, problems: outcome.problems }).toEqual({
        valid: "held",
        problems: [],
      });
    },
  );
});

describe("broadcast on 25 nodes", () => {
  it("shows a grid at 100 ms latency with partitions delivering every message, with messages per operation and stable latency reported", async () => {
    const outcome = await test(
      "node.py",
      {
        workload: "broadcast",
        nodeCount: 25,
        timeLimitS: 3,
        rate: 50,
        latencyMs: 100,
        topology: "grid",
        nemesis: ["partition"],
        nemesisIntervalS: 1,
        recoveryS: 3,
        requestTimeoutMs: 2000,
      },
      ["broadcast"],
    );
    expect(outcome.valid).toBe("held");
    expect(outcome.net.servers).toBeGreaterThan(0);
    for (const figure of ["msgs-per-op-servers", "stable-latency-p50", "stable-latency-max"]) {
      expect(outcome.figures[figure]).toBeGreaterThanOrEqual(0);
    }
  });
});
