// `murphy test <world>`: the world for real, Jepsen-style. Its servers run as OS processes on this
// machine behind fault proxies, its clients run here and record the history, a nemesis plays the
// simulator's fault JSON on them (partitions through the proxies, pauses with SIGSTOP, kills with
// SIGKILL and restart, clock jumps and drift), and the world's own checks judge the history. It
// prints progress and a summary, exits like `murphy run` (0 as expected, 1 violated, 2 unknown),
// and saves each run (history, schedule, verdicts, node logs) so it can be checked again with
// `--recheck DIR` or `murphy check DIR/history.jsonl`. Ctrl-C stops the run and still checks
// what it recorded.

import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { Seed } from "../../core/Rng.js";
import { describeFault, type FaultAction } from "../../faults/FaultAction.js";
import { faultScheduleFromJson } from "../../faults/FaultScheduleJson.js";
import { parseNemesis } from "../../faults/NemesisSchedule.js";
import { LOGS_DIR, loadRun, saveRun, type RunRecord } from "../../runtime/RealRunFiles.js";
import { requireReal } from "../../runtime/RealCluster.js";
import {
  countOperations,
  runRealTest,
  type NemesisPlan,
  type RealTestEvent,
  type RealTestResult,
} from "../../runtime/RealTest.js";
import type { Scenario } from "../../scenarios/Scenario.js";
import { loadWorld, worldLocation, worldRef } from "../../sweep/loadWorld.js";
import { addOutcome, emptySummary } from "../../sweep/SweepSummary.js";
import { formatNumber, sweepExitCode } from "../formatSweep.js";
import { readInputFile } from "../readInputFile.js";
import { resolveVariants, variantOption } from "../sweepOptions.js";
import { testEtcdCommand } from "./real.js";
import { numberFlag } from "../numberFlag.js";

interface TestOptions {
  variant: string;
  bug?: string;
  timeLimit: string;
  nemesis: string;
  rate: string;
  quietTail?: string;
  seed?: string;
  schedule?: string;
  clients?: string;
  out: string;
  hmac: boolean;
  maxFrameBytes?: string;
  latencyMs?: string;
  jitterMs?: string;
  log?: boolean;
  json?: boolean;
  recheck?: string;
}

export function registerTestCommand(program: Command): void {
  program
    .command("test")
    .description(
      "run a world's servers as real processes under injected faults and check what clients saw",
    )
    .argument(
      "<world>",
      "a world file (./my-world.ts), a scenario defined with defineWorld, or etcd (a real etcd cluster)",
    )
    .option("--variant <name>", "a variant of the world, or both/all", "both")
    .option("--bug <name>", "run the world's planted bug NAME (its variant bug-NAME)")
    .option("--time-limit <s>", "seconds each variant runs", "60")
    .option(
      "--nemesis <kinds>",
      "fault families: partition,pause,kill,clock,loss or none",
      "partition,pause,kill,clock",
    )
    .option("--rate <n>", "fault episodes started per minute, all families together", "30")
    .option("--quiet-tail <s>", "seconds at the end without faults (default: a fifth of the run)")
    .option("--seed <seed>", "draws the nemesis and the nodes' random streams (default: random)")
    .option("--schedule <file>", "play this fault schedule (JSON) instead of drawing one")
    .option(
      "--clients <ids>",
      "nodes the harness runs as clients (default: the world's real.clients)",
    )
    .option("--out <dir>", "where each run is saved", "murphy-test")
    .option("--no-hmac", "send frames without a MAC (by default each run has a fresh shared key)")
    .option("--max-frame-bytes <n>", "largest frame a node accepts", String(1024 * 1024))
    .option("--latency-ms <n>", "latency the proxies add to every frame")
    .option("--jitter-ms <n>", "jitter (±) the proxies add to every frame")
    .option("--log", "print the nodes' log lines as they come")
    .option("--json", "print the results as JSON")
    .option("--recheck <dir>", "check a saved run again with the world's checks (starts nothing)")
    .action(async (name: string, options: TestOptions, command: Command) => {
      // etcd is a real system murphy did not write: it has its own Jepsen-style test (real.ts).
      if (name === "etcd") process.exitCode = await testEtcdCommand(options, command);
      else process.exitCode = await testCommand(name, options);
    });
}

