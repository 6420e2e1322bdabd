// Shows that frames survive any split of the byte stream, that a frame one byte over the limit is
// rejected (and ends the stream) while one at the limit passes, that a MAC made without the key is
// refused, and that a broken payload is an envelope error, not a crash.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { parseEnvelope } from "./Envelope.js";
import { encodeFrame, FrameDecoder, FrameError, frameKey, LENGTH_BYTES } from "./FrameCodec.js";

const KEY = frameKey("a shared key of 32 bytes, really")!;

describe("FrameDecoder", () => {
  it("shows that frames come out whole and in order however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 50 }),
        fc.boolean(),
        (payloads, cuts, keyed) => {
          const key = keyed ? KEY : undefined;
          const stream = Buffer.concat(payloads.map((p) => encodeFrame(p, { key })));
          const decoder = new FrameDecoder({ key });
          const out: string[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            const { frames, errors } = decoder.push(stream.subarray(at, at + n));
            expect(errors).toEqual([]);
            out.push(...frames.map((f) => f.toString("utf8")));
            at += n;
          }
          expect(out).toEqual(payloads);
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it("accepts a frame at the limit and rejects one byte over it, closing the stream", () => {
    const limit = 100;
    const atLimit = encodeFrame("x".repeat(limit), { maxFrameBytes: limit });
    expect(new FrameDecoder({ maxFrameBytes: limit }).push(atLimit).frames).toHaveLength(1);
    // A hostile sender writes the header itself: the decoder must not wait for 4 GB.
    const header = Buffer.alloc(LENGTH_BYTES);
    header.writeUInt32BE(limit + 1, 0);
    const decoder = new FrameDecoder({ maxFrameBytes: limit });
    const first = decoder.push(header);
    expect(first.errors.map((e) => [e.reason, e.fatal])).toEqual([["oversize", true]]);
    expect(decoder.push(atLimit)).toEqual({ frames: [], errors: [] });
    expect(() => encodeFrame("x".repeat(limit + 1), { maxFrameBytes: limit })).toThrow(
      /maxFrameBytes/,
    );
  });

  it("refuses frames whose MAC was made without the shared key", () => {
    const forged = encodeFrame('{"v":1}', { key: frameKey("another key, also 32 bytes long")! });
    const unsigned = encodeFrame('{"v":1,"padding":"more than thirty-two bytes"}');
    for (const frame of [forged, unsigned]) {
      const { frames, errors } = new FrameDecoder({ key: KEY }).push(frame);
      expect(frames).toEqual([]);
      expect(errors[0]).toBeInstanceOf(FrameError);
      expect(errors[0]!.reason).toBe("forged");
    }
    expect(() => frameKey("short")).toThrow(ConfigError);
  });

  it("rejects payloads that are not a valid envelope, naming what is wrong", () => {
    const bad = [
      "not json",
      "[1,2]",
      '{"v":2}',
      '{"v":1,"from":"a","to":"b"}',
      '{"v":1,"from":"","to":"b","body":1}',
      '{"v":1,"from":"a","to":"b","body":1,"rid":-1}',
      '{"v":1,"from":"a","to":"b","body":1,"re":true}',
      '{"v":1,"from":"a","to":"b","hello":{"port":70000}}',
    ];
    for (const text of bad) {
      expect(() => parseEnvelope(Buffer.from(text))).toThrow(FrameError);
    }
    expect(parseEnvelope(Buffer.from('{"v":1,"from":"a","to":"b","body":null,"rid":3}'))).toEqual({
      v: 1,
      from: "a",
      to: "b",
      body: null,
      rid: 3,
    });
  });
});
