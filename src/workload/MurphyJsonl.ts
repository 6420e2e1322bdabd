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

import { HistoryParseError } from "./HistoryParseError.js";
import type { History, Operation, OperationStatus, ProcessId } from "./Operation.js";
import { isValue, type Value } from "./Value.js";

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

interface OpenCall {
  op: Omit<Operation, "status" | "output" | "completeMicros">;
  index: number;
}

/** Builds the HistoryParseError for one line. */
type Fail = (expected: string, fix?: string) => HistoryParseError;

/** The fields every event has, checked. */
interface EventHeader {
  process: ProcessId;
  atMicros: number;
  id: number | undefined;
}

/** Reads murphy JSONL; throws HistoryParseError naming the line and what was expected. */
export function readHistoryJsonl(text: string): History {
  const reader = new JsonlHistoryReader();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineText = (lines[i] as string).trim();
    if (lineText === "") continue;
    reader.read(lineText, i + 1);
  }
  return reader.history();
}

/** The operations read so far, and the calls still open (by id, or by process without ids). */
class JsonlHistoryReader {
  private readonly ops: (Operation | OpenCall)[] = [];
  private readonly openById = new Map<number, OpenCall>();
  private readonly openByProcess = new Map<ProcessId, OpenCall>();
  private readonly fileIds = new Set<number>();

  read(lineText: string, line: number): void {
    const event = parseEvent(lineText, line);
    const fail: Fail = (expected, fix) =>
      new HistoryParseError({ line, expected, got: lineText, ...(fix ? { fix } : {}) });
    const header = eventHeader(event, fail);
    if (event.type === "invoke") return this.invoke(event, header, line, fail);
    if (typeof event.type !== "string" || !COMPLETIONS.includes(event.type)) {
      throw fail('"type": one of "invoke", "ok", "fail", "info"');
    }
    this.complete(event, header, fail);
  }

  /** Every invocation still open at the end is `info`: it may or may not have taken effect. */
  history(): History {
    return this.ops.map((entry) =>
      "index" in entry
        ? { ...entry.op, status: "info", output: undefined, completeMicros: undefined }
        : entry,
    );
  }

  private invoke(event: Record<string, unknown>, h: EventHeader, line: number, fail: Fail): void {
    const { process, atMicros, id } = h;
    if (typeof event.f !== "string" || event.f === "") throw fail('"f": the function called');
    const input = event.value === undefined ? null : event.value;
    if (!isValue(input)) throw fail('"value": JSON data (the input)');
    if (id !== undefined) {
      if (this.fileIds.has(id)) throw fail(`a new "id", but ${id} was already invoked`);
      this.fileIds.add(id);
    } else if (this.openByProcess.has(process)) {
      const other = this.openByProcess.get(process) as OpenCall;
      throw fail(
        `a completion for process ${String(process)}'s open call (line ${other.op.line}) ` +
          "before its next invocation",
        'give each event an "id" when a process makes concurrent calls',
      );
    }
    const index = this.ops.length;
    const open: OpenCall = {
      index,
      op: { id: index, process, f: event.f, input, invokeMicros: atMicros, line },
    };
    this.ops.push(open);
    if (id !== undefined) this.openById.set(id, open);
    else this.openByProcess.set(process, open);
  }

  private complete(event: Record<string, unknown>, h: EventHeader, fail: Fail): void {
    const { process, atMicros, id } = h;
    const open = this.matchingCall(event, h, fail);
    const status = event.type as OperationStatus;
    let output: Value | undefined;
    if (status === "ok") {
      const value = event.value === undefined ? null : event.value;
      if (!isValue(value)) throw fail('"value": JSON data (the output)');
      output = value;
    }
    const op: Operation = { ...open.op, status, output, completeMicros: atMicros };
    this.ops[open.index] = typeof event.error === "string" ? { ...op, error: event.error } : op;
    if (id !== undefined) this.openById.delete(id);
    else this.openByProcess.delete(process);
  }

  /** The open call a completion names, checked against what the completion says about it. */
  private matchingCall(event: Record<string, unknown>, h: EventHeader, fail: Fail): OpenCall {
    const { process, atMicros, id } = h;
    const open = id !== undefined ? this.openById.get(id) : this.openByProcess.get(process);
    if (open === undefined) {
      const which = id !== undefined ? `id ${id}` : `process ${String(process)}`;
      throw fail(
        `an earlier invocation for this ${String(event.type)} (no open call has ${which})`,
      );
    }
    if (open.op.process !== process) {
      throw fail(`"process": ${String(open.op.process)}, the process that invoked id ${id}`);
    }
    if (event.f !== undefined && event.f !== open.op.f) {
      throw fail(`"f": ${JSON.stringify(open.op.f)} as in its invocation on line ${open.op.line}`);
    }
    if (atMicros < open.op.invokeMicros) {
      throw fail(`"atMicros" >= ${open.op.invokeMicros}, the time of its invocation`);
    }
    return open;
  }
}

/** Checks the fields every event carries: process, atMicros and the optional id. */
function eventHeader(event: Record<string, unknown>, fail: Fail): EventHeader {
  const process = event.process;
  if (typeof process !== "number" && typeof process !== "string") {
    throw fail('"process": a number or a string');
  }
  const atMicros = event.atMicros;
  if (typeof atMicros !== "number" || !Number.isFinite(atMicros)) {
    throw fail('"atMicros": the time of the event, a finite number of microseconds');
  }
  const id = event.id;
  if (id !== undefined && !(typeof id === "number" && Number.isInteger(id) && id >= 0)) {
    throw fail('"id": a whole number >= 0 naming the operation');
  }
  return { process, atMicros, id };
}

function parseEvent(text: string, line: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new HistoryParseError({
      line,
      expected: 'one JSON object per line, like {"type":"invoke","process":1,"f":"read",...}',
      got: text,
    });
  }
  return parsed as Record<string, unknown>;
}
