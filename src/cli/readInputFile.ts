// Reads a file named on the command line, turning "no such file" into a ConfigError that names
// the argument, the path and the fix, as every other bad input of the CLI is reported. Every read
// is bounded: a file (or a device such as /dev/zero, or a pipe) longer than the limit is refused
// after reading at most one byte past it, never read to the end of memory.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ConfigError } from "../core/errors.js";

/** The largest input file read by default: far above any history or trace murphy writes. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const CHUNK_BYTES = 1024 * 1024;

export function readInputFile(file: string, what: string, maxBytes = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw unreadable(file, what, error);
  }
  try {
    if (fstatSync(fd).isDirectory()) {
      throw new ConfigError({
        field: "FILE",
        value: file,
        expected: `a readable ${what}`,
        fix: "that path is a directory; name a file in it",
      });
    }
    return readBounded(fd, file, what, maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `maxBytes`, in chunks (a device or pipe has no size to trust), then decodes. */
function readBounded(fd: number, file: string, what: string, maxBytes: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      throw unreadable(file, what, error);
    }
    if (read === 0) break;
    chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    total += read;
    if (total > maxBytes) {
      throw new ConfigError({
        field: "FILE",
        value: file,
        expected: `a ${what} of at most ${sizeText(maxBytes)}`,
        fix: "split the input, or check fewer operations at a time",
      });
    }
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

function unreadable(file: string, what: string, error: unknown): ConfigError {
  return new ConfigError({
    field: "FILE",
    value: file,
    expected: `a readable ${what}`,
    fix: `check the path (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
  });
}

function sizeText(bytes: number): string {
  const mib = 1024 * 1024;
  return bytes % mib === 0 ? `${bytes / mib} MiB` : `${bytes} bytes`;
}
