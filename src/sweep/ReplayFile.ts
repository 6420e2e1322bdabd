// A replay file: one failing run as data — the world, the variant, the seed and the fault schedule
// it ran under (usually shrunk) — written by `murphy shrink` and by the test API, run by `murphy
// replay --schedule FILE`. The world is named as the user gave it (a scenario or a file path,
// relative to the directory the command ran in).

import { readFileSync, writeFileSync } from "node:fs";
import { ConfigError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";

export const REPLAY_FORMAT = "murphy-replay/1";
/** A replay file is a schedule, not a history: anything larger is not one of ours. */
const MAX_REPLAY_BYTES = 16 * 1024 * 1024;

export interface ReplayFile {
  format: typeof REPLAY_FORMAT;
  world: string;
  variant: string;
  seed: string;
  /** The property that failed when the file was written. */
  property: string;
  faults: FaultAction[];
}

export function writeReplayFile(path: string, replay: Omit<ReplayFile, "format">): void {
  const file: ReplayFile = { format: REPLAY_FORMAT, ...replay };
  writeFileSync(path, JSON.stringify(file, null, 2) + "\n");
}

export function readReplayFile(path: string): ReplayFile {
  let text: string;
  try {
    const buffer = readFileSync(path);
    if (buffer.length > MAX_REPLAY_BYTES) throw new RangeError(`${buffer.length} bytes`);
    text = buffer.toString("utf8");
  } catch (error) {
    throw new ConfigError({
      field: "--schedule",
      value: path,
      expected: `a readable replay file of at most ${MAX_REPLAY_BYTES} bytes`,
      fix: `check the path (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid(path, "format", text.slice(0, 40));
  }
  return parseReplay(path, data);
}

function parseReplay(path: string, data: unknown): ReplayFile {
  if (typeof data !== "object" || data === null) throw invalid(path, "format", data);
  const d = data as Record<string, unknown>;
  if (d.format !== REPLAY_FORMAT) throw invalid(path, "format", d.format);
  for (const key of ["world", "variant", "seed", "property"] as const) {
    if (typeof d[key] !== "string" || d[key] === "") throw invalid(path, key, d[key]);
  }
  try {
    Seed.parse(d.seed as string);
  } catch {
    throw invalid(path, "seed", d.seed);
  }
  if (!Array.isArray(d.faults) || !d.faults.every((a) => typeof a === "object" && a !== null)) {
    throw invalid(path, "faults", d.faults);
  }
  return data as ReplayFile;
}

function invalid(path: string, field: string, value: unknown): ConfigError {
  return new ConfigError({
    field: `${path}: ${field}`,
    value,
    expected: `a ${REPLAY_FORMAT} file's ${field}`,
    fix: "pass a file written by `murphy shrink` (or the test API)",
  });
}
