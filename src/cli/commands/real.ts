// `murphy real <story>`: murphy against real systems on this machine, not in the simulator.
// `fencing-etcd`: a client holding an etcd lock is paused with SIGSTOP past its lease, another
// takes the lock, the first wakes and writes; with and without fencing tokens. `etcd-test`: a
// Jepsen-style test of a real 3-member etcd under partitions, pauses and crashes, its history
// checked for linearizability (the history is saved, so `murphy check` can check it again).
import { join } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { formatLinearizability } from "../../check/formatLinearizability.js";
import { ConfigError } from "../../core/errors.js";
import { requireInteger, requirePositive } from "../../core/validate.js";
import {
  ETCD_NEMESES,
  formatEtcdTest,
  runEtcdTest,
  type EtcdNemesis,
} from "../../runtime/etcd/etcdTest.js";
import { formatFencingStory, runFencingStory } from "../../runtime/etcd/fencingStory.js";
import { writeHistoryJsonl } from "../../workload/MurphyJsonl.js";
import { checkOutputFile, prepareOutputDir, writeOutputFile } from "../outputPaths.js";

export interface FencingEtcdOptions {
  rounds: string;
  ttl: string;
  endpoints?: string;
  json?: boolean;
}

export function registerRealCommand(program: Command): void {
  const real = program
    .command("real")
    .description("run a story of the chapter against real systems on this machine");
  real
    .command("fencing-etcd")
    .description(
      "a lock holder paused (SIGSTOP) past its etcd lease writes after another took the lock: unfenced vs fenced",
    )
    .option("--rounds <n>", "rounds per variant", "3")
    .option("--ttl <seconds>", "lease TTL in seconds", "2")
    .option(
      "--endpoints <urls>",
      "use this etcd (comma-separated client URLs) instead of starting one",
    )
    .option("--json", "print the result as JSON")
    .action(async (options: FencingEtcdOptions) => {
      process.exitCode = await fencingEtcdCommand(options);
    });
  real
    .command("etcd-test")
    .description(
      "Jepsen-style: a real 3-member etcd under partitions, pauses and kills; is what clients saw linearizable?",
    )
    .option("--time-limit <s>", "seconds the clients run", "60")
    .option(
      "--nemesis <kinds>",
      `fault families: ${ETCD_NEMESES.join(",")} or none`,
      ETCD_NEMESES.join(","),
    )
    .option("--clients <n>", "concurrent clients, spread over the members", "5")
    .option(
      "--serializable-reads",
      "the broken client path: reads served from a member's own, possibly stale, state",
    )
    .option("--seed <seed>", "draws the nemesis and the operations (default: random)")
    .option("--out <dir>", "where the history and the faults are saved", "murphy-test/etcd")
    .option("--json", "print the summary as JSON")
    .action(async (options: EtcdTestCommandOptions) => {
      process.exitCode = await etcdTestCommand(options);
    });
}

export interface EtcdTestCommandOptions {
  timeLimit: string;
  nemesis: string;
  clients: string;
  serializableReads?: boolean;
  seed?: string;
  out: string;
  json?: boolean;
}

function parseNemeses(text: string): EtcdNemesis[] {
  if (text === "none") return [];
  return text.split(",").map((kind) => {
    if (!(ETCD_NEMESES as readonly string[]).includes(kind)) {
      throw new ConfigError({
        field: "--nemesis",
        value: kind,
        expected: `one of ${ETCD_NEMESES.join(", ")} (comma-separated), or none`,
        fix: "e.g. --nemesis partition,pause,kill",
      });
    }
    return kind as EtcdNemesis;
  });
}

