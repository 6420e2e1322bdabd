// `murphy maelstrom test` and `murphy maelstrom node`: nodes in any language through the Maelstrom
// protocol, under murphy's network model, nemesis and checkers; and murphy's nodes as Maelstrom
// processes. Flags carry Maelstrom's names, so `maelstrom test -w broadcast --bin ./node
// --node-count 5 --time-limit 20 --rate 10` works as it is; murphy's extras (seed, loss,
// duplication, timeouts, schedules as files) sit beside them. Exit codes as `murphy run`.

import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import pc from "picocolors";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { faultScheduleFromJson, faultScheduleToJson } from "../../faults/FaultScheduleJson.js";
import type { FaultAction } from "../../faults/FaultAction.js";
import { loadNodeFactory } from "../../maelstrom/adapter/loadNodeFactory.js";
import {
  maelstromTestOptions,
  nodeIdsOf,
  type MaelstromTestOptions,
} from "../../maelstrom/harness/MaelstromOptions.js";
import { formatOutcome, type MaelstromOutcome } from "../../maelstrom/harness/MaelstromOutcome.js";
import { killAllNodeProcesses } from "../../maelstrom/real/NodeProcess.js";
import { runRealTest } from "../../maelstrom/real/realTest.js";
import { runStdioNode } from "../../maelstrom/real/runStdioNode.js";
import { runSimulatedTest, testFaults } from "../../maelstrom/sim/simulatedTest.js";
import { writeHistoryJsonl } from "../../workload/MurphyJsonl.js";
import { numberFlag } from "../numberFlag.js";

interface TestFlags {
  workload: string;
  bin?: string;
  node?: string;
  nodeId?: string;
  nodeCount: string;
  timeLimit: string;
  rate: string;
  concurrency?: string;
  latency: string;
  latencyDist: string;
  nemesis?: string;
  nemesisInterval: string;
  topology: string;
  availability?: string;
  consistencyModels?: string;
  keyCount?: string;
  maxTxnLength?: string;
  maxWritesPerKey?: string;
  seed?: string;
  loss: string;
  duplicate: string;
  requestTimeout: string;
  recoveryTime: string;
  initTimeout?: string;
  maxLineBytes?: string;
  faults?: string;
  faultsOut?: string;
  history?: string;
  logStderr?: boolean;
  json?: boolean;
}

export function registerMaelstromCommand(program: Command): void {
  const maelstrom = program
    .command("maelstrom")
    .description(
      "nodes in any language through the Maelstrom protocol, under murphy's faults and checkers",
    );
  maelstrom
    .command("test")
    .description(
      "run a Maelstrom workload against a binary (--bin) or a TypeScript node in the simulator (--node)",
    )
    .argument("[args...]", "arguments for the binary, after --")
    .requiredOption(
      "-w, --workload <name>",
      "echo, unique-ids, broadcast, g-set, g-counter, pn-counter, lin-kv, kafka, txn-rw-register",
    )
    .option("--bin <path>", "the node binary, spawned once per node")
    .option(
      "--node <module>",
      "a murphy node module (.ts/.js) to test in the deterministic simulator instead",
    )
    .option("--node-id <id>", "with --node and a world file: which of its nodes")
    .option("--node-count <n>", "number of nodes", "5")
    .option("--time-limit <s>", "seconds the clients run for", "10")
    .option("--rate <r>", "operations per second, over all clients", "5")
    .option("--concurrency <c>", "clients: a number or a multiple of the nodes like 2n (default n)")
    .option("--latency <ms>", "mean one-way message latency", "0")
    .option(
      "--latency-dist <d>",
      "constant, uniform, exponential (or murphy's lognormal, pareto)",
      "constant",
    )
    .option("--nemesis <kinds>", "faults: partition, pause, kill, comma-separated")
    .option("--nemesis-interval <s>", "mean seconds between nemesis episodes", "10")
    .option("--topology <t>", "broadcast topology: grid, line, total, tree2, tree3, tree4", "grid")
    .option("--availability <a>", "total, or the fraction of operations that must succeed")
    .option("--consistency-models <m>", "txn: read-uncommitted, read-committed (default both)")
    .option("--key-count <n>", "keys in use at once (lin-kv, kafka, txn)")
    .option("--max-txn-length <n>", "txn: most micro-operations per transaction")
    .option("--max-writes-per-key <n>", "txn: writes a key takes before it retires")
    .option(
      "--seed <seed>",
      "murphy: the seed of the workload, latency draws and nemesis (default 0)",
    )
    .option("--loss <p>", "murphy: probability a message between nodes is lost", "0")
    .option("--duplicate <p>", "murphy: probability a message between nodes is duplicated", "0")
    .option(
      "--request-timeout <ms>",
      "murphy: a client gives up on a request after this long",
      "5000",
    )
    .option("--recovery-time <s>", "murphy: seconds after the workload before the final reads", "5")
    .option("--init-timeout <ms>", "murphy: how long a node has to answer init")
    .option("--max-line-bytes <n>", "murphy: longest line accepted from a node")
    .option(
      "--faults <file>",
      "murphy: run under this fault schedule (JSON) instead of the nemesis",
    )
    .option("--faults-out <file>", "murphy: write the run's fault schedule (JSON)")
    .option("--history <file>", "murphy: write what the clients saw (JSON lines)")
    .option("--log-stderr", "print every line the nodes write to stderr")
    .option("--json", "print the outcome as JSON")
    .action(async (args: string[], flags: TestFlags) => {
      process.exitCode = await maelstromTest(args, flags);
    });
  maelstrom
    .command("node")
    .description(
      "run a murphy node (a NodeFactory module, or one node of a world file) as a Maelstrom process on stdin/stdout",
    )
    .argument("<module>", "a .ts/.js module whose default export is a NodeFactory, or a world file")
    .option("--node-id <id>", "with a world file: which of its nodes")
    .option("--seed <seed>", "the node's random stream (default: random)")
    .action(async (module: string, flags: { nodeId?: string; seed?: string }) => {
      // stdout carries the protocol: a node's console.log goes to stderr, with its other logs.
      console.log = console.error;
      const factory = await loadNodeFactory(module, flags.nodeId);
      await runStdioNode(factory, flags.seed === undefined ? {} : { seed: Seed.parse(flags.seed) });
    });
}