export async function testCommand(name: string, options: TestOptions): Promise<number> {
  const world = await loadWorld(name);
  if (options.recheck !== undefined) return recheck(world, options.recheck, options);
  const variants = resolveVariants(world, variantOption(world, options, "both")!);
  const settings = parseSettings(options);
  const controller = new AbortController();
  const interrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    if (!options.json)
      console.log(pc.yellow("\ninterrupted: stopping the nodes (again to quit now)"));
    controller.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  const runs: VariantRun[] = [];
  try {
    for (const variant of variants) {
      if (controller.signal.aborted) break;
      runs.push(await runVariant(world, variant, settings, options, controller.signal));
    }
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  }
  if (options.json) {
    const json = runs.map(({ dir, record }) => ({ dir, ...record }));
    console.log(JSON.stringify(json, null, 2));
  }
  return exitCode(
    world,
    runs.map(({ record }) => ({ variant: record.variant, result: record })),
  );
}

/** The flags of a run, checked. */
interface Settings {
  seed: Seed;
  timeLimitMs: number;
  nemesis: NemesisPlan;
  clients: string[] | undefined;
  maxFrameBytes: number;
  latencyMs: number | undefined;
  jitterMs: number | undefined;
}

function parseSettings(options: TestOptions): Settings {
  const quietTail = options.quietTail;
  return {
    seed:
      options.seed === undefined
        ? Seed.parse(randomBytes(8).readBigUInt64BE(0))
        : Seed.parse(options.seed),
    timeLimitMs: seconds("--time-limit", options.timeLimit) * 1000,
    nemesis: {
      families: parseNemesis(options.nemesis),
      faultsPerMinute: number("--rate", options.rate),
      ...(quietTail === undefined
        ? {}
        : { quietTailMs: seconds("--quiet-tail", quietTail) * 1000 }),
    },
    clients: options.clients
      ?.split(",")
      .map((c) => c.trim())
      .filter((c) => c !== ""),
    maxFrameBytes: integer("--max-frame-bytes", options.maxFrameBytes ?? String(1 << 20)),
    latencyMs:
      options.latencyMs === undefined ? undefined : number("--latency-ms", options.latencyMs),
    jitterMs: options.jitterMs === undefined ? undefined : number("--jitter-ms", options.jitterMs),
  };
}

interface VariantRun {
  dir: string;
  record: RunRecord;
}

/** One variant for real: run, save, print. */
async function runVariant(
  world: Scenario,
  variant: string,
  s: Settings,
  options: TestOptions,
  signal: AbortSignal,
): Promise<VariantRun> {
  const dir = resolve(options.out, `${world.name}-${variant}-${s.seed.toString()}`);
  const plan = faultPlan(world, variant, s.seed, options.schedule, s.nemesis);
  if (!options.json) printHeader(world, variant, s.seed, s.timeLimitMs, plan.source);
  const logs = new NodeLogs(join(dir, LOGS_DIR));
  let result: RealTestResult;
  try {
    result = await runRealTest({
      world,
      location: worldLocation(world),
      variant,
      seed: s.seed,
      timeLimitMs: s.timeLimitMs,
      faults: plan.faults(),
      clients: s.clients,
      hmacKey: options.hmac ? "random" : undefined,
      maxFrameBytes: s.maxFrameBytes,
      ...(s.latencyMs === undefined ? {} : { latencyMs: s.latencyMs }),
      ...(s.jitterMs === undefined ? {} : { jitterMs: s.jitterMs }),
      signal,
      onEvent: (event) => {
        logs.take(event);
        if (!options.json) printEvent(event, options.log === true);
      },
    });
  } finally {
    await logs.close();
  }
  const record: RunRecord = {
    world: worldRef(world),
    variant,
    seed: s.seed.toString(),
    timeLimitMs: s.timeLimitMs,
    endMicros: result.endMicros,
    interrupted: result.interrupted,
    faultSource: plan.source,
    faultsApplied: result.faultsApplied,
    restarts: result.restarts,
    unexpectedExits: result.unexpectedExits,
    frames: result.frames,
    operations: countOperations(result.history),
    outcome: result.outcome,
  };
  saveRun(dir, record, result.history, result.faults);
  if (!options.json) printSummary(world, record, dir);
  return { dir, record };
}

