// Shows Maelstrom workloads checked inside murphy's simulator: the example JavaScript node passes
// every workload under partitions, its deliberate bugs are each caught by the property that names
// them, a killed node is restarted and sent init again, and a TypeScript Maelstrom node gives the
// same trace, byte for byte, for the same seed.
import { describe, expect, it } from "vitest";
import { createNode } from "../../../examples/maelstrom/node.mjs";
import broadcastNode from "../../../examples/maelstrom/broadcast.js";
import echoNode from "../../../examples/maelstrom/echo.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import {
  maelstromTestOptions,
  WORKLOAD_NAMES,
  type MaelstromTestInput,
} from "../harness/MaelstromOptions.js";
import { runSimulatedTest } from "./simulatedTest.js";

/** The logic of examples/maelstrom/node.mjs as a simulated node (it answers init itself). */
function jsNode(mode: string, bug: string | null = null): NodeFactory {
  return (ctx) => {
    const node = createNode(
      {
        send: (m) => ctx.send(m.dest, m.body),
        every: (ms, fn) => {
          const tick = () => {
            fn();
            ctx.setTimer(ms, tick);
          };
          ctx.setTimer(ms, tick);
        },
        now: () => ctx.clock.monotonicMs(),
        log: (text) => ctx.log(text),
      },
      mode,
      bug,
    );
    return { onMessage: (m) => node.handle({ src: m.from, dest: ctx.id, body: m.body as never }) };
  };
}

const base = {
  nodeCount: 3,
  timeLimitS: 5,
  rate: 40,
  latencyMs: 10,
  recoveryS: 2,
  requestTimeoutMs: 1000,
};
const run = (
  input: Partial<MaelstromTestInput> & { workload: string },
  node: NodeFactory,
  protocol: "maelstrom" | "murphy" = "maelstrom",
) => runSimulatedTest(maelstromTestOptions({ ...base, ...input }), node, { protocol });

describe("simulated Maelstrom tests", () => {
  it("shows the example node passing every workload under partitions", async () => {
    for (const workload of WORKLOAD_NAMES) {
      const outcome = await run(
        { workload, nemesis: ["partition"], nemesisIntervalS: 1 },
        jsNode(workload),
      );
      expect({ workload, valid: outcome.valid, problems: outcome.problems }).toEqual({
        workload,
        valid: "held",
        problems: [],
      });
      expect(outcome.nemesis.length).toBeGreaterThan(0);
      expect(outcome.figures.ok).toBeGreaterThan(100);
    }
  });

  it("shows each deliberate bug caught by the property that names it", async () => {
    const verdicts = async (
      input: Partial<MaelstromTestInput> & { workload: string },
      bug: string,
    ) =>
      Object.fromEntries(
        Object.entries((await run(input, jsNode(input.workload, bug))).properties).map(([k, v]) => [
          k,
          v.verdict,
        ]),
      );
    expect(await verdicts({ workload: "broadcast" }, "no-forward")).toEqual({
      "no-lost-messages": "violated",
    });
    expect(await verdicts({ workload: "g-counter", lossProbability: 0.2 }, "double-add")).toEqual({
      "counter-value": "violated",
    });
    expect(await verdicts({ workload: "lin-kv", concurrency: "2n" }, "cache")).toEqual({
      linearizable: "violated",
    });
    expect(await verdicts({ workload: "txn-rw-register" }, "uncommitted")).toEqual({
      "read-uncommitted": "held",
      "read-committed": "violated",
    });
    const txn = await run(
      { workload: "txn-rw-register" },
      jsNode("txn-rw-register", "uncommitted"),
    );
    expect(txn.properties["read-committed"]!.details[0]).toMatch(
      /^G1a \(aborted read\): op \d+ .* which failed$/,
    );
  });

  it("shows a killed node restarted and sent init again, and lin-kv staying linearizable meanwhile", async () => {
    const lines: string[] = [];
    const outcome = await runSimulatedTest(
      maelstromTestOptions({ ...base, workload: "lin-kv", nemesis: ["kill"], nemesisIntervalS: 1 }),
      jsNode("lin-kv"),
      {
        protocol: "maelstrom",
        trace: { sink: (line) => line.includes('"type":"init"') && lines.push(line) },
      },
    );
    expect(outcome.valid).toBe("held");
    const kills = outcome.nemesis.filter((e) => e.kind === "kill").length;
    expect(kills).toBeGreaterThan(0);
    expect(lines.length).toBe(3 + kills);
  });

  it("shows a TypeScript Maelstrom node giving a byte-identical trace for the same seed, and another for another seed", async () => {
    const input = {
      workload: "broadcast",
      nodeCount: 5,
      nemesis: ["partition", "pause"],
      nemesisIntervalS: 1,
    };
    const trace = async (seed: number) => {
      const lines: string[] = [];
      const outcome = await runSimulatedTest(
        maelstromTestOptions({ ...base, ...input, seed }),
        broadcastNode,
        {
          protocol: "murphy",
          trace: { sink: (line) => lines.push(line) },
        },
      );
      expect(outcome.valid).toBe("held");
      return { text: lines.join("\n"), hash: outcome.traceHash };
    };
    const [a, b, c] = [await trace(7), await trace(7), await trace(8)];
    expect(a.text.length).toBeGreaterThan(10_000);
    expect(b.text).toBe(a.text);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect((await run({ workload: "echo" }, echoNode, "murphy")).valid).toBe("held");
  });
});
