// A real node's stable storage: a directory with one append-only log of JSON lines, one line per
// write (`{"s":key,"v":value}` sets, `{"d":key}` deletes). The contract is the simulator's: a write
// is certain to survive a crash only after `sync()`. Here unsynced writes stay in the process until
// `sync()` appends them in one write and fsyncs the file, so a SIGKILL loses every unsynced write
// (the simulator's `lose-all` crash policy, the harshest, like a power cut); a SIGKILL during a
// sync may leave a prefix of that sync's lines, and a torn last line, which opening the log cuts
// off. When the log grows well past the live data it is compacted: the state is written to a new
// file, fsynced, renamed over the log, and the directory fsynced, so a crash at any point leaves
// either the old log or the new one, never a mix.
//
// Values must be JSON data (they are written as JSON); `get` returns a fresh copy, as in the
// simulator, so a node cannot change its disk by mutating what it read or wrote.

import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { ConfigError, MurphyError } from "../core/errors.js";
import type { Storage } from "../sim/NodeApi.js";

const LOG = "storage.log";
const COMPACT_TMP = "storage.log.compact";
/** Compact when the log exceeds this many bytes and is more than twice the live data. */
const DEFAULT_COMPACT_AT_BYTES = 4 * 1024 * 1024;

/** The log has a bad line before its end: something other than a crash wrote it. */
export class StorageCorruptError extends MurphyError {
  readonly code = "E_STORAGE_CORRUPT";
  readonly definite = true;
  constructor(
    readonly file: string,
    readonly line: number,
  ) {
    super(
      `${file}: line ${line} is not a storage record, and it is not the last line (a crash tears ` +
        "only the last); restore the directory from a copy or remove it to start empty",
    );
  }
}

export interface FileStorageOptions {
  compactAtBytes?: number;
}

type Pending = { key: string; json: string | undefined };

export class FileStorage implements Storage {
  /** What the node sees: the durable state plus its unsynced writes, as JSON text per key. */
  private readonly current = new Map<string, string>();
  private pending: Pending[] = [];
  private fd: number;
  private logBytes: number;
  private liveBytes = 0;
  private readonly compactAtBytes: number;
  readonly stats = { writes: 0, syncs: 0, compactions: 0, tornBytesDropped: 0 };

  private constructor(
    readonly dir: string,
    options: FileStorageOptions,
  ) {
    this.compactAtBytes = options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, LOG);
    const created = !existsSync(path);
    this.fd = openSync(path, "a+");
    if (created) fsyncDirectory(dir);
    this.logBytes = this.load(path);
  }

  /** Opens (or creates) the storage in `dir`, recovering from a crash that tore the last line. */
  static open(dir: string, options: FileStorageOptions = {}): FileStorage {
    return new FileStorage(dir, options);
  }

  get<T = unknown>(key: string): T | undefined {
    const json = this.current.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  has(key: string): boolean {
    return this.current.has(key);
  }

  set(key: string, value: unknown): void {
    requireKey(key);
    const json = toJson(key, value);
    this.current.set(key, json);
    this.pending.push({ key, json });
    this.stats.writes++;
  }

  delete(key: string): void {
    requireKey(key);
    this.current.delete(key);
    this.pending.push({ key, json: undefined });
    this.stats.writes++;
  }

  keys(): string[] {
    return [...this.current.keys()].sort();
  }

  /** Appends every unsynced write to the log in one write, then fsyncs it. */
  sync(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.map((p) => record(p.key, p.json)).join("");
    const bytes = Buffer.from(text, "utf8");
    writeAll(this.fd, bytes);
    fsyncSync(this.fd);
    this.logBytes += bytes.length;
    this.pending = [];
    this.stats.syncs++;
    this.liveBytes = this.estimateLiveBytes();
    if (this.logBytes > this.compactAtBytes && this.logBytes > 2 * this.liveBytes) this.compact();
  }

  /** Closes the log; unsynced writes are dropped, as a crash would drop them. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private load(path: string): number {
    const bytes = readFileSync(path);
    let good = 0;
    let lineNo = 0;
    while (good < bytes.length) {
      const end = bytes.indexOf(10, good);
      lineNo++;
      const line = bytes.subarray(good, end === -1 ? bytes.length : end).toString("utf8");
      const parsed = end === -1 ? undefined : parseRecord(line);
      if (parsed === undefined) {
        // Only the last line may be torn; a bad line with good lines after it is corruption.
        if (end !== -1 && end + 1 < bytes.length) throw new StorageCorruptError(path, lineNo);
        break;
      }
      if (parsed.json === undefined) this.current.delete(parsed.key);
      else this.current.set(parsed.key, parsed.json);
      good = end + 1;
    }
    if (good < bytes.length) {
      this.stats.tornBytesDropped = bytes.length - good;
      ftruncateSync(this.fd, good);
      fsyncSync(this.fd);
    }
    this.liveBytes = this.estimateLiveBytes();
    return good;
  }

  private estimateLiveBytes(): number {
    let n = 0;
    for (const [key, json] of this.current) n += key.length + json.length + 12;
    return n;
  }

  private compact(): void {
    const durable = new Map(this.current);
    const tmp = join(this.dir, COMPACT_TMP);
    const fd = openSync(tmp, "w");
    try {
      const text = [...durable].map(([key, json]) => record(key, json)).join("");
      const bytes = Buffer.from(text, "utf8");
      writeAll(fd, bytes);
      fsyncSync(fd);
      this.logBytes = bytes.length;
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, LOG));
    fsyncDirectory(this.dir);
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, LOG), "a+");
    this.stats.compactions++;
  }
}

function record(key: string, json: string | undefined): string {
  return json === undefined
    ? `{"d":${JSON.stringify(key)}}\n`
    : `{"s":${JSON.stringify(key)},"v":${json}}\n`;
}

function parseRecord(line: string): { key: string; json: string | undefined } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as { s?: unknown; v?: unknown; d?: unknown };
  if (typeof r.d === "string") return { key: r.d, json: undefined };
  if (typeof r.s === "string" && "v" in r) return { key: r.s, json: JSON.stringify(r.v) };
  return undefined;
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function requireKey(key: unknown): void {
  if (typeof key !== "string") {
    throw new ConfigError({
      field: "storage key",
      value: key,
      expected: "a string",
      fix: "name stored values with strings",
    });
  }
}

/** The value as JSON text, refusing what JSON cannot carry back unchanged. */
function toJson(key: string, value: unknown): string {
  const problem = jsonProblem(value, 0);
  if (problem !== undefined) {
    throw new ConfigError({
      field: `storage.set(${JSON.stringify(key)})`,
      value,
      expected: "JSON data (objects, arrays, strings, finite numbers, booleans, null)",
      fix: `the real runtime writes values as JSON; ${problem}`,
    });
  }
  return JSON.stringify(value);
}

function jsonProblem(value: unknown, depth: number): string | undefined {
  if (depth > 512) return "it nests too deeply";
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number")
    return Number.isFinite(value) ? undefined : `${value} is not a JSON number`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const p = jsonProblem(item, depth + 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      return `store a plain object instead of a ${(value as object).constructor?.name ?? "class instance"}`;
    }
    for (const item of Object.values(value as object)) {
      // An undefined field is left out, as JSON.stringify leaves it out; reading gives the same.
      if (item === undefined) continue;
      const p = jsonProblem(item, depth + 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  return `a ${typeof value} is not JSON`;
}
