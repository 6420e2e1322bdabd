// Maelstrom's wire format, from its protocol documentation: one JSON object per line,
// `{"src", "dest", "body"}`, where `body.type` names the message and `msg_id` / `in_reply_to` pair a
// request with its reply. Lines come from other processes, so they are untrusted input: each is
// size-limited before it is parsed, parsed with JSON.parse only (never evaluated), and checked
// field by field. A line that fails gets a `MalformedLineError` naming what was wrong, and the
// caller drops it (it never crashes the harness).

import { MurphyError, show } from "../../core/errors.js";

/** A message body: `type` is mandatory; the rest depends on the type. */
export interface MaelstromBody {
  readonly type: string;
  readonly msg_id?: number;
  readonly in_reply_to?: number;
  readonly [field: string]: unknown;
}

export interface MaelstromMessage {
  readonly src: string;
  readonly dest: string;
  readonly body: MaelstromBody;
}

/** Lines longer than this are refused (1 MiB): a message is small; a flood is not a message. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Node ids, client ids and service names: short, printable, no surprises. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** A line of another process that is not a Maelstrom message. Definite: it was not delivered. */
export class MalformedLineError extends MurphyError {
  readonly code = "E_MAELSTROM_LINE";
  readonly definite = true;

  constructor(
    /** What was wrong, e.g. "`body.type` must be a string". */
    readonly problem: string,
    /** The start of the line, for the report. */
    readonly excerpt: string,
  ) {
    super(`${problem}; line: ${excerpt}`);
  }
}

/** The first 120 characters of a line, for error messages. */
export function excerptOf(line: string): string {
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** Parses and validates one line; throws MalformedLineError with the reason. */
export function parseMaelstromLine(line: string): MaelstromMessage {
  const excerpt = excerptOf(line);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MalformedLineError(`not JSON (${reason})`, excerpt);
  }
  return validateMessage(parsed, excerpt);
}

/** Checks a parsed value is `{src, dest, body: {type, …}}` with sane ids and message numbers. */
export function validateMessage(value: unknown, excerpt: string): MaelstromMessage {
  if (!isObject(value)) {
    throw new MalformedLineError(
      `a message must be a JSON object {"src","dest","body"}, got ${show(value)}`,
      excerpt,
    );
  }
  const src = requireId(value.src, "src", excerpt);
  const dest = requireId(value.dest, "dest", excerpt);
  const body = value.body;
  if (!isObject(body)) {
    throw new MalformedLineError(`\`body\` must be a JSON object, got ${show(body)}`, excerpt);
  }
  if (typeof body.type !== "string" || body.type.length === 0 || body.type.length > 64) {
    throw new MalformedLineError(
      `\`body.type\` must be a non-empty string, got ${show(body.type)}`,
      excerpt,
    );
  }
  for (const field of ["msg_id", "in_reply_to"] as const) {
    const n = body[field];
    if (n !== undefined && !(Number.isSafeInteger(n) && (n as number) >= 0)) {
      throw new MalformedLineError(
        `\`body.${field}\` must be a non-negative integer, got ${show(n)}`,
        excerpt,
      );
    }
  }
  return { src, dest, body: body as MaelstromBody };
}

function requireId(value: unknown, field: string, excerpt: string): string {
  if (typeof value !== "string" || !ID.test(value)) {
    throw new MalformedLineError(
      `\`${field}\` must be a node id like "n1" or "c2", got ${show(value)}`,
      excerpt,
    );
  }
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One line of the wire format, newline included. */
export function formatMaelstromLine(src: string, dest: string, body: MaelstromBody): string {
  return `${JSON.stringify({ src, dest, body })}\n`;
}
