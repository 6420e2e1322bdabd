// Shows `murphy test` as a user runs it (the built CLI, `npm run build` first; npm test does): the
// example world's ABD quorum stays linearizable for 10 s of partitions, pauses, kills and clock
// faults (exit 0), its run is saved and checks again, and `murphy check` reads its history; the
// naive primary/backup is caught by a partition that splits its clients; Ctrl-C stops the run,
// which is still checked and saved; bad input exits 2 with the fix. Every node process the CLI
// started is gone when it exits.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alive } from "../../../test/leftovers.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const CLI = join(ROOT, "dist/src/cli/main.js");
const WORLD = join(ROOT, "examples/worlds/primary-backup.ts");
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), "murphy-test-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI to its end (bounded); returns its exit code and output. */
function murphy(args: string[], limitMs = 90_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`murphy ${args.join(" ")} ran past ${limitMs} ms:\n${out}`));
    }, limitMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, out });
    });
  });
}

function serverPids(out: string): number[] {
  return [...out.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
}

describe("murphy test", () => {
  it("keeps ABD linearizable under partitions, pauses, kills and clock faults, and saves the run", async () => {
    const args = ["test", WORLD, "--variant", "quorum", "--time-limit", "10", "--seed", "7"];
    const { code, out } = await murphy([...args, "--rate", "120", "--out", "runs"]);
    expect(out).toMatch(/linearizable: held/);
    expect(code).toBe(0);
    for (const kind of ["crash", "pause", "clock-"]) expect(out).toContain(kind);
    expect(serverPids(out).filter(alive)).toEqual([]);
    const saved = join(dir, "runs", "primary-backup-quorum-0x0000000000000007");
    expect(readdirSync(saved).sort()).toEqual(["faults.json", "history.jsonl", "run.json"]);
    const again = await murphy(["test", WORLD, "--recheck", saved]);
    expect([again.code, again.out]).toEqual([0, expect.stringMatching(/linearizable: held/)]);
    const checked = await murphy(["check", join(saved, "history.jsonl"), "--model", "register"]);
    expect([checked.code, checked.out]).toEqual([0, expect.stringMatching(/^ok: linearizable/)]);
  });

  it("catches the naive primary/backup when a partition splits its clients", async () => {
    const schedule = join(dir, "split.json");
    writeFileSync(
      schedule,
      JSON.stringify([
        {
          atMs: 1_000,
          kind: "partition",
          groups: [
            ["n1", "c1"],
            ["n2", "c2"],
          ],
        },
        { atMs: 4_000, kind: "heal" },
      ]),
    );
    const args = ["test", WORLD, "--variant", "naive", "--time-limit", "6", "--seed", "1"];
    const { code, out } = await murphy([...args, "--schedule", schedule, "--out", "runs"]);
    expect(out).toMatch(/linearizable: violated/);
    // An unsafe variant that shows its violation is the expected outcome, as with murphy run.
    expect(code).toBe(0);
    expect(serverPids(out).filter(alive)).toEqual([]);
  });

  it("on Ctrl-C stops every node, still checks and saves what it recorded, and exits 2", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "test", WORLD, "--variant", "quorum", "--time-limit", "600", "--out", "stopped"],
      { cwd: dir, env: { ...process.env, NO_COLOR: "1" } },
    );
    let out = "";
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const interrupted = new Promise<void>((resolvePromise) =>
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (/calls: /.test(out)) resolvePromise();
      }),
    );
    const exited = new Promise((r) => child.on("exit", r));
    await Promise.race([interrupted, exited]);
    child.kill("SIGINT");
    expect(await exited).toBe(2);
    expect(out).toMatch(/interrupted/);
    expect(out).toMatch(/linearizable: held/);
    expect(serverPids(out).filter(alive)).toEqual([]);
    expect(readdirSync(join(dir, "stopped"))).toHaveLength(1);
  });

  it("exits 2 with the fix for bad input", async () => {
    const bad = await murphy(["test", WORLD, "--nemesis", "partition,earthquake"]);
    expect([bad.code, bad.out]).toEqual([2, expect.stringMatching(/earthquake.*--nemesis/s)]);
    const sim = await murphy(["test", "request-response", "--time-limit", "1"]);
    expect([sim.code, sim.out]).toEqual([2, expect.stringMatching(/defineWorld/)]);
    const bug = await murphy(["test", "raft-kv", "--bug", "typo"]);
    expect([bug.code, bug.out]).toEqual([
      2,
      expect.stringMatching(/--bug.*use one of forget-vote/s),
    ]);
    const noBugs = await murphy(["test", WORLD, "--bug", "forget-vote"]);
    expect([noBugs.code, noBugs.out]).toEqual([2, expect.stringMatching(/has none/)]);
  });

  it("runs a world's planted bug with --bug, its servers as processes and its own clients here", async () => {
    const args = ["test", "raft-kv", "--bug", "stale-read", "--time-limit", "4", "--seed", "3"];
    const { code, out } = await murphy([...args, "--out", "raft", "--nemesis", "none"]);
    expect(out).toMatch(/variant bug-stale-read/);
    expect(out).toMatch(/clients c1, c2, c3 run in this process/);
    expect(out).toMatch(/linearizable: held/);
    expect(code).toBe(0);
    expect(serverPids(out).filter(alive)).toEqual([]);
    expect(readdirSync(join(dir, "raft"))).toEqual(["raft-kv-bug-stale-read-0x0000000000000003"]);
  });
});
