import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateHistory } from "../../check/generateHistory.js";
import { kvModel } from "../../check/models/kvModel.js";
import { ConfigError } from "../../core/errors.js";
import { Rng } from "../../core/Rng.js";
import { writeHistoryJsonl } from "../../workload/MurphyJsonl.js";
import { checkCommand, detectFormat } from "./check.js";

const corpus = (name: string) =>
  new URL(`../../../test/corpus/histories/${name}`, import.meta.url).pathname;
const defaults = { format: "auto" };

describe("murphy check", () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(console, "log").mockImplementation((s: unknown) => void out.push(String(s)));
    vi.spyOn(console, "error").mockImplementation((s: unknown) => void err.push(String(s)));
  });
  afterEach(() => vi.restoreAllMocks());

  it("shows exit 0 for a linearizable history and 1, with the reason, for a stale read", () => {
    expect(
      checkCommand(corpus("register-ok.jepsen-log.txt"), { ...defaults, model: "register" }),
    ).toBe(0);
    expect(
      checkCommand(corpus("register-stale-read.jepsen-log.txt"), {
        ...defaults,
        model: "register",
      }),
    ).toBe(1);
    expect(out.join("")).toContain("cannot be linearised");
    // A Jepsen file has an order, not times: intervals are event numbers, not ms.
    expect(out.join("")).toMatch(/\[line \d+, events \d+\.\.\d+\]/);
  });

  it("shows a murphy history's intervals in ms, and the blocked read's expected and seen value", () => {
    const dir = mkdtempSync(join(tmpdir(), "murphy-check-"));
    try {
      const file = join(dir, "stale.jsonl");
      writeFileSync(
        file,
        [
          '{"type":"invoke","process":0,"f":"write","value":1,"atMicros":0}',
          '{"type":"ok","process":0,"atMicros":10}',
          '{"type":"invoke","process":1,"f":"write","value":2,"atMicros":20}',
          '{"type":"ok","process":1,"atMicros":30}',
          '{"type":"invoke","process":2,"f":"read","atMicros":40}',
          '{"type":"ok","process":2,"value":1,"atMicros":50}',
        ].join("\n"),
      );
      expect(checkCommand(file, { ...defaults, model: "register" })).toBe(1);
      const text = out.join("");
      expect(text).toContain("2. p1 write(2) → nil  [line 3, 0.020..0.030 ms]");
      expect(text).toContain("p2 read() → 1  [line 5, 0.040..0.050 ms] completed");
      expect(text).toContain("expected: 2  (what the model returns in that state)");
      expect(text).toContain("seen:     1  (what the client got)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows that times past 2^53 µs are checked exactly and the rebase is said, in text and JSON", () => {
    const base = 2n ** 60n;
    const path = join(mkdtempSync(join(tmpdir(), "murphy-check-")), "late.jsonl");
    writeFileSync(
      path,
      [
        `{"type":"invoke","process":1,"f":"write","value":1,"atMicros":${base}}`,
        `{"type":"ok","process":1,"atMicros":${base + 1n}}`,
        `{"type":"invoke","process":2,"f":"read","atMicros":${base + 2n}}`,
        `{"type":"ok","process":2,"value":null,"atMicros":${base + 3n}}`,
      ].join("\n"),
    );
    expect(checkCommand(path, { ...defaults, model: "register" })).toBe(1);
    expect(out.join("")).toContain(`shown relative to ${base} µs, the file's earliest`);
    out.length = 0;
    expect(checkCommand(path, { ...defaults, model: "register", json: true })).toBe(1);
    expect(JSON.parse(out.join(""))).toMatchObject({ timeOffsetMicros: String(base) });
  });

  it("shows that a memory budget beyond the heap is said before the search, which still answers", () => {
    expect(
      checkCommand(corpus("register-ok.jepsen-log.txt"), {
        ...defaults,
        model: "register",
        maxMemoryMb: "100000000",
      }),
    ).toBe(0);
    expect(err.join("")).toMatch(/--max-memory-mb 100000000 is more than this process's heap/);
  });

  it("shows that --max-steps bounds the search deterministically: exit 2 naming the step budget", () => {
    const file = corpus("kv-ok.jepsen-edn.txt");
    const run = () => {
      out.length = 0;
      const code = checkCommand(file, { ...defaults, model: "kv", maxSteps: "3", json: true });
      const { verdict, reason, stats } = JSON.parse(out.join("")) as Record<string, never>;
      return { code, verdict, reason, steps: (stats as unknown as { steps: number }).steps };
    };
    const first = run();
    expect(first).toEqual({ code: 2, verdict: "unknown", reason: "steps", steps: 3 });
    expect(run()).toEqual(first);
    out.length = 0;
    expect(checkCommand(file, { ...defaults, model: "kv", maxSteps: "3" })).toBe(2);
    expect(out.join("")).toMatch(/the step budget ran out[\s\S]*raise --max-steps/);
  });

  it("shows that --max-memory-mb still sets the state budget, under its former name", () => {
    const dir = mkdtempSync(join(tmpdir(), "murphy-check-"));
    const file = join(dir, "kv.jsonl");
    const rng = Rng.fromSeed(1);
    writeFileSync(
      file,
      writeHistoryJsonl(generateHistory({ model: kvModel, rng, operations: 300, clients: 5 })),
    );
    const code = checkCommand(file, { ...defaults, model: "kv", maxMemoryMb: "0.001", json: true });
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(JSON.parse(out.join(""))).toMatchObject({ verdict: "unknown", reason: "memory" });
  });

  it("shows that --json prints the result with the file and detected format", () => {
    expect(
      checkCommand(corpus("kv-lost-append.jepsen-edn.txt"), {
        ...defaults,
        model: "kv",
        json: true,
      }),
    ).toBe(1);
    const result = JSON.parse(out.join("")) as {
      format: string;
      verdict: string;
      partition: string;
    };
    expect(result).toMatchObject({
      format: "jepsen-edn",
      verdict: "illegal",
      partition: 'key "a"',
    });
  });

  it("shows that a malformed line exits 2 naming the file, the line and what was expected", () => {
    const dir = mkdtempSync(join(tmpdir(), "murphy-check-"));
    const file = join(dir, "bad.jsonl");
    writeFileSync(
      file,
      '{"type":"invoke","process":1,"f":"read","atMicros":0}\n{"type":"ok","process":2,"atMicros":1}\n',
    );
    expect(checkCommand(file, { ...defaults, model: "register" })).toBe(2);
    expect(err.join("")).toMatch(/bad\.jsonl \(murphy\): line 2: expected an earlier invocation/);
  });

  it("shows that an empty history exits 2 rather than passing: a check of nothing is a wrong file", () => {
    const dir = mkdtempSync(join(tmpdir(), "murphy-check-"));
    const file = join(dir, "empty.jsonl");
    writeFileSync(file, "");
    expect(checkCommand(file, { ...defaults, model: "register", format: "murphy" })).toBe(2);
    expect(err.join("")).toMatch(/empty\.jsonl \(murphy\): no operations found/);
  });

  it("shows that an unknown model, format, budget or file is a configuration error", () => {
    const file = corpus("register-ok.jepsen-log.txt");
    expect(() => checkCommand(file, { ...defaults, model: "regsiter" })).toThrow(
      /`--model` must be one of register, kv/,
    );
    expect(() => checkCommand(file, { ...defaults })).toThrow(ConfigError);
    expect(() => checkCommand(file, { ...defaults, model: "register", format: "edn" })).toThrow(
      /--format/,
    );
    expect(() => checkCommand(file, { ...defaults, model: "register", timeoutMs: "soon" })).toThrow(
      /`--timeout-ms` must be a positive number, got "soon"/,
    );
    for (const [flag, value] of [
      ["maxSteps", "0"],
      ["maxSteps", "1.5"],
      ["maxSteps", "many"],
      ["maxStateMb", "-1"],
      ["maxMemoryMb", "NaN"],
    ] as const) {
      const name = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      expect(() => checkCommand(file, { ...defaults, model: "register", [flag]: value })).toThrow(
        expect.objectContaining({ field: name, value }),
      );
    }
    expect(() => checkCommand("/no/such/file", { ...defaults, model: "register" })).toThrow(
      /ENOENT/,
    );
  });

  it("shows that the format is detected from the first line", () => {
    expect(detectFormat('\n{"type":"invoke"}')).toBe("murphy");
    expect(detectFormat("{:process 0}")).toBe("jepsen-edn");
    expect(detectFormat("INFO  jepsen.util - 0\t:invoke\t:read\tnil")).toBe("jepsen-log");
    expect(
      detectFormat(
        "2017-03-07 16:05:06,135{GMT}\tINFO\t[jepsen worker 0] jepsen.util: 0\t:invoke\t:read\tnil",
      ),
    ).toBe("jepsen-log");
    expect(detectFormat("1\t:info\t:read\tnil\t:timed-out")).toBe("jepsen-log");
    expect(detectFormat("; history of run 7\n{:process 0, :type :invoke}")).toBe("jepsen-edn");
  });

  it("shows that jepsen.log excerpts with error columns and nemesis lines check without --format", () => {
    expect(checkCommand(corpus("etcd-ok.jepsen-log.txt"), { ...defaults, model: "register" })).toBe(
      0,
    );
    out.length = 0;
    expect(
      checkCommand(corpus("etcd-failed-write-read.jepsen-log.txt"), {
        ...defaults,
        model: "register",
        json: true,
      }),
    ).toBe(1);
    expect(JSON.parse(out.join(""))).toMatchObject({
      format: "jepsen-log",
      verdict: "illegal",
    });
    expect(err).toEqual([]);
  });

  it("shows that a malformed operation line in a jepsen.log exits 2 naming the line", () => {
    const dir = mkdtempSync(join(tmpdir(), "murphy-check-"));
    const file = join(dir, "jepsen.log");
    const prefix = "2017-03-07 16:05:06,135{GMT}\tINFO\t[jepsen worker 0] jepsen.util: ";
    writeFileSync(file, `${prefix}0\t:invoke\t:read\tnil\n${prefix}0\t:okay\t:read\t3\n`);
    expect(checkCommand(file, { ...defaults, model: "register" })).toBe(2);
    expect(err.join("")).toMatch(/jepsen\.log \(jepsen-log\): line 2: expected a type of :invoke/);
  });
});
