// Importers for the history formats Jepsen users already have:
//
// - log lines, as Jepsen's etcd register tests print them:
//     INFO  jepsen.util - 3	:invoke	:cas	[1 4]
//     INFO  jepsen.util - 3	:fail	:cas	[1 4]
// - EDN, one map per line:
//     {:process 0, :type :invoke, :f :put, :key "1", :value "x"}
//
// Both mean the same thing and become the same operations. Jepsen's processes are single-threaded,
// so a completion belongs to its process's open call. Three translations matter for checking:
// a failed `:cas` means the comparison failed (the call happened and returned false), so it becomes
// an `ok` with output `false`; any other `:fail` definitely did not happen; an `:info` call, and a
// call never completed, stay open until the end of the history. Jepsen's files are in time order,
// so an event's time is its line number, which keeps real-time order exactly.

import {
  EdnKeyword,
  ednToValue,
  readEdn,
  readEdnAll,
  type EdnMap,
  type EdnValue,
} from "./EdnReader.js";
import { HistoryParseError } from "./HistoryParseError.js";
import type { History, Operation, ProcessId } from "./Operation.js";
import { showValue, type Value } from "./Value.js";

/** One line of a Jepsen history, whichever format it came from. */
interface JepsenEvent {
  readonly line: number;
  readonly text: string;
  readonly process: ProcessId;
  readonly type: "invoke" | "ok" | "fail" | "info";
  readonly f: string;
  readonly value: Value;
  /** Present for keyed (independent) operations such as a key-value map's. */
  readonly key?: Value;
}

const TYPES = ["invoke", "ok", "fail", "info"] as const;
const LOG_LINE = /^(\S+)\s+:(\S+)\s+:(\S+)(?:\s+(.*))?$/;
const OTHER_LOGGER = /^\s*(?:\S+\s+)?(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\s+\S+ - /;

/** Reads Jepsen register log lines; lines from other loggers and the nemesis are skipped. */
export function readJepsenLog(text: string): History {
  const events: JepsenEvent[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === "") continue;
    const line = i + 1;
    const at = raw.indexOf("jepsen.util - ");
    if (at < 0 && OTHER_LOGGER.test(raw)) continue;
    const body = at < 0 ? raw : raw.slice(at + "jepsen.util - ".length);
    const match = LOG_LINE.exec(body);
    if (match === null) {
      throw new HistoryParseError({
        line,
        expected: "PROCESS :TYPE :F VALUE, like `3\t:invoke\t:write\t4`",
        got: raw,
      });
    }
    const [, processText, type, f, valueText] = match as unknown as [
      string,
      string,
      string,
      string,
      string?,
    ];
    if (processText.startsWith(":")) continue; // the nemesis, or another non-client actor
    const process = parseProcess(processText, line, raw);
    const value =
      valueText === undefined || valueText.trim() === "" ? null : readEdn(valueText, line);
    events.push({
      line,
      text: raw,
      process,
      type: parseType(type, line, raw),
      f,
      value: ednToValue(value),
    });
  }
  return buildHistory(events);
}

const K = {
  process: EdnKeyword.of("process"),
  type: EdnKeyword.of("type"),
  f: EdnKeyword.of("f"),
  value: EdnKeyword.of("value"),
  key: EdnKeyword.of("key"),
};

/** Reads Jepsen EDN, one map per line; nemesis operations are skipped. */
export function readJepsenEdn(text: string): History {
  const events: JepsenEvent[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === "" || raw.startsWith(";")) continue;
    const line = i + 1;
    for (const edn of readEdnAll(raw, line)) {
      if (!(edn instanceof Map)) {
        throw new HistoryParseError({
          line,
          expected: "an EDN map like {:process 0, :type :invoke, ...}",
          got: raw,
        });
      }
      const event = fromMap(edn as EdnMap, line, raw);
      if (event !== undefined) events.push(event);
    }
  }
  return buildHistory(events);
}

