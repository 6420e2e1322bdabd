// Shows that a process's output is cut into whole lines however it is chunked, and that a line
// over the limit is reported once by number and skipped without holding more than the limit.
import { describe, expect, it } from "vitest";
import { LineSplitter } from "./LineSplitter.js";

const lines = (events: ReturnType<LineSplitter["push"]>) =>
  events.map((e) => (e.kind === "line" ? `${e.lineNumber}:${e.line}` : `${e.lineNumber}:too-long`));

describe("LineSplitter", () => {
  it("shows lines split across chunks, a multi-byte character split in two, CRLF and blank lines", () => {
    const s = new LineSplitter(100);
    const euro = Buffer.from("€");
    expect(lines(s.push(Buffer.from("ab")))).toEqual([]);
    expect(lines(s.push(Buffer.concat([Buffer.from("c\r\n"), euro.subarray(0, 1)])))).toEqual([
      "1:abc",
    ]);
    expect(lines(s.push(Buffer.concat([euro.subarray(1), Buffer.from("\n\nlast")])))).toEqual([
      "2:€",
    ]);
    expect(lines(s.end())).toEqual(["4:last"]);
  });

  it("shows that a line one byte over the limit is skipped and reported, and the next is read", () => {
    const s = new LineSplitter(4);
    expect(lines(s.push(Buffer.from("1234\n12345")))).toEqual(["1:1234", "2:too-long"]);
    expect(lines(s.push(Buffer.from("6789\nok\n")))).toEqual(["3:ok"]);
  });

  it("shows that a limit that is not a positive whole number is refused", () => {
    expect(() => new LineSplitter(0)).toThrow(/maxLineBytes/);
  });
});