/** `murphy run`'s rule per variant; a node that died by itself, or a cut-short run, is unknown. */
function exitCode(
  world: Scenario,
  runs: readonly {
    variant: string;
    result: Pick<RealTestResult, "outcome" | "unexpectedExits" | "interrupted">;
  }[],
): number {
  const summaries = runs.map(({ variant, result }) => {
    const summary = emptySummary(world.name, variant);
    addOutcome(summary, result.outcome);
    return summary;
  });
  let code = sweepExitCode(world, summaries);
  if (runs.length === 0 || Object.keys(runs[0]!.result.outcome.properties).length === 0) code = 2;
  const troubled = runs.some((r) => r.result.unexpectedExits.length > 0 || r.result.interrupted);
  return code === 0 && troubled ? 2 : code;
}

interface FaultPlanChoice {
  source: string;
  faults: () => readonly FaultAction[] | NemesisPlan;
}

function faultPlan(
  world: Scenario,
  variant: string,
  seed: Seed,
  schedule: string | undefined,
  nemesis: NemesisPlan,
): FaultPlanChoice {
  if (schedule !== undefined) {
    const text = readInputFile(schedule, "fault schedule");
    const faults = faultScheduleFromJson(text, nodeIdsOf(world, variant, seed));
    return { source: `schedule ${schedule} (${faults.length} actions)`, faults: () => faults };
  }
  const source =
    nemesis.families.length === 0 || nemesis.faultsPerMinute === 0
      ? "no faults"
      : `nemesis ${nemesis.families.join(",")} at ${nemesis.faultsPerMinute}/min`;
  return { source, faults: () => nemesis };
}

function nodeIdsOf(world: Scenario, variant: string, seed: Seed): string[] {
  return requireReal(world)
    .build({ seed, variant, nowMicros: () => 0 })
    .nodes.map((n) => n.id);
}

async function recheck(world: Scenario, dir: string, options: TestOptions): Promise<number> {
  const real = requireReal(world);
  const { record, history, faults } = loadRun(dir, (r) =>
    nodeIdsOf(world, r.variant, Seed.parse(r.seed)),
  );
  const run = real.build({
    seed: Seed.parse(record.seed),
    variant: record.variant,
    nowMicros: () => 0,
  });
  const outcome = await run.check({ history, faults, endMicros: record.endMicros });
  const rechecked: RunRecord = { ...record, operations: countOperations(history), outcome };
  if (options.json) console.log(JSON.stringify({ dir, outcome }, null, 2));
  else {
    console.log(pc.bold(`murphy test ${worldRef(world)} --recheck ${dir}`) + ` — ${world.title}`);
    printSummary(world, rechecked, dir, false);
  }
  const result = {
    outcome,
    unexpectedExits: record.unexpectedExits,
    interrupted: record.interrupted,
  };
  return exitCode(world, [{ variant: record.variant, result }]);
}

// --- Output --------------------------------------------------------------------------------------

function printHeader(
  world: Scenario,
  variant: string,
  seed: Seed,
  timeLimitMs: number,
  source: string,
): void {
  const v = world.variants.find((x) => x.name === variant)!;
  console.log(pc.bold(`murphy test ${worldRef(world)}`) + ` — ${world.title}`);
  console.log(
    `variant ${pc.bold(variant)}` +
      pc.dim(` — ${v.description}`) +
      `; ${timeLimitMs / 1000} s; seed ${seed.toString()}; ${source}`,
  );
}

function at(ms: number): string {
  return `${(ms / 1000).toFixed(1).padStart(6)} s`;
}

function printEvent(event: RealTestEvent, log: boolean): void {
  switch (event.type) {
    case "schedule":
      console.log(pc.dim(`fault schedule: ${event.faults.length} actions`));
      return;
    case "cluster":
      for (const s of event.servers) {
        console.log(
          pc.dim(`  server ${s.id.padEnd(6)} ${s.address.host}:${s.address.port}  pid ${s.pid}`),
        );
      }
      console.log(pc.dim(`  clients ${event.clients.join(", ")} run in this process`));
      return;
    case "fault":
      console.log(
        pc.dim(`${at(event.atMs)}  `) +
          describeFault(event.action) +
          (event.note ? pc.yellow(` (${event.note})`) : ""),
      );
      return;
    case "progress": {
      const o = event.operations;
      console.log(
        pc.dim(
          `${at(event.atMs)}  ${formatNumber(o.invoked)} calls: ${formatNumber(o.ok)} ok, ${formatNumber(o.fail)} fail, ${formatNumber(o.info)} info; ${event.faultsApplied} faults so far`,
        ),
      );
      return;
    }
    case "exit":
      if (!event.exit.expected) {
        const e = event.exit;
        console.log(
          pc.red(
            `${at(event.atMs)}  ${e.node} exited by itself (code ${e.code}, signal ${e.signal})`,
          ),
        );
        for (const line of e.stderrTail.slice(-10)) console.log(pc.red(`           ${line}`));
      }
      return;
    case "output":
      if (log) console.log(pc.dim(`${event.node}| `) + event.line);
      return;
    case "checking":
      console.log(pc.dim(`checking ${formatNumber(event.operations)} operations…`));
      return;
  }
}