function fromMap(map: EdnMap, line: number, raw: string): JepsenEvent | undefined {
  const fail = (expected: string) => new HistoryParseError({ line, expected, got: raw });
  const processEdn = map.get(K.process);
  if (processEdn instanceof EdnKeyword) return undefined; // :nemesis
  if (typeof processEdn !== "number" && typeof processEdn !== "string") {
    throw fail(":process, a number (or :nemesis, which is skipped)");
  }
  const type = map.get(K.type);
  if (!(type instanceof EdnKeyword)) throw fail(":type, one of :invoke, :ok, :fail, :info");
  const f = map.get(K.f);
  if (!(f instanceof EdnKeyword) && typeof f !== "string")
    throw fail(":f, the function, like :read");
  const event: JepsenEvent = {
    line,
    text: raw,
    process: processEdn,
    type: parseType(type.name, line, raw),
    f: typeof f === "string" ? f : f.name,
    value: ednToValue((map.get(K.value) ?? null) as EdnValue),
  };
  return map.has(K.key) ? { ...event, key: ednToValue(map.get(K.key) as EdnValue) } : event;
}

function parseProcess(text: string, line: number, raw: string): number {
  if (!/^\d+$/.test(text)) {
    throw new HistoryParseError({
      line,
      expected: "a process number (or :nemesis) first",
      got: raw,
    });
  }
  return Number(text);
}

function parseType(text: string, line: number, raw: string): JepsenEvent["type"] {
  if (!(TYPES as readonly string[]).includes(text)) {
    throw new HistoryParseError({
      line,
      expected: "a type of :invoke, :ok, :fail or :info",
      got: raw,
    });
  }
  return text as JepsenEvent["type"];
}

interface Open {
  readonly index: number;
  readonly event: JepsenEvent;
}

function buildHistory(events: readonly JepsenEvent[]): History {
  const ops: (Operation | Open)[] = [];
  const open = new Map<ProcessId, Open>();
  for (const event of events) {
    const pending = open.get(event.process);
    if (event.type === "invoke") {
      if (pending !== undefined) {
        throw new HistoryParseError({
          line: event.line,
          expected: `a completion for process ${event.process}'s call on line ${pending.event.line} before its next invocation`,
          got: event.text,
        });
      }
      const entry = { index: ops.length, event };
      ops.push(entry);
      open.set(event.process, entry);
      continue;
    }
    if (pending === undefined) {
      throw new HistoryParseError({
        line: event.line,
        expected: `an earlier :invoke by process ${event.process} for this :${event.type}`,
        got: event.text,
      });
    }
    if (pending.event.f !== event.f) {
      throw new HistoryParseError({
        line: event.line,
        expected: `:f :${pending.event.f}, as invoked on line ${pending.event.line}`,
        got: event.text,
      });
    }
    ops[pending.index] = complete(pending.index, pending.event, event);
    open.delete(event.process);
  }
  return ops.map((entry) =>
    "event" in entry
      ? {
          ...invocation(entry.index, entry.event),
          status: "info",
          output: undefined,
          completeMicros: undefined,
        }
      : entry,
  );
}

function invocation(id: number, event: JepsenEvent) {
  const input: Value =
    event.key === undefined ? event.value : { key: event.key, value: event.value };
  return {
    id,
    process: event.process,
    f: event.f,
    input,
    invokeMicros: event.line,
    line: event.line,
  };
}

function complete(id: number, call: JepsenEvent, done: JepsenEvent): Operation {
  const base = { ...invocation(id, call), completeMicros: done.line };
  if (done.type === "ok") {
    return { ...base, status: "ok", output: call.f === "cas" ? true : done.value };
  }
  if (done.type === "fail" && call.f === "cas") return { ...base, status: "ok", output: false };
  const op: Operation = {
    ...base,
    status: done.type === "fail" ? "fail" : "info",
    output: undefined,
  };
  const error = typeof done.value === "string" ? done.value : showValue(done.value);
  return done.value === null ? op : { ...op, error };
}
