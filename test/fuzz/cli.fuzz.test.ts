// Fuzzes the murphy command line in process: random subcommands, flags (known, misspelt and
// unknown) and values (empty, negative, huge, not numbers, escape sequences, bad paths) over
// files good and hostile. Every case exits 0, 1 or 2, and what it says on stderr is at most a
// warning and one error line, each one escaped line starting "murphy:", never a stack trace and
// never an internal error. Sweeps stay small here (at most 2 seeds): a case must be quick.
/* eslint-disable no-control-regex -- matching control characters is the point here */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { murphy } from "../../src/cli/murphy.js";
import { tally } from "./fuzzRuns.js";
import { fuzzRuns } from "./fuzzRuns.js";

const RUNS = fuzzRuns(150);
const dir = mkdtempSync(join(tmpdir(), "murphy-fuzz-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const files = {
  history: fixture(
    "h.jsonl",
    [
      '{"type":"invoke","process":1,"f":"write","value":1,"atMicros":0}',
      '{"type":"ok","process":1,"atMicros":2}',
      '{"type":"invoke","process":2,"f":"read","atMicros":1}',
      '{"type":"ok","process":2,"value":1,"atMicros":3}',
    ].join("\n"),
  ),
  hostile: fixture(
    "evil.jsonl",
    '{"type":"invoke","process":"\\u001b[31m\\u202e","f":"write","value":1,"atMicros":0}',
  ),
  big: fixture(
    "big.jsonl",
    '{"type":"invoke","process":1,"f":"write","value":9007199254740993,"atMicros":0}',
  ),
  deep: fixture("deep.edn", "[".repeat(50_000)),
  edn: fixture(
    "h.edn",
    "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value nil}",
  ),
  nan: fixture(
    "nan.edn",
    "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value ##NaN}",
  ),
  trace: fixture("t.jsonl", '{"tMicros":0,"kind":"start","node":"a\\u001b]0;x\\u0007"}\n'),
  notJson: fixture("x.json", "not json at all"),
  empty: fixture("empty.txt", ""),
  dir: join(dir, "sub"),
  missing: join(dir, "missing", "file"),
  underFile: join(dir, "h.jsonl", "x"),
};
mkdirSync(files.dir);

const value = fc.constantFrom(
  "",
  "-1",
  "0",
  "1",
  "2",
  "1e400",
  "NaN",
  "abc",
  "0x10",
  "2/3",
  "1/2",
  "0/0",
  "99999999999999999999",
  "\u001b[31mred",
  "\u202e",
  "both",
  "safe",
  "unsafe",
  "register",
  "queue",
  "jepsen-edn",
  ...Object.values(files),
);

const FLAGS: Record<string, string[]> = {
  check: [
    "--model",
    "--format",
    "--timeout-ms",
    "--max-steps",
    "--max-state-mb",
    "--max-memory-mb",
    "--max-input-mb",
    "--json",
  ],
  show: ["--nodes", "--from-ms", "--to-ms", "--kinds", "--world", "--max-lines", "--width"],
  merge: ["--json"],
  run: [
    "--variant",
    "--seed",
    "--seeds",
    "--workers",
    "--shard",
    "--json",
    "--trace",
    "--out",
    "--check-determinism",
  ],
  replay: ["--seed", "--trace", "--variant", "--json"],
  list: [],
};
const BOOLEAN = new Set(["--json", "--check-determinism"]);

/** A command line that works, per command: the fuzz cases start from these and break them. */
const TEMPLATES: string[][] = [
  ["check", files.history, "--model", "register"],
  ["check", files.edn, "--model", "register", "--format", "jepsen-edn"],
  ["check", files.hostile, "--model", "register", "--json"],
  ["check", files.history, "--model", "register", "--max-memory-mb", "1"],
  ["show", files.trace, "--max-lines", "5"],
  ["run", "request-response", "--seed", "1", "--variant", "safe", "--json"],
  ["run", "request-response", "--seeds", "2", "--variant", "unsafe"],
  ["replay", "request-response", "--seed", "1", "--trace", join(dir, "replay.jsonl")],
  ["list"],
  [
    "merge",
    join(dir, "shards", "murphy-shard-0-of-2.json"),
    join(dir, "shards", "murphy-shard-1-of-2.json"),
  ],
];

type Change =
  | { kind: "drop"; at: number }
  | { kind: "set"; at: number; value: string }
  | { kind: "flag"; name: string; value: string };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value }),
  fc.record({
    kind: fc.constant("flag" as const),
    name: fc.constantFrom(...new Set(Object.values(FLAGS).flat()), "--bogus", "--max-memory", "-x"),
    value,
  }),
);

