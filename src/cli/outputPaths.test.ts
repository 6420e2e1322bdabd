import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OutputWriteError } from "../core/errors.js";
import {
  openOutputFile,
  closeOutputFile,
  prepareOutputDir,
  writeOutputFile,
} from "./outputPaths.js";

const dir = mkdtempSync(join(tmpdir(), "murphy-out-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("output paths", () => {
  it("shows that a directory is created and checked, and a path through a file is refused", () => {
    prepareOutputDir("--out", join(dir, "a", "b"));
    const file = join(dir, "file");
    writeFileSync(file, "");
    expect(() => prepareOutputDir("--out", join(file, "sub"))).toThrow(OutputWriteError);
    expect(() => prepareOutputDir("--out", join(file, "sub"))).toThrow(
      /could not write `--out` ".*file\/sub": (ENOTDIR|EEXIST)/,
    );
  });

  it("shows that a trace path that is a directory fails when opened, before any work", () => {
    expect(() => openOutputFile("--trace", dir)).toThrow(/EISDIR; that path is a directory/);
    const fd = openOutputFile("--trace", join(dir, "t.jsonl"));
    closeOutputFile(fd);
  });

  it("shows that a failed write is an error naming the flag, and a good one writes", () => {
    expect(() => writeOutputFile("--out", "/dev/full", "x")).toThrow(/ENOSPC/);
    writeOutputFile("--out", join(dir, "s.json"), "{}");
    expect(readFileSync(join(dir, "s.json"), "utf8")).toBe("{}");
  });
});
