// Shows that retry's and withTimeout's option types compose in a user's project that turns on
// `exactOptionalPropertyTypes`: test/exactOptional/consumer.ts, written as a p-retry user would
// (values that may be undefined, options spread into options, retry's attempt signal handed to
// withTimeout), compiles against the built package's .d.ts with that flag on.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const built = existsSync(join(root, "dist/src/index.d.ts"));

/** Runs tsc on the consumer project; returns its output, empty when it compiles cleanly. */
function compileConsumer(): string {
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(root, "test/exactOptional/tsconfig.json")], {
      cwd: root,
      encoding: "utf8",
    });
    return "";
  } catch (error) {
    const { stdout, message } = error as { stdout?: string; message: string };
    return stdout || message;
  }
}

// The consumer imports "murphy" as an installed package does, so it needs the built .d.ts;
// `npm test` builds dist/ before vitest runs.
describe.skipIf(!built)("exactOptionalPropertyTypes (from dist/: run npm run build first)", () => {
  it("shows that a consumer with exactOptionalPropertyTypes on compiles against murphy's declarations", () => {
    expect(compileConsumer()).toBe("");
  });
});
