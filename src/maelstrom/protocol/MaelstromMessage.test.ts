// Shows that lines from another process are parsed only when they are a Maelstrom message, and
// that a bad line is refused with a reason naming the field, never evaluated or half-accepted.
import { describe, expect, it } from "vitest";
import { MalformedLineError, parseMaelstromLine } from "./MaelstromMessage.js";
import { describeErrorCode, isDefiniteError, MaelstromRpcError } from "./MaelstromErrorCode.js";

function refusal(line: string): string {
  try {
    parseMaelstromLine(line);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedLineError);
    return (error as MalformedLineError).problem;
  }
  throw new Error(`accepted: ${line}`);
}

describe("parseMaelstromLine", () => {
  it("shows that a well-formed message keeps its body's fields", () => {
    const m = parseMaelstromLine(
      '{"src":"n1","dest":"c2","body":{"type":"echo_ok","echo":[1],"in_reply_to":3}}',
    );
    expect(m).toEqual({
      src: "n1",
      dest: "c2",
      body: { type: "echo_ok", echo: [1], in_reply_to: 3 },
    });
  });

  it("shows that text, arrays and bodies without a type are refused with the field named", () => {
    expect(refusal("hello")).toMatch(/^not JSON/);
    expect(refusal("[1,2]")).toMatch(/must be a JSON object/);
    expect(refusal('{"src":"n1","dest":"c1","body":{}}')).toMatch(
      /`body.type` must be a non-empty string/,
    );
    expect(refusal('{"src":"n1","dest":"c1","body":"echo"}')).toMatch(
      /`body` must be a JSON object/,
    );
    expect(refusal('{"src":1,"dest":"c1","body":{"type":"x"}}')).toMatch(/`src` must be a node id/);
    expect(refusal('{"src":"n1","dest":"c1","body":{"type":"x","msg_id":-1}}')).toMatch(/msg_id/);
    expect(refusal('{"src":"n1","dest":"c1","body":{"type":"x","in_reply_to":1.5}}')).toMatch(
      /in_reply_to/,
    );
  });

  it("shows the edge of a valid id: 64 characters pass, 65 or a space do not", () => {
    const id = (s: string) => `{"src":"${s}","dest":"c1","body":{"type":"x"}}`;
    expect(parseMaelstromLine(id("n".repeat(64))).src).toHaveLength(64);
    expect(refusal(id("n".repeat(65)))).toMatch(/node id/);
    expect(refusal(id("n 1"))).toMatch(/node id/);
  });

  it("shows that a refused line is quoted only in part, so a huge line cannot flood a report", () => {
    const error = (() => {
      try {
        parseMaelstromLine("x".repeat(10_000));
      } catch (e) {
        return e as MalformedLineError;
      }
    })();
    expect(error!.excerpt.length).toBe(120);
  });
});

describe("error codes", () => {
  it("shows that timeout and crash are indefinite, the documented others definite, unknown codes indefinite", () => {
    expect([0, 13].map(isDefiniteError)).toEqual([false, false]);
    expect([1, 10, 11, 12, 14, 20, 21, 22, 30].every(isDefiniteError)).toBe(true);
    expect(isDefiniteError(1005)).toBe(false);
    expect(describeErrorCode(22)).toBe("22 precondition-failed");
    expect(new MaelstromRpcError(30, "conflict", "n1").definite).toBe(true);
    expect(new MaelstromRpcError(0, "", "n1").definite).toBe(false);
  });
});
