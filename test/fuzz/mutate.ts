// Hostile text made from good text: a valid file (a history, a trace, a shard file) with a few
// edits, each an insertion, deletion or replacement at some position, a duplicated or dropped
// line, or a cut. The inserted pieces come from a pool of the tokens that broke readers before:
// numbers past 2^53 and past a float's range, leading zeros, NaN, deep nesting, control and bidi
// characters, `__proto__`, EDN's dispatch forms. Mutations of valid input reach much deeper into a
// reader than random bytes, which fail at the first character.

import fc from "fast-check";

export const HOSTILE_TOKENS: readonly string[] = [
  "9007199254740993",
  "9007199254740992",
  "-9007199254740993",
  "18446744073709551616",
  "1152921504606846976",
  "-1",
  "0.5",
  "1e400",
  "-1e400",
  "1e-400",
  "0.30000000000000001",
  "-0",
  "007",
  "1.0",
  "NaN",
  "Infinity",
  "##NaN",
  "##Inf",
  "##-Inf",
  "#_",
  "#_ 1 ",
  "#tag ",
  "#{",
  "[".repeat(150),
  "]".repeat(150),
  "{:a ".repeat(120),
  "#_ ".repeat(120),
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  '"',
  "\\",
  "\\u0000",
  "\\ud800",
  "\u001b[31m",
  "\u001b]0;owned\u0007",
  "\u202e",
  "\u2066",
  "\u0085",
  "\u0000",
  "\r",
  "\n",
  "\t",
  ",",
  ":",
  ";",
  "__proto__",
  '"__proto__":1,',
  "null",
  "nil",
  "true",
  ":invoke",
  ":ok",
  ":fail",
  ":info",
  ":nemesis",
  ":process 0",
  ":f :cas",
  "7N",
  "1.5M",
  "1/2",
  '{"type":"ok","process":0,"atMicros":1}',
  '{"type":"invoke","process":0,"f":"read","atMicros":0}',
  "x".repeat(300),
];

export type Edit =
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "replace"; at: number; length: number; text: string }
  | { kind: "duplicate-line"; line: number }
  | { kind: "drop-line"; line: number }
  | { kind: "cut"; at: number };

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
);

const position = fc.nat({ max: 1_000_000 });

export const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: position, text: piece }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: position,
    length: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({
    kind: fc.constant("replace" as const),
    at: position,
    length: fc.integer({ min: 1, max: 6 }),
    text: piece,
  }),
  fc.record({ kind: fc.constant("duplicate-line" as const), line: position }),
  fc.record({ kind: fc.constant("drop-line" as const), line: position }),
  fc.record({ kind: fc.constant("cut" as const), at: position }),
);

/** Applies the edits in order; positions wrap around the current length. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of edits) {
    const n = out.length + 1;
    switch (edit.kind) {
      case "insert":
        out = out.slice(0, edit.at % n) + edit.text + out.slice(edit.at % n);
        break;
      case "delete":
        out = out.slice(0, edit.at % n) + out.slice((edit.at % n) + edit.length);
        break;
      case "replace":
        out = out.slice(0, edit.at % n) + edit.text + out.slice((edit.at % n) + edit.length);
        break;
      case "cut":
        out = out.slice(0, edit.at % n);
        break;
      default: {
        const lines = out.split("\n");
        const i = edit.line % lines.length;
        if (edit.kind === "duplicate-line") lines.splice(i, 0, lines[i]!);
        else lines.splice(i, 1);
        out = lines.join("\n");
      }
    }
  }
  return out;
}

/** A text from `bases` with up to four edits (at least `minEdits`). */
export function mutatedText(bases: readonly string[], minEdits = 1): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...bases),
      fc.array(editArbitrary, { minLength: minEdits, maxLength: Math.max(minEdits, 4) }),
    )
    .map(([base, edits]) => applyEdits(base, edits));
}
