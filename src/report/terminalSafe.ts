// Text from a file murphy did not write (node names, log lines, message bodies, histories) must
// not drive the terminal it is printed to. An ANSI escape can recolour, move the cursor, retitle
// the window or hide lines; a bidi control can make text read in a different order than it runs
// (the "Trojan Source" trick). So every control character and bidi control is shown as its
// escape, `\x1b` or `\u202e`, and the rest of the text passes through unchanged.

/* eslint-disable no-control-regex -- matching control characters is the point here */
/** C0 and C1 controls, DEL, line and paragraph separators, and the bidi controls. */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, except newline: for text that is several lines on purpose. */
const UNSAFE_KEEP_NEWLINES =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/* eslint-enable no-control-regex */

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control and bidi character escaped; one line, whatever `text` held. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** As `terminalSafe`, but newlines stay: for multi-line output murphy laid out itself. */
export function terminalSafeLines(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINES, escape);
}

/**
 * JSON text with the characters JSON leaves raw (DEL, C1 controls, separators, bidi controls)
 * written as `\uXXXX` escapes: the same JSON data, safe to print. JSON.stringify already escapes
 * the C0 controls, and the rest can only occur inside strings, where the escape means the same.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(
    UNSAFE_KEEP_NEWLINES,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
