/* global process, console */
// `npm run fuzz -- --runs N [--seed S|random]`: the fuzz suite (test/fuzz) with N cases per
// property instead of the bounded number `npm test` runs, from fast-check seed S (default: a
// random one, printed by any failure so that it can be replayed with --seed S).
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  if (value === undefined) {
    console.error(`murphy fuzz: ${name} needs a value, e.g. ${name} 10000`);
    process.exit(2);
  }
  return value;
}

const runs = option("--runs", "2000");
if (!/^\d+$/.test(runs) || Number(runs) < 1) {
  console.error(`murphy fuzz: --runs must be a whole number >= 1, got ${JSON.stringify(runs)}`);
  process.exit(2);
}
const seed = option("--seed", "random");
const result = spawnSync("npx", ["vitest", "run", "test/fuzz"], {
  stdio: "inherit",
  env: { ...process.env, MURPHY_FUZZ_RUNS: runs, FC_SEED: seed },
});
process.exit(result.status ?? 2);
