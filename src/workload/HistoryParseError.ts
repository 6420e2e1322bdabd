// The error every history reader raises: it names the line, what was expected there and what was
// found, so that a bad file can be fixed without reading the reader's source.

import { MurphyError, show } from "../core/errors.js";

export class HistoryParseError extends MurphyError {
  readonly code = "E_HISTORY_PARSE";
  readonly definite = true;
  /** 1-based line number in the input. */
  readonly line: number;
  readonly expected: string;
  readonly got: string;

  constructor(args: { line: number; expected: string; got: string; fix?: string }) {
    const fix = args.fix === undefined ? "" : `; ${args.fix}`;
    super(`line ${args.line}: expected ${args.expected}, got ${clip(args.got)}${fix}`);
    this.line = args.line;
    this.expected = args.expected;
    this.got = args.got;
  }
}

function clip(text: string): string {
  return show(text.length > 100 ? text.slice(0, 97) + "..." : text);
}
