// Shows a real test end to end on OS processes: the durable-log world, whose server syncs before
// it answers, keeps every acknowledged add through SIGKILLs and SIGSTOPs, while its `unsynced`
// variant loses some and the same check says so; a run stopped early is still checked; a node
// whose code throws is reported; a node that cannot start is an error. After every one of them —
// passing, failing, interrupted or broken — no node process and no temporary directory is left.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";
import { loadWorld } from "../sweep/loadWorld.js";
import { NodeStartError } from "./ProcessSupervisor.js";
import { runRealTest, type RealTestEvent, type RealTestOptions } from "./RealTest.js";
import { alive } from "../../test/leftovers.js";

const DURABLE_LOG = resolve(import.meta.dirname, "../../test/worlds/durableLog.ts");
const pids = new Set<number>();
let scratch: string;
let savedTmp: string | undefined;

/**
 * Temporary directories land in a scratch directory of this test, so leftovers can be seen (tsx,
 * which runs the nodes from source here, keeps its compile cache there too: `tsx-<uid>`).
 */
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "murphy-realtest-"));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a test, noting every server's pid; afterwards none may be alive and no temp dir left. */
async function run(
  options: Omit<RealTestOptions, "world" | "onEvent"> & { onEvent?: (e: RealTestEvent) => void },
) {
  const world = await loadWorld(options.location);
  try {
    return await runRealTest({
      ...options,
      world,
      onEvent: (event) => {
        if (event.type === "cluster") for (const s of event.servers) pids.add(s.pid!);
        options.onEvent?.(event);
      },
    });
  } finally {
    expect([...pids].filter(alive)).toEqual([]);
    expect(
      readdirSync(scratch).filter((n) => !n.startsWith("world-") && !n.startsWith("tsx-")),
    ).toEqual([]);
  }
}

/** Kills and pauses of the one server, one a second (a restart from source takes about one). */
function killsAndPauses(count: number): FaultAction[] {
  const actions: FaultAction[] = [];
  for (let i = 0; i < count; i++) {
    const atMs = 500 + i * 1_000;
    actions.push(
      i % 3 === 2
        ? { atMs, kind: "pause", node: "log", durationMs: 200 }
        : { atMs, kind: "crash", node: "log", recoverAfterMs: 50 },
    );
  }
  return actions;
}

describe("runRealTest", () => {
  it("keeps every acknowledged add through kills and pauses; the unsynced variant is caught", async () => {
    const synced = await run({
      location: DURABLE_LOG,
      variant: "synced",
      seed: Seed.parse(1),
      timeLimitMs: 7_000,
      faults: killsAndPauses(6),
    });
    expect(synced.outcome.properties).toEqual({ durable: "held" });
    expect(synced.restarts).toBeGreaterThanOrEqual(4);
    expect(synced.outcome.figures.ok).toBeGreaterThan(20);
    const unsynced = await run({
      location: DURABLE_LOG,
      variant: "unsynced",
      seed: Seed.parse(1),
      timeLimitMs: 7_000,
      faults: killsAndPauses(6),
    });
    expect(unsynced.outcome.properties).toEqual({ durable: "violated" });
    expect(unsynced.outcome.details?.durable?.join("\n")).toMatch(/is missing from the read/);
  });

  it("checks what a run recorded when it is stopped early", async () => {
    const controller = new AbortController();
    const result = await run({
      location: DURABLE_LOG,
      variant: "synced",
      seed: Seed.parse(2),
      timeLimitMs: 600_000,
      faults: { families: ["pause"], faultsPerMinute: 60 },
      signal: controller.signal,
      progressEveryMs: 200,
      onEvent: (event) => {
        if (event.type === "progress" && event.operations.ok > 20) controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.outcome.properties.durable).toBe("held");
  });

  it("reports a node whose code throws, and an error for a node that cannot start", async () => {
    const dir = mkdtempSync(join(scratch, "world-"));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "throwing.ts");
    writeFileSync(
      file,
      `import { defineWorld } from ${JSON.stringify(resolve(import.meta.dirname, "../scenarios/defineWorld.ts"))};
export default defineWorld({
  name: "throwing",
  nodes: () => ({
    s: (ctx) => ({ onStart() { ctx.setTimer(100, () => { throw new Error("bug in s"); }); } }),
    c: () => ({}),
  }),
  runForMs: 1000,
  checks: { nothing: () => true },
  real: { clients: ["c"] },
});`,
    );
    try {
      const result = await run({
        location: file,
        variant: "default",
        seed: Seed.parse(3),
        timeLimitMs: 1_500,
        faults: [],
      });
      expect(result.unexpectedExits).toHaveLength(1);
      expect(result.unexpectedExits[0]).toMatchObject({ node: "s", code: 70 });
      expect(result.unexpectedExits[0]!.stderrTail.join("\n")).toMatch(/bug in s/);
      const world = await loadWorld(file);
      const broken = runRealTest({
        world,
        location: join(dir, "missing.ts"),
        variant: "default",
        seed: Seed.parse(3),
        timeLimitMs: 1_000,
        faults: [],
      });
      await expect(broken).rejects.toBeInstanceOf(NodeStartError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(
      readdirSync(scratch).filter((n) => !n.startsWith("world-") && !n.startsWith("tsx-")),
    ).toEqual([]);
  });
});