function printSummary(world: Scenario, record: RunRecord, dir: string, saved = true): void {
  const variant = world.variants.find((v) => v.name === record.variant)!;
  const o = record.outcome;
  for (const [property, verdict] of Object.entries(o.properties)) {
    const text =
      verdict === "held"
        ? pc.green("held")
        : verdict === "violated"
          ? (variant.expectViolations ? pc.yellow : pc.red)("violated")
          : pc.yellow("unknown");
    console.log(`  ${property}: ${text}`);
    for (const line of o.details?.[property] ?? []) console.log(`    ${line}`);
  }
  const showed = Object.values(o.properties).includes("violated");
  if (variant.expectViolations && !showed) {
    console.log(
      pc.yellow(
        `  (${variant.name} is unsafe, but this run did not show it: try more time or faults)`,
      ),
    );
  }
  for (const [property, why] of Object.entries(o.skipped)) {
    console.log(pc.yellow(`  ${property}: not checked (${why})`));
  }
  const n = record.operations;
  console.log(
    pc.dim(
      `  ${formatNumber(n.invoked)} operations (${formatNumber(n.ok)} ok, ${formatNumber(n.fail)} fail, ${formatNumber(n.info)} info) in ${(record.endMicros / 1e6).toFixed(1)} s; ` +
        `${record.faultsApplied} faults applied, ${record.restarts} restarts; ${formatNumber(record.frames.carried)} frames, ${formatNumber(record.frames.dropped)} dropped`,
    ),
  );
  for (const spec of world.figures) {
    const value = o.figures[spec.name];
    if (["operations", "ok", "info"].includes(spec.name) || !Number.isFinite(value)) continue;
    const unit = spec.unit === undefined ? "" : ` ${spec.unit}`;
    console.log(
      pc.dim(`  ${(spec.description ?? spec.name).padEnd(44)} ${formatNumber(value)}${unit}`),
    );
  }
  if (record.unexpectedExits.length > 0) {
    console.log(
      pc.red(
        `  ${record.unexpectedExits.length} node process(es) exited by themselves; see ${join(dir, LOGS_DIR)}`,
      ),
    );
  }
  if (record.interrupted) console.log(pc.yellow("  the run was interrupted before its time limit"));
  if (saved) {
    console.log(pc.dim(`  saved in ${dir}`));
    console.log(pc.dim(`  check again: murphy test ${record.world} --recheck ${dir}`));
    console.log(
      pc.dim(
        `  play the same faults: murphy test ${record.world} --variant ${record.variant} --seed ${record.seed} --schedule ${join(dir, "faults.json")}`,
      ),
    );
  }
}

/** Each node's output in a file of its own, as it comes. */
class NodeLogs {
  private readonly files = new Map<string, WriteStream>();
  constructor(private readonly dir: string) {}

  take(event: RealTestEvent): void {
    if (event.type !== "output") return;
    let file = this.files.get(event.node);
    if (file === undefined) {
      mkdirSync(this.dir, { recursive: true });
      file = createWriteStream(join(this.dir, `${event.node}.log`), { flags: "a" });
      this.files.set(event.node, file);
    }
    file.write(event.stream === "stderr" ? `[stderr] ${event.line}\n` : `${event.line}\n`);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.files.values()].map((f) => new Promise<void>((r) => f.end(() => r()))),
    );
  }
}

// --- Flags ---------------------------------------------------------------------------------------

function number(field: string, text: string): number {
  return numberFlag(field, text, { min: 0, expected: "a number >= 0", example: 30 });
}

function seconds(field: string, text: string): number {
  number(field, text);
  return numberFlag(field, text, { above: 0, expected: "more than 0 seconds", example: 60 });
}

function integer(field: string, text: string): number {
  number(field, text);
  return numberFlag(field, text, {
    integer: true,
    min: 64,
    expected: "a whole number >= 64",
    example: 1_048_576,
  });
}
