import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { readInputFile } from "./readInputFile.js";

const dir = mkdtempSync(join(tmpdir(), "murphy-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readInputFile", () => {
  it("shows that a file is read whole up to the limit, and refused one byte past it", () => {
    const path = join(dir, "f.txt");
    writeFileSync(path, "x".repeat(1024));
    expect(readInputFile(path, "history file", 1024)).toHaveLength(1024);
    expect(() => readInputFile(path, "history file", 1023)).toThrow(
      /must be a history file of at most 1023 bytes/,
    );
  });

  it("shows that an endless device stops at the limit, and directories and missing paths are named", () => {
    expect(() => readInputFile("/dev/zero", "history file", 4096)).toThrow(ConfigError);
    expect(() => readInputFile(dir, "trace file")).toThrow(/that path is a directory/);
    expect(() => readInputFile(join(dir, "nope"), "trace file")).toThrow(/ENOENT/);
  });
});
