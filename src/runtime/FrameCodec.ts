// The wire format between real nodes: length-prefixed frames on a TCP stream. A frame is a 4-byte
// big-endian length, then (when a shared key is configured) a 32-byte HMAC-SHA256 of the payload,
// then the payload, JSON in UTF-8. Frames come from other processes, so they are untrusted input:
// the decoder never buffers more than one frame of the configured limit, and every way a frame
// can be wrong is a typed rejection the caller logs and drops. A length over the limit cannot be
// skipped safely (the stream has no other boundaries), so it ends the connection; a frame that is
// well delimited but forged or unparseable is dropped alone.

import { createHmac, timingSafeEqual } from "node:crypto";
import { ConfigError, MurphyError } from "../core/errors.js";
import { requireInteger } from "../core/validate.js";

export const MAC_BYTES = 32;
export const LENGTH_BYTES = 4;
/** Default bound on one frame's payload (MAC included): 1 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export type FrameRejection = "oversize" | "empty" | "forged" | "unparseable" | "invalid";

/** A frame the decoder or the receiver refused; `fatal` when the connection cannot go on. */
export class FrameError extends MurphyError {
  readonly code = "E_FRAME";
  readonly definite = true;
  constructor(
    readonly reason: FrameRejection,
    readonly detail: string,
    readonly fatal: boolean,
  ) {
    super(`rejected a frame (${reason}): ${detail}`);
  }
}

/** A shared key for frame MACs: bytes, or a string read as UTF-8. At least 16 bytes. */
export type FrameKey = Uint8Array | string;

export function frameKey(key: FrameKey | undefined, field = "hmacKey"): Buffer | undefined {
  if (key === undefined) return undefined;
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key);
  if (bytes.length < 16) {
    throw new ConfigError({
      field,
      value: `${bytes.length} bytes`,
      expected: "at least 16 bytes",
      fix: "use a random key of 32 bytes, e.g. `openssl rand -hex 32`",
    });
  }
  return bytes;
}

function mac(key: Buffer, payload: Buffer): Buffer {
  return createHmac("sha256", key).update(payload).digest();
}

/** Encodes one payload as a frame; refuses payloads over the limit (the receiver would). */
export function encodeFrame(
  payload: string,
  options: { key?: Buffer | undefined; maxFrameBytes?: number } = {},
): Buffer {
  const body = Buffer.from(payload, "utf8");
  const limit = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const size = body.length + (options.key === undefined ? 0 : MAC_BYTES);
  if (size > limit) {
    throw new ConfigError({
      field: "message",
      value: `${size} bytes`,
      expected: `at most maxFrameBytes (${limit}) once encoded`,
      fix: "send smaller messages, or raise maxFrameBytes on every node",
    });
  }
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + size);
  frame.writeUInt32BE(size, 0);
  if (options.key === undefined) body.copy(frame, LENGTH_BYTES);
  else {
    mac(options.key, body).copy(frame, LENGTH_BYTES);
    body.copy(frame, LENGTH_BYTES + MAC_BYTES);
  }
  return frame;
}

/**
 * Splits a byte stream into frames. `push` returns the payloads completed by a chunk and the
 * rejections met on the way; after a fatal rejection the decoder is closed and returns nothing.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private readonly key: Buffer | undefined;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private closed = false;

  constructor(options: { key?: Buffer | undefined; maxFrameBytes?: number } = {}) {
    this.maxFrameBytes = requireInteger(
      "maxFrameBytes",
      options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      1,
    );
    this.key = options.key;
  }

  push(chunk: Buffer): { frames: Buffer[]; errors: FrameError[] } {
    const frames: Buffer[] = [];
    const errors: FrameError[] = [];
    if (this.closed) return { frames, errors };
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= LENGTH_BYTES) {
      const head = this.peek(LENGTH_BYTES);
      const size = head.readUInt32BE(0);
      if (size > this.maxFrameBytes) {
        errors.push(
          new FrameError(
            "oversize",
            `a frame of ${size} bytes exceeds maxFrameBytes (${this.maxFrameBytes})`,
            true,
          ),
        );
        this.close();
        break;
      }
      if (this.buffered < LENGTH_BYTES + size) break;
      const frame = this.take(LENGTH_BYTES + size).subarray(LENGTH_BYTES);
      const payload = this.verify(frame, errors);
      if (payload !== undefined) frames.push(payload);
      if (this.closed) break;
    }
    return { frames, errors };
  }

  /** Bytes held for a frame not yet complete (never more than one frame's limit plus a header). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  private verify(frame: Buffer, errors: FrameError[]): Buffer | undefined {
    if (this.key === undefined) {
      if (frame.length === 0) errors.push(new FrameError("empty", "a frame of 0 bytes", false));
      return frame.length === 0 ? undefined : frame;
    }
    if (frame.length <= MAC_BYTES) {
      errors.push(new FrameError("forged", `a frame of ${frame.length} bytes has no MAC`, true));
      this.close();
      return undefined;
    }
    const payload = frame.subarray(MAC_BYTES);
    if (!timingSafeEqual(frame.subarray(0, MAC_BYTES), mac(this.key, payload))) {
      // A peer without the key: nothing it sends on this connection can be trusted.
      errors.push(new FrameError("forged", "the frame's HMAC does not match the shared key", true));
      this.close();
      return undefined;
    }
    return payload;
  }

  private close(): void {
    this.closed = true;
    this.chunks = [];
    this.buffered = 0;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const out = Buffer.from(first.subarray(0, n));
    const rest = first.subarray(n);
    this.chunks.shift();
    if (rest.length > 0) this.chunks.unshift(rest);
    this.buffered -= n;
    return out;
  }
}
