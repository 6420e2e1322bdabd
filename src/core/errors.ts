// Typed errors. Every operating error murphy raises has a stable `code`, structured fields, and a
// `definite` flag that says whether the operation certainly did not happen. A timeout is the
// canonical indefinite error: the caller cannot tell a lost request from a lost response.

export abstract class MurphyError extends Error {
  abstract readonly code: string;
  /** True when the operation certainly did not take effect; false when it may have. */
  abstract readonly definite: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid configuration or input, detected when it is built: names the field, the value, the fix. */
export class ConfigError extends MurphyError {
  readonly code = "E_CONFIG";
  readonly definite = true;
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;
  readonly fix: string;

  constructor(args: { field: string; value: unknown; expected: string; fix: string }) {
    super(`\`${args.field}\` must be ${args.expected}, got ${show(args.value)}; ${args.fix}`);
    this.field = args.field;
    this.value = args.value;
    this.expected = args.expected;
    this.fix = args.fix;
  }
}

/** A request got no response in time. Indefinite: it may or may not have been executed. */
export class TimeoutError extends MurphyError {
  readonly code = "E_TIMEOUT";
  readonly definite = false;
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(`${what} got no response within ${timeoutMs} ms; it may or may not have taken effect`);
    this.timeoutMs = timeoutMs;
  }
}

/** The operation was cancelled through its AbortSignal before it finished. */
export class AbortedError extends MurphyError {
  readonly code = "E_ABORTED";
  readonly definite: boolean;

  constructor(what: string, definite: boolean, options?: { cause?: unknown }) {
    super(`${what} was aborted`, options);
    this.definite = definite;
  }
}

/** An output (a trace, a summary, a shard file) could not be written: nothing claims it was. */
export class OutputWriteError extends MurphyError {
  readonly code = "E_OUTPUT";
  readonly definite = true;
  constructor(
    /** The flag or argument that named the output, e.g. `--trace`. */
    readonly field: string,
    readonly path: string,
    /** The system's reason, e.g. `EISDIR` or `ENOSPC`. */
    readonly reason: string,
    fix: string,
  ) {
    super(`could not write \`${field}\` ${show(path)}: ${reason}; ${fix}`);
  }
}

/** Renders a value for an error message, short and unambiguous. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined
      ? String(value)
      : text.length > 120
        ? text.slice(0, 117) + "..."
        : text;
  } catch {
    return String(value);
  }
}