export async function etcdTestCommand(options: EtcdTestCommandOptions): Promise<number> {
  const timeLimitSeconds = requirePositive("--time-limit", Number(options.timeLimit));
  const clients = requireInteger("--clients", Number(options.clients), 1);
  const nemeses = parseNemeses(options.nemesis);
  // The outputs are checked before a minute of work, not after it.
  const historyFile = join(options.out, "history.jsonl");
  const faultsFile = join(options.out, "faults.json");
  prepareOutputDir("--out", options.out);
  checkOutputFile("--out", historyFile);
  checkOutputFile("--out", faultsFile);
  if (!options.json) {
    console.log(pc.bold("murphy test etcd") + " — etcd under faults, checked for linearizability");
  }
  const result = await runEtcdTest({
    timeLimitSeconds,
    clients,
    nemeses,
    serializableReads: options.serializableReads ?? false,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    log: options.json ? () => undefined : (line) => console.log(pc.dim(line)),
  });
  writeOutputFile("--out", historyFile, writeHistoryJsonl(result.history));
  writeOutputFile("--out", faultsFile, JSON.stringify(result.faults, null, 2) + "\n");
  const { history: _history, ...summary } = result;
  if (options.json) {
    console.log(JSON.stringify(summary, null, 2));
    return result.exitCode;
  }
  for (const line of formatEtcdTest(result)) console.log(line);
  if (result.verdict !== "linearizable") {
    console.log(formatLinearizability(result.linearizability).split("\n").slice(0, 40).join("\n"));
  }
  const colour = result.exitCode === 0 ? pc.green : result.exitCode === 1 ? pc.red : pc.yellow;
  console.log(colour(`${result.verdict}; history in ${historyFile}`));
  console.log(
    pc.dim(
      `same draws of faults and operations (not the same timing): murphy test etcd --time-limit ${timeLimitSeconds} --nemesis ${options.nemesis} --seed ${result.seed}${result.serializableReads ? " --serializable-reads" : ""}`,
    ),
  );
  return result.exitCode;
}

export async function fencingEtcdCommand(options: FencingEtcdOptions): Promise<number> {
  const rounds = requireInteger("--rounds", Number(options.rounds), 1);
  const ttlSeconds = requireInteger("--ttl", Number(options.ttl), 1);
  if (!options.json) {
    console.log(
      pc.bold("murphy real fencing-etcd") +
        " — a client holding an etcd lock is paused past its lease; another takes the lock; the first wakes and writes",
    );
  }
  const result = await runFencingStory({
    rounds,
    ttlSeconds,
    ...(options.endpoints ? { endpoints: options.endpoints.split(",") } : {}),
    log: options.json ? () => undefined : (line) => console.log(pc.dim(line)),
  });
  if (options.json) {
    console.log(JSON.stringify(result, null, 2));
    return result.exitCode;
  }
  for (const line of formatFencingStory(result)) {
    console.log(line.startsWith("!") ? pc.red(line) : line);
  }
  return result.exitCode;
}

/** The flags of `murphy test` that `murphy test etcd` reads. */
export interface TestEtcdFlags {
  variant: string;
  timeLimit: string;
  nemesis: string;
  clients?: string;
  seed?: string;
  out: string;
  json?: boolean;
  schedule?: string;
  recheck?: string;
}

/**
 * `murphy test etcd`: etcd is not a murphy world but a real system murphy did not write, so
 * `murphy test` hands it to the etcd test. Its variants: `linearizable` (the default; `both` and
 * `all` mean it too) and `serializable-reads`, the broken client path.
 */
export async function testEtcdCommand(flags: TestEtcdFlags, command: Command): Promise<number> {
  const unsupported =
    flags.schedule !== undefined
      ? "--schedule"
      : flags.recheck !== undefined
        ? "--recheck"
        : undefined;
  if (unsupported !== undefined) {
    throw new ConfigError({
      field: unsupported,
      value: flags.schedule ?? flags.recheck,
      expected: "not given for etcd, whose nemesis is drawn from --seed",
      fix: "re-check a saved etcd run with `murphy check DIR/history.jsonl --model cas-kv`",
    });
  }
  const variants: Record<string, boolean> = {
    both: false,
    all: false,
    linearizable: false,
    "serializable-reads": true,
  };
  if (!Object.hasOwn(variants, flags.variant)) {
    throw new ConfigError({
      field: "--variant",
      value: flags.variant,
      expected: "linearizable or serializable-reads for etcd",
      fix: "--variant serializable-reads runs the broken client path",
    });
  }
  const given = (name: string) => command.getOptionValueSource(name) !== "default";
  return etcdTestCommand({
    timeLimit: flags.timeLimit,
    nemesis: given("nemesis") ? flags.nemesis : ETCD_NEMESES.join(","),
    clients: flags.clients ?? "5",
    serializableReads: variants[flags.variant]!,
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    out: given("out") ? flags.out : join(flags.out, "etcd"),
    ...(flags.json ? { json: true } : {}),
  });
}
