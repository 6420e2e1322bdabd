// The classes of hostile input, each through the real `murphy` process (the build in dist/, which
// `npm test` makes first): what a user sees is an exit code of 2 and one line on stderr, with no
// stack trace, no raw escape sequence, and no output file claimed but not written.
/* eslint-disable no-control-regex -- matching control characters is the point here */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const main = join(root, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "murphy-cli-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function murphy(...args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 60_000,
  });
  const stderr = result.stderr.trimEnd();
  return {
    code: result.status,
    stdout: result.stdout,
    stderr,
    lines: stderr === "" ? [] : stderr.split("\n"),
  };
}

/** Exit 2 and one escaped line starting "murphy:" that matches `message`: the contract. */
function expectOneLineError(result: ReturnType<typeof murphy>, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.lines, result.stderr).toHaveLength(1);
  expect(result.lines[0]).toMatch(/^murphy: /);
  expect(result.lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
  );
}

describe("the murphy process on hostile input", () => {
  it("shows that the build to run exists (npm test builds it first)", () => {
    expect(existsSync(main), `${main} is missing: run npm run build`).toBe(true);
  });

  it("shows that an endless input is refused at the size limit: murphy check /dev/zero", () => {
    expectOneLineError(
      murphy("check", "/dev/zero", "--model", "register", "--max-input-mb", "2"),
      /history file of at most 2 MiB, got "\/dev\/zero"/,
    );
  });

  it("shows that deep nesting is refused by its documented depth, not a stack overflow", () => {
    const deep = fixture(
      "deep.jsonl",
      `{"type":"invoke","process":1,"f":"w","value":${"[".repeat(100_000)}`,
    );
    expectOneLineError(murphy("check", deep, "--model", "register"), /at most 100 levels/);
    const edn = fixture(
      "deep.edn",
      `{:process 0, :type :invoke, :f :read, :value ${"#{".repeat(100_000)}`,
    );
    expectOneLineError(murphy("check", edn, "--model", "register"), /at most 100 levels/);
  });

  it("shows that inexact numbers are refused and escapes in the input reach the terminal escaped", () => {
    const big = fixture(
      "big.jsonl",
      '{"type":"invoke","process":"\\u001b[2J\\u202e","f":"write","value":9007199254740993,"atMicros":0}',
    );
    const result = murphy("check", big, "--model", "register");
    expectOneLineError(result, /not 9007199254740993/);
    expect(result.stderr).toContain("\\\\u001b[2J");
    // Raw control and bidi characters in a line the error quotes come out as escapes.
    const raw = fixture("raw.log", "0\t:invoke\t:write\t\u001b[2J\u202e\u009b\n");
    const quoted = murphy("check", raw, "--model", "register");
    expectOneLineError(quoted, /line 1/);
    expect(quoted.stderr).toMatch(/\\u202e/);
  });

  it("shows that bad flags and unknown commands are one line each", () => {
    expectOneLineError(murphy("check", "--bogus"), /unknown option '--bogus'/);
    expectOneLineError(murphy("frobnicate"), /unknown command 'frobnicate'/);
    expectOneLineError(
      murphy("check", "x", "--model", "register", "--timeout-ms", "NaN"),
      /--timeout-ms/,
    );
  });

  it("shows that outputs are checked before the work and a failed write is an error", () => {
    expectOneLineError(
      murphy("run", "request-response", "--seed", "1", "--variant", "safe", "--trace", dir),
      /could not write `--trace` .*EISDIR/,
    );
    expectOneLineError(
      murphy("run", "request-response", "--seed", "1", "--variant", "safe", "--trace", "/dev/full"),
      /could not write `--trace` "\/dev\/full": ENOSPC/,
    );
    const file = fixture("a-file", "");
    const out = murphy("run", "request-response", "--seeds", "2", "--out", join(file, "sub"));
    expectOneLineError(out, /could not write `--out`.*ENOTDIR/);
    expect(out.stdout).toBe("");
  });

  it("shows that a damaged shard file is refused by name", () => {
    const shardDir = join(dir, "shards");
    expect(
      murphy("run", "request-response", "--seeds", "20", "--shard", "0/1", "--out", shardDir).code,
    ).toBe(0);
    const path = join(shardDir, "murphy-shard-0-of-1.json");
    const ok = murphy("merge", path);
    expect(ok.code, ok.stderr).toBe(0);
    const text = spawnSync("cat", [path], { encoding: "utf8" }).stdout;
    writeFileSync(path, text.replace('"events":', '"events":1'));
    expectOneLineError(
      murphy("merge", path),
      /murphy-shard-0-of-1\.json: sha256.*changed or damaged/,
    );
  });
});
