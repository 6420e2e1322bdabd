// Shows that a replay file round-trips and that anything else given as one is refused with the
// file, the field and the fix.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readReplayFile, writeReplayFile } from "./ReplayFile.js";

const dir = mkdtempSync(join(tmpdir(), "murphy-replayfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const replay = {
  world: "./w.ts",
  variant: "naive",
  seed: "0x0000000000000003",
  property: "linearizable",
  faults: [{ atMs: 5, kind: "crash" as const, node: "n1", recoverAfterMs: 10 }],
};

describe("replay files", () => {
  it("round-trip", () => {
    const path = join(dir, "ok.json");
    writeReplayFile(path, replay);
    expect(readReplayFile(path)).toEqual({ format: "murphy-replay/1", ...replay });
  });

  it("refuse what is not one", () => {
    const cases: [string, RegExp][] = [
      ["not json", /: format` must be a murphy-replay\/1 file's format/],
      ["[]", /: format`/],
      [JSON.stringify({ ...replay, format: "murphy-replay/9" }), /: format`/],
      [JSON.stringify({ ...replay, format: "murphy-replay/1", seed: "x" }), /: seed`.*got "x"/],
      [JSON.stringify({ ...replay, format: "murphy-replay/1", variant: 3 }), /: variant`/],
      [JSON.stringify({ ...replay, format: "murphy-replay/1", faults: {} }), /: faults`/],
    ];
    for (const [text, message] of cases) {
      const path = join(dir, "bad.json");
      writeFileSync(path, text);
      expect(() => readReplayFile(path), text).toThrow(message);
    }
    expect(() => readReplayFile(join(dir, "missing.json"))).toThrow(
      /`--schedule` must be a readable replay file.*ENOENT/,
    );
  });
});
