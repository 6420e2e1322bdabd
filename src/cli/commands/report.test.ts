// Shows the commands that write HTML reports: `run --seed --report` (with its trace file the same
// as without a report), `replay --report` with one file per variant, and a sweep's `--report DIR`
// with the reports of its first violating seeds.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reportFileFor } from "../runTraced.js";
import { replayCommand } from "./replay.js";
import { runCommand } from "./run.js";

const world = new URL("../../../test/worlds/volatileRegister.ts", import.meta.url).pathname;

describe("--report", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "murphy-report-"));
    vi.spyOn(console, "log").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes one seed's report beside its trace, and the trace is the one written without it", async () => {
    const base = { variant: "volatile", seed: "4" };
    await runCommand(world, { ...base, trace: join(dir, "plain.jsonl") });
    await runCommand(world, {
      ...base,
      trace: join(dir, "with.jsonl"),
      report: join(dir, "seed4.html"),
    });
    expect(readFileSync(join(dir, "with.jsonl"), "utf8")).toBe(
      readFileSync(join(dir, "plain.jsonl"), "utf8"),
    );
    const html = readFileSync(join(dir, "seed4.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('"command":"murphy run ');
    expect(html).toContain("--variant volatile --seed 0x0000000000000004");
  });

  it("writes one report per variant when replaying both, the variant before the extension", async () => {
    await replayCommand(world, { seed: "4", variant: "both", report: join(dir, "r.html") });
    expect(readdirSync(dir).sort()).toEqual(["r.durable.html", "r.volatile.html"]);
    expect(reportFileFor("out/r", "safe", 2)).toBe("out/r.safe");
    expect(reportFileFor("out.d/r.html", "safe", 1)).toBe("out.d/r.html");
  });

  it("writes the reports of a sweep's first violating seeds into the directory", async () => {
    const reports = join(dir, "reports");
    const code = await runCommand(world, {
      variant: "volatile",
      seeds: "8",
      workers: "1",
      report: reports,
    });
    expect(code).toBe(0);
    const files = readdirSync(reports);
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(3);
    for (const f of files) expect(f).toMatch(/^volatile-register-volatile-0x[0-9a-f]{16}\.html$/);
    expect(existsSync(join(reports, "volatile-register-volatile-0x0000000000000004.html"))).toBe(
      true,
    );
  });
});
