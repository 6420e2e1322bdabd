import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../core/errors.js";
import { Simulation } from "../../world/Simulation.js";
import { showCommand, type ShowOptions } from "./show.js";

const defaults: ShowOptions = { maxLines: "200", width: "100" };

/** A real run: a client pings a server three times, 10 ms apart; the server pauses for 15 ms. */
async function pingTrace(): Promise<string[]> {
  const lines: string[] = [];
  const sim = new Simulation({
    seed: 7,
    nodes: {
      server: (ctx) => ({ onMessage: (m) => ctx.send(m.from, { pong: m.body }) }),
      client: (ctx) => {
        let round = 0;
        const ping = (): void => {
          ctx.send("server", round);
          if (++round < 3) ctx.setTimer(10, ping);
        };
        return { onStart: ping };
      },
    },
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 4 } },
    faults: [{ atMs: 12, kind: "pause", node: "server", durationMs: 15 }],
    trace: { sink: (line) => lines.push(line) },
  });
  await sim.run();
  return lines;
}

function file(name: string, lines: readonly string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "murphy-show-")), name);
  writeFileSync(path, lines.map((line) => line + "\n").join(""));
  return path;
}

describe("murphy show", () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(console, "log").mockImplementation((s: unknown) => void out.push(String(s)));
    vi.spyOn(console, "error").mockImplementation((s: unknown) => void err.push(String(s)));
  });
  afterEach(() => vi.restoreAllMocks());

  it("shows a real run's trace: a column per node, deliveries, the pause and its end", async () => {
    const trace = file("ping.jsonl", await pingTrace());
    expect(showCommand(trace, defaults)).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/^trace .*ping\.jsonl · \d+ events\n\s+ms {2}server +client\n/);
    expect(text).toMatch(/→ server #0: 0/);
    expect(text).toMatch(/← client #0 \(\d+(\.\d+)? ms\)/);
    expect(text).toMatch(/← server #\d+ \(\d+(\.\d+)? ms\)/);
    expect(text).toMatch(/12\.000 {2}fault: pause server 15ms/);
    expect(text).toMatch(/27\.000 {2}resume \(\d parked\)/);
    expect(err).toEqual([]);
  });

  it("shows that filters narrow the diagram and --max-lines bounds it with a hint", async () => {
    const trace = file("ping.jsonl", await pingTrace());
    showCommand(trace, { ...defaults, nodes: "client", kinds: "deliver", fromMs: "5" });
    expect(out.join("\n").split("\n").slice(1)).toEqual([
      expect.stringMatching(/^ +ms {2}client$/),
      expect.stringMatching(/^─+ {2}─+$/),
      ...[1, 3, 5].map((id) =>
        expect.stringMatching(
          new RegExp(`^ *\\d+\\.\\d{3} {2}← server #${id} \\(\\d+(\\.\\d+)? ms\\)$`),
        ),
      ),
    ]);
    out.length = 0;
    showCommand(trace, { ...defaults, maxLines: "2" });
    expect(out.join("\n")).toMatch(/\n… \d+ more events from 0\.000 ms not shown; narrow with/);
  });

  it("shows that several worlds are drawn one by one, and --world picks one", async () => {
    const lines = await pingTrace();
    const header = (world: string) => JSON.stringify({ world, seed: "0x7", variant: "unsafe" });
    const trace = file("worlds.jsonl", [header("first"), ...lines, header("second"), ...lines]);
    showCommand(trace, defaults);
    expect(out.join("\n")).toMatch(/seed 0x7 · variant unsafe · 2 worlds/);
    expect(out.join("\n")).toMatch(/── world first ──[^]*── world second ──/);
    out.length = 0;
    showCommand(trace, { ...defaults, maxLines: "3" });
    expect(out.at(-1)).toMatch(/… 1 more world \(\d+ events\) not shown; pick one with --world/);
    out.length = 0;
    showCommand(trace, { ...defaults, world: "second" });
    expect(out.join("\n")).not.toMatch(/world first/);
  });

  it("shows that a bad flag is a configuration error naming the value and the fix", async () => {
    const trace = file("ping.jsonl", await pingTrace());
    const bad = (options: Partial<ShowOptions>) => () =>
      showCommand(trace, { ...defaults, ...options });
    expect(bad({ maxLines: "0" })).toThrow(ConfigError);
    expect(bad({ maxLines: "0" })).toThrow(
      /`--max-lines` must be a whole number >= 1, got "0"; e\.g\./,
    );
    expect(bad({ fromMs: "soon" })).toThrow(
      /`--from-ms` must be a virtual time in milliseconds >= 0, got "soon"/,
    );
    expect(bad({ fromMs: "20", toMs: "10" })).toThrow(/`--to-ms` must be >= --from-ms \(20\)/);
    expect(bad({ kinds: "send,delivr" })).toThrow(
      /`--kinds` must be .*, got "delivr"; e\.g\. --kinds send,deliver/,
    );
    expect(bad({ nodes: "client,," })).toThrow(
      /`--nodes` must be a comma-separated list without empty items/,
    );
    expect(bad({ nodes: "clinet" })).toThrow(
      /`--nodes` must be .*\(server, client\), got "clinet"/,
    );
    expect(bad({ world: "retry" })).toThrow(/`--world` must be one of the worlds in this trace/);
    expect(bad({ width: "39" })).toThrow(/`--width`/);
    expect(() => showCommand("/no/such/trace.jsonl", defaults)).toThrow(/ENOENT/);
  });

  it("shows that a malformed trace exits 2 naming file and line; an empty one exits 2", () => {
    const trace = file("bad.jsonl", ['{"tMicros":0,"kind":"start","node":"a"}', '{"tMicros":1}']);
    expect(showCommand(trace, defaults)).toBe(2);
    expect(err.join("")).toMatch(/bad\.jsonl: line 2: expected "kind": one of start/);
    expect(showCommand(file("empty.jsonl", []), defaults)).toBe(2);
    expect(err.join("")).toMatch(/empty\.jsonl: no trace events found/);
  });
});
