// Fault schedules as JSON text: what `--faults FILE` reads and what a failing run writes next to
// its seed. One action per line keeps a schedule readable in a diff and easy to shrink by hand.

import { ConfigError } from "../core/errors.js";
import { validateFaultSchedule, type FaultAction } from "./FaultAction.js";

/** A JSON array with one action per line, ending in a newline. */
export function faultScheduleToJson(actions: readonly FaultAction[]): string {
  if (actions.length === 0) return "[]\n";
  return `[\n${actions.map((a) => `  ${JSON.stringify(a)}`).join(",\n")}\n]\n`;
}

/**
 * Parses and validates a schedule: either an array of actions or an object with an `actions`
 * array (as `randomFaultSchedule` returns it). Bad JSON fails with a ConfigError naming the line
 * and column; a bad action fails naming its index and field (`faults[3].node`).
 */
export function faultScheduleFromJson(text: string, nodeIds: readonly string[]): FaultAction[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const where = at !== null ? ` at ${lineAndColumn(text, Number(at[1]))}` : "";
    throw new ConfigError({
      field: "faults",
      value: text.length > 60 ? `${text.slice(0, 57)}...` : text,
      expected: `valid JSON (${message}${where})`,
      fix: 'write a JSON array such as [{"atMs": 100, "kind": "crash", "node": "n1"}]',
    });
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    const actions = (parsed as Record<string, unknown>).actions;
    if (actions === undefined) {
      throw new ConfigError({
        field: "faults.actions",
        value: parsed,
        expected: "an array of fault actions",
        fix: "write the schedule as an array, or as an object with an `actions` array",
      });
    }
    return validateFaultSchedule(actions, nodeIds);
  }
  return validateFaultSchedule(parsed, nodeIds);
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}
