// Splits a byte stream from another process into lines, never holding more than `maxLineBytes`
// of one line. A line that grows past the limit is reported once (with its line number) and
// skipped up to its newline, so a process that prints a gigabyte without a newline costs the
// harness at most one line's worth of memory. Lines are decoded as UTF-8 once they are whole, so
// a character split across chunks is never mangled.

import { requireInteger } from "../../core/validate.js";

export type LineEvent =
  | { readonly kind: "line"; readonly line: string; readonly lineNumber: number }
  | { readonly kind: "too-long"; readonly lineNumber: number; readonly maxLineBytes: number };

export class LineSplitter {
  private readonly maxLineBytes: number;
  private parts: Buffer[] = [];
  private size = 0;
  /** Inside a line that was too long: skip bytes until its newline. */
  private skipping = false;
  private lineNumber = 0;

  constructor(maxLineBytes: number) {
    this.maxLineBytes = requireInteger("maxLineBytes", maxLineBytes, 1);
  }

  /** The lines completed by `chunk`, in order; whole-line events only. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end), events);
      if (newline === -1) break;
      this.finishLine(events);
      start = newline + 1;
    }
    return events;
  }

  /** At end of stream: a last line without a newline still counts. */
  end(): LineEvent[] {
    const events: LineEvent[] = [];
    if (this.size > 0 || this.skipping) this.finishLine(events);
    return events;
  }

  private take(piece: Buffer, events: LineEvent[]): void {
    if (this.skipping || piece.length === 0) return;
    if (this.size + piece.length > this.maxLineBytes) {
      this.skipping = true;
      this.parts = [];
      this.size = 0;
      events.push({
        kind: "too-long",
        lineNumber: this.lineNumber + 1,
        maxLineBytes: this.maxLineBytes,
      });
      return;
    }
    // Copy: the stream may reuse its buffer after this callback.
    this.parts.push(Buffer.from(piece));
    this.size += piece.length;
  }

  private finishLine(events: LineEvent[]): void {
    this.lineNumber++;
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const line = Buffer.concat(this.parts, this.size).toString("utf8").replace(/\r$/, "");
    this.parts = [];
    this.size = 0;
    if (line.trim().length > 0) events.push({ kind: "line", line, lineNumber: this.lineNumber });
  }
}
