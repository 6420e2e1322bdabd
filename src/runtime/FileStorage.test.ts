// Shows that FileStorage keeps exactly what was synced across a reopen (a crash), that a torn
// last line is cut off while a bad line in the middle is corruption, that compaction keeps the
// state, and that values JSON cannot carry are refused with the key named.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { FileStorage, StorageCorruptError } from "./FileStorage.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "murphy-storage-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("FileStorage", () => {
  it("keeps synced writes and loses unsynced ones when the process goes away", () => {
    const a = FileStorage.open(dir);
    a.set("x", { n: 1, list: [1, "two", null] });
    a.set("y", 2);
    a.sync();
    a.delete("y");
    a.set("z", 3); // never synced
    expect(a.keys()).toEqual(["x", "z"]);
    a.close();
    const b = FileStorage.open(dir);
    expect(b.keys()).toEqual(["x", "y"]);
    expect(b.get("x")).toEqual({ n: 1, list: [1, "two", null] });
    b.delete("y");
    b.sync();
    b.close();
    expect(FileStorage.open(dir).keys()).toEqual(["x"]);
  });

  it("hands out copies, so mutating a read value does not change the disk", () => {
    const s = FileStorage.open(dir);
    const value = { list: [1] };
    s.set("k", value);
    value.list.push(2);
    s.get<{ list: number[] }>("k")!.list.push(3);
    expect(s.get("k")).toEqual({ list: [1] });
    s.close();
  });

  it("cuts off a torn last line and refuses a bad line before the end", () => {
    const s = FileStorage.open(dir);
    s.set("a", 1);
    s.sync();
    s.close();
    const log = join(dir, "storage.log");
    const good = statSync(log).size;
    appendFileSync(log, '{"s":"b","v":');
    const reopened = FileStorage.open(dir);
    expect(reopened.keys()).toEqual(["a"]);
    expect(reopened.stats.tornBytesDropped).toBe(13);
    expect(statSync(log).size).toBe(good);
    reopened.close();
    appendFileSync(log, 'garbage\n{"s":"c","v":3}\n');
    expect(() => FileStorage.open(dir)).toThrow(StorageCorruptError);
  });

  it("compacts a log full of overwritten values without changing what it holds", () => {
    const s = FileStorage.open(dir, { compactAtBytes: 2_000 });
    for (let i = 0; i < 200; i++) {
      s.set(`k${i % 5}`, i);
      s.sync();
    }
    expect(s.stats.compactions).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "storage.log"), "utf8").length).toBeLessThan(2_500);
    s.close();
    const again = FileStorage.open(dir);
    expect(again.keys().map((k) => again.get(k))).toEqual([195, 196, 197, 198, 199]);
    again.close();
  });

  it("refuses values that JSON would change, naming the key", () => {
    const s = FileStorage.open(dir);
    for (const bad of [new Map(), 1n, NaN, () => 1, undefined, [undefined]]) {
      expect(() => s.set("key", bad)).toThrow(ConfigError);
    }
    expect(() => s.set("key", new Map())).toThrow(/storage\.set\("key"\)/);
    s.set("ok", { a: 1, gone: undefined });
    expect(s.get("ok")).toEqual({ a: 1 });
    s.close();
  });
});
