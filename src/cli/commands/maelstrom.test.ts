// Shows `murphy maelstrom test` as a user meets it: Maelstrom's flags, murphy's report, and the
// exit codes of `murphy run` — 0 when every property held, 1 when one was violated, 2 for bad
// input or when nothing could be decided (no node ever answered).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../../dist/src/cli/main.js", import.meta.url));
const node = (file: string) =>
  fileURLToPath(new URL(`../../../examples/maelstrom/${file}`, import.meta.url));
const quick = [
  "--node-count",
  "2",
  "--time-limit",
  "1",
  "--rate",
  "20",
  "--latency",
  "2",
  "--recovery-time",
  "0.5",
  "--request-timeout",
  "1000",
];

function murphy(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } },
      (error, out, err) =>
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
          out,
          err,
        }),
    );
  });
}

describe.skipIf(!existsSync(cli))("murphy maelstrom test", () => {
  it("shows exit 0 for a correct node, 1 for a broken one, 2 for a bad flag or a binary that cannot run", async () => {
    const [ok, broken, badFlag, missing, simulated] = await Promise.all([
      murphy([
        "maelstrom",
        "test",
        "-w",
        "echo",
        "--bin",
        node("node.mjs"),
        ...quick,
        "--",
        "echo",
      ]),
      murphy([
        "maelstrom",
        "test",
        "-w",
        "broadcast",
        "--bin",
        node("node.py"),
        ...quick,
        "--",
        "broadcast",
        "--bug",
        "no-forward",
      ]),
      murphy(["maelstrom", "test", "-w", "lin-kvv", "--bin", node("node.py")]),
      murphy([
        "maelstrom",
        "test",
        "-w",
        "echo",
        "--bin",
        "./no-such-node",
        ...quick,
        "--init-timeout",
        "500",
      ]),
      murphy([
        "maelstrom",
        "test",
        "-w",
        "echo",
        "--node",
        node("echo.ts"),
        ...quick,
        "--seed",
        "7",
      ]),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ {2}echo: held — all \d+ echoes came back unchanged$/m);
    expect(ok.out).toMatch(/^valid\? true/m);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/^valid\? false \(violated: no-lost-messages\)$/m);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toMatch(/`--workload` must be one of "echo", .* got "lin-kvv"/);
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(
      /n0: could not run \.\/no-such-node: spawn \.\/no-such-node ENOENT/,
    );
    expect(simulated.code).toBe(0);
    expect(simulated.out).toMatch(/^seed 0x0000000000000007 · .*echo\.ts in the simulator$/m);
    expect(simulated.out).toMatch(/^trace hash [0-9a-f]{16}$/m);
  });
});
