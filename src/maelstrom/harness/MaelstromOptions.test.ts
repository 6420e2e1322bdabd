// Shows Maelstrom's flags validated once, with errors naming the flag and the fix, and the
// defaults filled in.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/errors.js";
import { maelstromTestOptions } from "./MaelstromOptions.js";

describe("maelstromTestOptions", () => {
  it("shows Maelstrom's defaults and concurrency as a multiple of the node count", () => {
    const o = maelstromTestOptions({ workload: "broadcast", nodeCount: 3, concurrency: "2n" });
    expect(o).toMatchObject({
      nodeCount: 3,
      concurrency: 6,
      timeLimitMs: 10_000,
      rate: 5,
      topology: "grid",
      nemesis: [],
    });
    expect(o.latency).toEqual({ kind: "constant", ms: 0 });
    expect(
      maelstromTestOptions({ workload: "echo", latencyMs: 100, latencyDist: "uniform" }).latency,
    ).toEqual({ kind: "uniform", minMs: 0, maxMs: 200 });
    expect(maelstromTestOptions({ workload: "echo", availability: "total" }).availability).toBe(1);
  });

  it("shows unknown workloads, nemeses and values out of range refused by flag name", () => {
    const refuse = (input: Parameters<typeof maelstromTestOptions>[0]) => {
      try {
        maelstromTestOptions(input);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).field;
      }
      throw new Error("accepted");
    };
    expect(refuse({ workload: "lin-kvv" })).toBe("--workload");
    expect(refuse({ workload: "echo", nemesis: ["partition", "clock"] })).toBe("--nemesis[1]");
    expect(refuse({ workload: "echo", concurrency: "2x" })).toBe("--concurrency");
    expect(refuse({ workload: "echo", nodeCount: 0 })).toBe("--node-count");
    expect(refuse({ workload: "echo", lossProbability: 1.5 })).toBe("--loss");
    expect(refuse({ workload: "echo", availability: 1.01 })).toBe("--availability");
    expect(refuse({ workload: "echo", timeLimitS: 0 })).toBe("--time-limit");
  });
});
