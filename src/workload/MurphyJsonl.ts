// murphy's own history file: JSON Lines, one event per line, in the order they happened.
//
//   {"type":"invoke","id":0,"process":1,"f":"write","value":3,"atMicros":100}
//   {"type":"ok","id":0,"process":1,"value":null,"atMicros":250}
//
// An invocation carries the input as `value`; an `ok` carries the output. `fail` and `info` may
// carry an `error`. A completion names its invocation by `id`, or, when ids are left out, by the
// process's one open call. An invocation with no completion line is `info`: open to the end.
// Events, not operations, are the unit so that a history can be appended to as it happens and
// survives a crash of the recorder with everything it saw up to the crash.
//
// Input is untrusted and read exactly: `atMicros` is a whole number of microseconds >= 0 (any
// size: see `readHistoryJsonlDetailed`), values are JSON data whose numbers a 64-bit float holds
// as written, nesting is bounded (MAX_NESTING_DEPTH), and anything else is refused by its line.

import {
  firstBigint,
  JsonTextError,
  parseExactJson,
  type ExactJson,
} from "../core/parseExactJson.js";
import { HistoryParseError } from "./HistoryParseError.js";
import type { History, Operation, OperationStatus, ProcessId } from "./Operation.js";
import type { Value } from "./Value.js";

const COMPLETIONS: readonly string[] = ["ok", "fail", "info"];

/** Writes a history as murphy JSONL, one event per line, ordered by time (invocations first). */
export function writeHistoryJsonl(history: History): string {
  const events: { at: number; rank: number; seq: number; json: object }[] = [];
  for (const op of history) {
    const invoke = { type: "invoke", id: op.id, process: op.process, f: op.f, value: op.input };
    events.push({
      at: op.invokeMicros,
      rank: 0,
      seq: events.length,
      json: { ...invoke, atMicros: op.invokeMicros },
    });
    if (op.completeMicros === undefined) continue;
    const done: Record<string, unknown> = { type: op.status, id: op.id, process: op.process };
    if (op.status === "ok") done.value = op.output ?? null;
    if (op.error !== undefined) done.error = op.error;
    done.atMicros = op.completeMicros;
    events.push({ at: op.completeMicros, rank: 1, seq: events.length, json: done });
  }
  events.sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq);
  return events.map((e) => JSON.stringify(e.json) + "\n").join("");
}

/**
 * One operation as read: its times are exact (bigint) until the whole file is read, because
 * whether they must be rebased (see `readHistoryJsonlDetailed`) depends on every time in it.
 */
interface Entry {
  readonly process: ProcessId;
  readonly f: string;
  readonly input: Value;
  readonly line: number;
  readonly invokeMicros: bigint;
  status?: OperationStatus;
  output?: Value;
  completeMicros?: bigint;
  error?: string;
}

/** Builds the HistoryParseError for one line. */
type Fail = (expected: string, fix?: string) => HistoryParseError;

/** The fields every event has, checked. */
interface EventHeader {
  process: ProcessId;
  atMicros: bigint;
  id: number | undefined;
}

/** A history read from murphy JSONL, and the offset subtracted from its times (0 when none was). */
export interface ReadHistory {
  readonly history: History;
  /**
   * Times at or above 2^53 µs do not fit a float exactly, so when a file has any, every time is
   * rebased to the file's earliest: exact differences and order are all a checker needs. This is
   * what was subtracted; add it back to get the file's times. 0 when the times were kept as is.
   */
  readonly timeOffsetMicros: bigint;
}

/** Reads murphy JSONL; throws HistoryParseError naming the line and what was expected. */
export function readHistoryJsonl(text: string): History {
  return readHistoryJsonlDetailed(text).history;
}

/** Reads murphy JSONL, and says whether (and by how much) its times were rebased. */
export function readHistoryJsonlDetailed(text: string): ReadHistory {
  const reader = new JsonlHistoryReader();
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const lineText = text.slice(start, end).trim();
    if (lineText !== "") reader.read(lineText, line);
    start = end + 1;
  }
  return reader.result();
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The operations read so far, and the calls still open (by id, or by process without ids). */
class JsonlHistoryReader {
  private readonly entries: Entry[] = [];
  private readonly openById = new Map<number, Entry>();
  private readonly openByProcess = new Map<ProcessId, Entry>();
  private readonly fileIds = new Set<number>();
  private earliest: bigint | undefined;
  private latest: { micros: bigint; line: number } | undefined;

  read(lineText: string, line: number): void {
    const event = parseEvent(lineText, line);
    const fail: Fail = (expected, fix) =>
      new HistoryParseError({ line, expected, got: lineText, ...(fix ? { fix } : {}) });
    const header = eventHeader(event, fail);
    if (this.earliest === undefined || header.atMicros < this.earliest) {
      this.earliest = header.atMicros;
    }
    if (this.latest === undefined || header.atMicros > this.latest.micros) {
      this.latest = { micros: header.atMicros, line };
    }
    if (event.type === "invoke") return this.invoke(event, header, line, fail);
    if (typeof event.type !== "string" || !COMPLETIONS.includes(event.type)) {
      throw fail('"type": one of "invoke", "ok", "fail", "info"');
    }
    this.complete(event, header, fail);
  }