/**
 * Keeps a case quick (a sweep of at most 2 seeds, in this thread) and its outputs in the fuzz
 * directory: a relative --out or --trace would write into the working tree.
 */
function bounded(args: string[]): string[] {
  return args.map((arg, i) => {
    const flagBefore = args[i - 1];
    if ((flagBefore === "--out" || flagBefore === "--trace") && !arg.startsWith("/")) {
      return join(dir, "relative", arg);
    }
    if (flagBefore === "--seeds" && /^\d{2,}$/.test(arg)) return "2";
    if (flagBefore === "--workers" && /^\d+$/.test(arg) && Number(arg) > 1) return "1";
    return arg;
  });
}

const argv = fc
  .tuple(fc.constantFrom(...TEMPLATES), fc.array(change, { maxLength: 3 }))
  .map(([template, changes]) => {
    const out = [...template];
    for (const c of changes) {
      if (c.kind === "drop" && out.length > 0) out.splice(c.at % out.length, 1);
      else if (c.kind === "set" && out.length > 0) out[c.at % out.length] = c.value;
      else if (c.kind === "flag") out.push(...(BOOLEAN.has(c.name) ? [c.name] : [c.name, c.value]));
    }
    if (out[0] === "check") out.push("--max-input-mb", "1", "--timeout-ms", "2000");
    return bounded(out);
  });

async function run(args: readonly string[]): Promise<{ code: number; stderr: string[] }> {
  const stderr: string[] = [];
  const keep = (text: unknown) => void stderr.push(...String(text).replace(/\n$/, "").split("\n"));
  const spies = [
    vi.spyOn(console, "log").mockImplementation(() => undefined),
    vi.spyOn(console, "error").mockImplementation(keep),
    vi.spyOn(process.stdout, "write").mockImplementation(() => true),
    vi.spyOn(process.stderr, "write").mockImplementation((text) => (keep(text), true)),
  ];
  try {
    return { code: await murphy(["node", "murphy", ...args]), stderr };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe("fuzz: the murphy command line", () => {
  beforeAll(async () => {
    // Real shard files, from a real sharded sweep, for the merge command lines.
    for (const shard of ["0/2", "1/2"]) {
      const out = join(dir, "shards");
      const { code } = await run([
        "run",
        "request-response",
        "--seeds",
        "20",
        "--shard",
        shard,
        "--out",
        out,
        "--workers",
        "1",
      ]);
      expect(code).toBe(0);
    }
  });

  it("shows that the command lines the cases start from work", async () => {
    for (const template of TEMPLATES) {
      const { code, stderr } = await run(template);
      expect([0, 1], `${template.join(" ")}: ${stderr.join("\n")}`).toContain(code);
    }
  });

  it("shows that every command line exits 0, 1 or 2 with at most one escaped error line, no stack", async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const { code, stderr } = await run(args);
        expect([0, 1, 2]).toContain(code);
        const plain = stderr.map((line) => line.replace(/\u001b\[\d+m/g, ""));
        expect(plain.filter((l) => /^\s+at /.test(l) || /internal error/.test(l))).toEqual([]);
        expect(
          plain.filter((l) => /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(l)),
        ).toEqual([]);
        const errors = plain.filter((l) => !l.includes("is more than this process's heap"));
        expect(errors.length, errors.join("\n")).toBeLessThanOrEqual(1);
        for (const line of errors) expect(line).toMatch(/^murphy: /);
        tally("cli", `exit ${code}${errors.length > 0 ? " with an error line" : ""}`);
      }),
      { numRuns: RUNS },
    );
  });
});
