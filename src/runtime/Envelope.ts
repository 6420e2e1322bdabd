// What one frame carries between real nodes: who sent it, to whom, and either a message (plain,
// a request with its id, or a reply to one) or a hello that opens a connection and says on which
// port the sender listens, so a node can answer a peer it was not told about (a client joining a
// `murphy cluster`). Bodies travel as JSON: what a node sends must be JSON data (undefined fields
// vanish, as with any JSON API). Parsing checks every field; anything else is rejected.

import { FrameError } from "./FrameCodec.js";

export const ENVELOPE_VERSION = 1;
const MAX_ID_LENGTH = 256;

export type Envelope =
  | {
      readonly v: 1;
      readonly from: string;
      readonly to: string;
      readonly body: unknown;
      /** Set by `request`: the answer must carry it back. */
      readonly rid?: number;
      /** True when this answers the sender's request `rid`. */
      readonly re?: true;
    }
  | { readonly v: 1; readonly from: string; readonly to: string; readonly hello: { port: number } };

export function isHello(e: Envelope): e is Extract<Envelope, { hello: unknown }> {
  return "hello" in e;
}

export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

function invalid(detail: string): FrameError {
  return new FrameError("invalid", detail, false);
}

function requireId(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw invalid(`\`${field}\` must be a node id (a non-empty string), got ${typeof value}`);
  }
  return value;
}

/** Parses a frame's payload; throws FrameError (unparseable or invalid) for anything else. */
export function parseEnvelope(payload: Buffer): Envelope {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString("utf8"));
  } catch (error) {
    throw new FrameError("unparseable", `not JSON: ${(error as Error).message}`, false);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalid("the payload must be a JSON object");
  }
  const e = raw as Record<string, unknown>;
  if (e.v !== ENVELOPE_VERSION) throw invalid(`unknown envelope version ${String(e.v)}`);
  const from = requireId("from", e.from);
  const to = requireId("to", e.to);
  if ("hello" in e) {
    const port = (e.hello as { port?: unknown } | null)?.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalid("`hello.port` must be a TCP port");
    }
    return { v: 1, from, to, hello: { port } };
  }
  if (!("body" in e)) throw invalid("a message needs a `body`");
  const rid = e.rid;
  if (rid !== undefined && !(Number.isSafeInteger(rid) && (rid as number) >= 0)) {
    throw invalid("`rid` must be a non-negative integer");
  }
  if (e.re !== undefined && (e.re !== true || rid === undefined)) {
    throw invalid("`re` must be true and come with `rid`");
  }
  return {
    v: 1,
    from,
    to,
    body: e.body,
    ...(rid === undefined ? {} : { rid: rid as number }),
    ...(e.re === true ? { re: true as const } : {}),
  };
}