  /** Every invocation still open at the end is `info`: it may or may not have taken effect. */
  result(): ReadHistory {
    const offset = this.timeOffset();
    const history = this.entries.map((entry, index): Operation => {
      const op: Operation = {
        id: index,
        process: entry.process,
        f: entry.f,
        input: entry.input,
        invokeMicros: Number(entry.invokeMicros - offset),
        status: entry.status ?? "info",
        output: entry.output,
        completeMicros:
          entry.completeMicros === undefined ? undefined : Number(entry.completeMicros - offset),
        line: entry.line,
      };
      return entry.error === undefined ? op : { ...op, error: entry.error };
    });
    return { history, timeOffsetMicros: offset };
  }

  /** 0 when every time fits a float exactly; else the earliest time, if the span then fits. */
  private timeOffset(): bigint {
    const { earliest, latest } = this;
    if (earliest === undefined || latest === undefined || latest.micros <= MAX_SAFE) return 0n;
    if (latest.micros - earliest > MAX_SAFE) {
      throw new HistoryParseError({
        line: latest.line,
        expected: `a time within 2^53 - 1 µs (about 285 years) of the earliest, ${earliest}`,
        got: String(latest.micros),
        fix: "times are compared exactly, so a history may span at most 2^53 - 1 µs",
      });
    }
    return earliest;
  }

  private invoke(event: Record<string, ExactJson>, h: EventHeader, line: number, fail: Fail): void {
    const { process, atMicros, id } = h;
    if (typeof event.f !== "string" || event.f === "") throw fail('"f": the function called');
    const input = jsonValue(event.value, "input", fail);
    if (id !== undefined) {
      if (this.fileIds.has(id)) throw fail(`a new "id", but ${id} was already invoked`);
      this.fileIds.add(id);
    } else if (this.openByProcess.has(process)) {
      const other = this.openByProcess.get(process) as Entry;
      throw fail(
        `a completion for process ${String(process)}'s open call (line ${other.line}) ` +
          "before its next invocation",
        'give each event an "id" when a process makes concurrent calls',
      );
    }
    const entry: Entry = { process, f: event.f, input, invokeMicros: atMicros, line };
    this.entries.push(entry);
    if (id !== undefined) this.openById.set(id, entry);
    else this.openByProcess.set(process, entry);
  }

  private complete(event: Record<string, ExactJson>, h: EventHeader, fail: Fail): void {
    const { process, atMicros, id } = h;
    const open = this.matchingCall(event, h, fail);
    const status = event.type as OperationStatus;
    if (status === "ok") open.output = jsonValue(event.value, "output", fail);
    open.status = status;
    open.completeMicros = atMicros;
    if (typeof event.error === "string") open.error = event.error;
    if (id !== undefined) this.openById.delete(id);
    else this.openByProcess.delete(process);
  }

  /** The open call a completion names, checked against what the completion says about it. */
  private matchingCall(event: Record<string, ExactJson>, h: EventHeader, fail: Fail): Entry {
    const { process, atMicros, id } = h;
    const open = id !== undefined ? this.openById.get(id) : this.openByProcess.get(process);
    if (open === undefined) {
      const which = id !== undefined ? `id ${id}` : `process ${String(process)}`;
      throw fail(
        `an earlier invocation for this ${String(event.type)} (no open call has ${which})`,
      );
    }
    if (open.process !== process) {
      throw fail(`"process": ${String(open.process)}, the process that invoked id ${id}`);
    }
    if (event.f !== undefined && event.f !== open.f) {
      throw fail(`"f": ${JSON.stringify(open.f)} as in its invocation on line ${open.line}`);
    }
    if (atMicros < open.invokeMicros) {
      throw fail(`"atMicros" >= ${open.invokeMicros}, the time of its invocation`);
    }
    return open;
  }
}

/** An event's `value` as a Value: JSON data whose numbers a float holds exactly. */
function jsonValue(value: ExactJson | undefined, what: string, fail: Fail): Value {
  if (value === undefined) return null;
  const big = firstBigint(value);
  if (big !== undefined) {
    throw fail(
      `"value": JSON data (the ${what}) whose integers a 64-bit float holds exactly, not ${big}`,
      "values are compared exactly; write larger integers as strings",
    );
  }
  return value as Value;
}

/** Checks the fields every event carries: process, atMicros and the optional id. */
function eventHeader(event: Record<string, ExactJson>, fail: Fail): EventHeader {
  const process = event.process;
  if (typeof process !== "number" && typeof process !== "string") {
    throw fail('"process": a number or a string');
  }
  const at = event.atMicros;
  const atMicros =
    typeof at === "bigint" ? at : typeof at === "number" && Number.isInteger(at) ? BigInt(at) : -1n;
  if (atMicros < 0n) {
    throw fail('"atMicros": the time of the event, a whole number of microseconds >= 0');
  }
  const id = event.id;
  if (id !== undefined && !(typeof id === "number" && Number.isSafeInteger(id) && id >= 0)) {
    throw fail('"id": a whole number >= 0 naming the operation');
  }
  return { process, atMicros, id };
}

function parseEvent(text: string, line: number): Record<string, ExactJson> {
  let parsed: ExactJson;
  try {
    parsed = parseExactJson(text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new HistoryParseError({
      line,
      expected: `one JSON object per line (${error.expected} at column ${error.column})`,
      got: text,
    });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new HistoryParseError({
      line,
      expected: 'one JSON object per line, like {"type":"invoke","process":1,"f":"read",...}',
      got: text,
    });
  }
  return parsed;
}