export async function maelstromTest(args: readonly string[], flags: TestFlags): Promise<number> {
  const options = optionsOf(flags);
  if ((flags.bin === undefined) === (flags.node === undefined)) {
    throw new ConfigError({
      field: "--bin",
      value: flags.bin,
      expected: "given, or --node instead (one of the two)",
      fix: "pass --bin ./my-node (a binary) or --node ./my-node.ts (simulated)",
    });
  }
  const faults = flags.faults === undefined ? undefined : readFaults(flags.faults, options);
  if (flags.faultsOut !== undefined) {
    writeFileSync(flags.faultsOut, faultScheduleToJson(testFaults(options, faults).actions));
  }
  if (!flags.json) {
    console.log(
      pc.dim(
        `seed ${options.seed} · ${flags.bin !== undefined ? `${flags.bin} ${args.join(" ")}`.trim() : `${flags.node} in the simulator`}`,
      ),
    );
  }
  let outcome: MaelstromOutcome;
  if (flags.node !== undefined) {
    const factory = await loadNodeFactory(flags.node, flags.nodeId);
    outcome = await runSimulatedTest(options, factory, faults === undefined ? {} : { faults });
  } else {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      outcome = await runRealTest(
        options,
        { command: flags.bin!, args },
        {
          ...(faults === undefined ? {} : { faults }),
          ...(flags.maxLineBytes === undefined ? {} : { maxLineBytes: Number(flags.maxLineBytes) }),
          ...(flags.logStderr
            ? { onStderr: (node: string, line: string) => console.error(pc.dim(`${node} ${line}`)) }
            : {}),
          signal: stop.signal,
        },
      );
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      killAllNodeProcesses();
    }
  }
  if (flags.history !== undefined) writeFileSync(flags.history, writeHistoryJsonl(outcome.history));
  if (flags.json) {
    const { history: _history, ...rest } = outcome;
    console.log(JSON.stringify(rest, null, 2));
  } else {
    for (const line of formatOutcome(outcome)) console.log(colour(line));
  }
  return outcome.exitCode;
}

function colour(line: string): string {
  if (line.startsWith("valid? true")) return pc.green(line);
  if (line.startsWith("valid? false")) return pc.red(line);
  if (line.startsWith("valid?")) return pc.yellow(line);
  return line;
}

function optionsOf(flags: TestFlags): MaelstromTestOptions {
  const number = (field: string, value: string | undefined) =>
    value === undefined
      ? undefined
      : numberFlag(field, value, { expected: "a number", example: 10 });
  const list = (value: string | undefined) =>
    value
      ?.split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  const availability =
    flags.availability === "total" ? "total" : number("--availability", flags.availability);
  return maelstromTestOptions({
    workload: flags.workload,
    nodeCount: number("--node-count", flags.nodeCount)!,
    timeLimitS: number("--time-limit", flags.timeLimit)!,
    rate: number("--rate", flags.rate)!,
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    latencyMs: number("--latency", flags.latency)!,
    latencyDist: flags.latencyDist,
    nemesis: list(flags.nemesis) ?? [],
    nemesisIntervalS: number("--nemesis-interval", flags.nemesisInterval)!,
    topology: flags.topology,
    ...(availability === undefined ? {} : { availability }),
    ...(flags.consistencyModels === undefined
      ? {}
      : { consistencyModels: list(flags.consistencyModels)! }),
    ...(flags.keyCount === undefined ? {} : { keyCount: number("--key-count", flags.keyCount)! }),
    ...(flags.maxTxnLength === undefined
      ? {}
      : { maxTxnLength: number("--max-txn-length", flags.maxTxnLength)! }),
    ...(flags.maxWritesPerKey === undefined
      ? {}
      : { maxWritesPerKey: number("--max-writes-per-key", flags.maxWritesPerKey)! }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    lossProbability: number("--loss", flags.loss)!,
    duplicateProbability: number("--duplicate", flags.duplicate)!,
    requestTimeoutMs: number("--request-timeout", flags.requestTimeout)!,
    recoveryS: number("--recovery-time", flags.recoveryTime)!,
    ...(flags.initTimeout === undefined
      ? {}
      : { initTimeoutMs: number("--init-timeout", flags.initTimeout)! }),
  });
}

function readFaults(file: string, options: MaelstromTestOptions): FaultAction[] {
  return faultScheduleFromJson(readFileSync(file, "utf8"), nodeIdsOf(options.nodeCount));
}
