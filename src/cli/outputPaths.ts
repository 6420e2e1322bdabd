// Where the CLI writes its outputs (a trace, a summary, a shard file), checked before the work that
// produces them: a sweep of an hour must not end in "cannot write", and a run must never report
// "trace written" about a file that was not. Each check and each write that fails is an
// OutputWriteError naming the flag, the path and the system's reason.

import { accessSync, closeSync, constants, mkdirSync, openSync, writeFileSync } from "node:fs";
import { OutputWriteError } from "../core/errors.js";

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}

const FIXES: Record<string, string> = {
  EISDIR: "that path is a directory: name a file",
  ENOTDIR: "a part of that path is a file, not a directory",
  EACCES: "choose a path you may write to",
  EPERM: "choose a path you may write to",
  ENOENT: "create the directory first, or choose another path",
  EROFS: "that file system is read-only: choose another path",
  ENOSPC: "the device is full: free space or choose another path",
};

function failure(field: string, path: string, error: unknown): OutputWriteError {
  const reason = reasonOf(error);
  return new OutputWriteError(field, path, reason, FIXES[reason] ?? "choose another path");
}

/** Makes sure `dir` exists (creating it) and may be written to; before any work. */
export function prepareOutputDir(field: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw failure(field, dir, error);
  }
}

/**
 * Opens `file` for writing now (creating or emptying it), so that a bad path fails before the
 * work; returns the descriptor for the writer to use.
 */
export function openOutputFile(field: string, file: string): number {
  try {
    return openSync(file, "w");
  } catch (error) {
    throw failure(field, file, error);
  }
}

/** Checks now that `file` can be written (creating it empty), for a writer that opens it later. */
export function checkOutputFile(field: string, file: string): void {
  closeOutputFile(openOutputFile(field, file));
}

/** Closes a descriptor opened by `openOutputFile` that will not be written after all. */
export function closeOutputFile(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed by the stream that used it.
  }
}

/** Writes a whole output file; a failed write is an OutputWriteError. */
export function writeOutputFile(field: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw failure(field, path, error);
  }
}

/** The error for a write that failed after the output was opened (a stream's error event). */
export function outputWriteFailed(field: string, path: string, error: unknown): OutputWriteError {
  return failure(field, path, error);
}
