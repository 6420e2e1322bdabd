import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mergeCommand } from "./merge.js";
import { runCommand } from "./run.js";

/** Runs a command with console.log captured; returns what it printed and its exit code. */
async function captured(command: () => number | Promise<number>) {
  const lines: string[] = [];
  const spy = vi
    .spyOn(console, "log")
    .mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    const code = await command();
    return { code, output: lines.join("\n") };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("murphy run --shard and murphy merge", () => {
  it("merge the shard files of request-response into exactly the unsharded JSON", async () => {
    // Shows the acceptance: shards 0/3, 1/3, 2/3 merge to exactly the result of the unsharded run.
    const dir = mkdtempSync(join(tmpdir(), "murphy-shards-"));
    const base = { variant: "both", seeds: "70", json: true, workers: "1" };
    const single = await captured(() => runCommand("request-response", base));
    for (const shard of ["0/3", "1/3", "2/3"]) {
      const run = await captured(() =>
        runCommand("request-response", { ...base, shard, out: dir }),
      );
      expect(run.code).toBe(0);
    }
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      "murphy-shard-0-of-3.json",
      "murphy-shard-1-of-3.json",
      "murphy-shard-2-of-3.json",
    ]);
    const merged = await captured(() =>
      mergeCommand(
        files.map((f) => join(dir, f)),
        { json: true },
      ),
    );
    const { determinismMismatches: _, ...expected } = JSON.parse(single.output) as Record<
      string,
      unknown
    >;
    expect(JSON.parse(merged.output)).toEqual(expected);
    expect(merged.output).toBe(JSON.stringify(expected, null, 2));
    expect(merged.code).toBe(single.code);
  });

  it("refuses --shard with --seed and a malformed --shard", async () => {
    // Shows the flag errors, each naming the value and the fix.
    await expect(
      runCommand("request-response", { variant: "both", seed: "1", shard: "0/2" }),
    ).rejects.toThrow(/--shard.*not with --seed/);
    await expect(runCommand("request-response", { variant: "both", shard: "2/2" })).rejects.toThrow(
      /use one of 0\/2, 1\/2/,
    );
  });
});
