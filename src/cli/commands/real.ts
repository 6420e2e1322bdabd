// `murphy real <story>`: the chapter's stories against real systems on this machine, not in the
// simulator. `fencing-etcd`: a client holding an etcd lock is paused with SIGSTOP past its lease,
// another takes the lock, the first wakes and writes; with and without fencing tokens.
import type { Command } from "commander";
import pc from "picocolors";
import { formatFencingStory, runFencingStory } from "../../runtime/etcd/fencingStory.js";
import { requireInteger } from "../../core/validate.js";

interface FencingEtcdOptions {
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
}

async function fencingEtcdCommand(options: FencingEtcdOptions): Promise<number> {
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
