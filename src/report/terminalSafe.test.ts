import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { terminalSafe, terminalSafeJson, terminalSafeLines } from "./terminalSafe.js";

describe("terminalSafe", () => {
  it("shows that escapes, C1 controls and bidi controls are written out, the rest kept", () => {
    expect(terminalSafe("a\u001b[31mb")).toBe("a\\x1b[31mb");
    expect(terminalSafe("x\u202ey\u2066z")).toBe("x\\u202ey\\u2066z");
    expect(terminalSafe("\u009b2J\u007f")).toBe("\\x9b2J\\x7f");
    expect(terminalSafe("line\nbreak\ttab")).toBe("line\\x0abreak\\x09tab");
    expect(terminalSafeLines("line\nbreak\u001b")).toBe("line\nbreak\\x1b");
    expect(terminalSafe("ünïcødé → ✓ │")).toBe("ünïcødé → ✓ │");
  });

  it("shows that escaped JSON is the same JSON data (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 2);
        expect(JSON.parse(terminalSafeJson(text))).toEqual(JSON.parse(text));
      }),
    );
    expect(terminalSafeJson(JSON.stringify("\u202e"))).toBe('"\\u202e"');
  });
});
