// Shows the acceptance run of `murphy test` (about 70 s, so it runs only with MURPHY_ACCEPTANCE=1,
// after `npm run build`): the example world's ABD quorum stays linearizable through 60 s of
// partitions, pauses, kills and clock faults at 50 episodes a minute, and every node process the
// CLI started is gone when it exits. The 100 SIGKILL cycles are src/runtime/durability.real.test.ts
// with the same variable.
//
//   npm run build && MURPHY_ACCEPTANCE=1 npx vitest run src/cli/commands/test.acceptance.test.ts \
//     src/runtime/durability.real.test.ts
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { alive } from "../../../test/leftovers.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const CLI = join(ROOT, "dist/src/cli/main.js");
const WORLD = join(ROOT, "examples/worlds/primary-backup.ts");

describe.runIf(process.env.MURPHY_ACCEPTANCE === "1")("murphy test, acceptance", () => {
  it(
    "keeps ABD linearizable for 60 s of partitions, pauses, kills and clock faults",
    { timeout: 240_000 },
    async () => {
      expect(existsSync(CLI)).toBe(true);
      const dir = mkdtempSync(join(tmpdir(), "murphy-acceptance-"));
      try {
        const args = [CLI, "test", WORLD, "--variant", "quorum", "--time-limit", "60"];
        const more = ["--nemesis", "partition,pause,kill,clock", "--rate", "50", "--seed", "1"];
        const child = spawn(process.execPath, [...args, ...more, "--out", dir], {
          env: { ...process.env, NO_COLOR: "1" },
        });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        const code = await new Promise((r) => child.on("exit", r));
        expect(out).toMatch(/linearizable: held/);
        expect(code).toBe(0);
        for (const kind of [
          / crash n/,
          / pause n/,
          / clock-(jump|drift) n/,
          / (partition|isolate|cut|ring) /,
        ]) {
          expect(out).toMatch(kind);
        }
        const pids = [...out.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
        expect(pids.filter(alive)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
