// The trace: every send, delivery, drop (with its reason), duplicate, timer, pause, crash,
// recovery, clock adjustment, fault and Byzantine action, stamped with virtual time and node. It is
// folded into a 64-bit hash as it happens, so two runs can be compared without storing either;
// optionally it streams as JSON lines to a sink and keeps a bounded tail in memory.

import { ConfigError } from "../core/errors.js";
import { requireInteger } from "../core/validate.js";

export const TRACE_KINDS = [
  "start",
  "send",
  "deliver",
  "drop",
  "duplicate",
  "timer",
  "pause",
  "resume",
  "crash",
  "recover",
  "clock",
  "fault",
  "byzantine",
  "log",
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

export interface TraceEvent {
  tMicros: number;
  kind: TraceKind;
  node: string;
  peer?: string;
  /** Message id for send/deliver/drop/duplicate; timer id for timers. */
  id?: number;
  /** The drop reason, the fault, the clock action or the log text. */
  detail?: string;
  body?: unknown;
}

export interface TraceOptions {
  /** Receives each event as one JSON line (no newline). */
  sink?: (line: string) => void;
  /** Keep at most this many most recent events in memory (0 = none). */
  keepLast?: number;
}

const KIND_CODE: Record<TraceKind, number> = Object.fromEntries(
  TRACE_KINDS.map((k, i) => [k, i + 1]),
) as Record<TraceKind, number>;

const TWO_POW_32 = 4294967296;
const MAX_BODY_DEPTH = 8;
const FLOAT = new Float64Array(1);
const FLOAT_WORDS = new Int32Array(FLOAT.buffer);

export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0x1b873593;
  /** Events per kind (a plain array: a world per seed made one more ArrayBuffer with a typed one). */
  private readonly counts: number[] = new Array<number>(TRACE_KINDS.length + 1).fill(0);
  private readonly dropReasons = new Map<string, number>();
  private readonly recent: TraceEvent[] = [];
  private readonly sink: ((line: string) => void) | undefined;
  private readonly keepLast: number;
  readonly materialize: boolean;
  events = 0;

  constructor(
    private readonly nodeNames: readonly string[],
    options: TraceOptions = {},
  ) {
    if (options.sink !== undefined && typeof options.sink !== "function") {
      throw new ConfigError({
        field: "trace.sink",
        value: options.sink,
        expected: "a function (line) => void",
        fix: "pass a function that takes each event as one JSON line, or leave sink out",
      });
    }
    this.sink = options.sink;
    this.keepLast = requireInteger("trace.keepLast", options.keepLast ?? 0, 0);
    this.materialize = this.sink !== undefined || this.keepLast > 0;
  }

  /** Records one event. `node` and `peer` are node indexes (-1 for none). */
  record(
    kind: TraceKind,
    tMicros: number,
    node: number,
    peer = -1,
    id = -1,
    detail?: string,
    body?: unknown,
  ): void {
    this.events++;
    const code = KIND_CODE[kind];
    this.counts[code]!++;
    if (kind === "drop" && detail !== undefined) {
      this.dropReasons.set(detail, (this.dropReasons.get(detail) ?? 0) + 1);
    }
    // The six fixed fields, mixed as `mix` does, in locals: this runs for every send and delivery.
    const tHigh = Math.floor(tMicros / TWO_POW_32);
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    h1 = Math.imul(h1 ^ tMicros, 0x01000193);
    h2 = Math.imul(h2 ^ tMicros, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    h1 = Math.imul(h1 ^ tHigh, 0x01000193);
    h2 = Math.imul(h2 ^ tHigh, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    h1 = Math.imul(h1 ^ node, 0x01000193);
    h2 = Math.imul(h2 ^ node, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    h1 = Math.imul(h1 ^ peer, 0x01000193);
    h2 = Math.imul(h2 ^ peer, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    h1 = Math.imul(h1 ^ id, 0x01000193);
    h2 = Math.imul(h2 ^ id, 0x5bd1e995);
    this.h1 = h1;
    this.h2 = h2 ^ (h2 >>> 15);
    if (detail !== undefined) this.mixString(detail);
    // Bodies are part of the trace too: a run that sent a different value is a different run.
    if (body !== undefined) this.mixValue(body, 0);
    if (!this.materialize) return;
    const event: TraceEvent = { tMicros, kind, node: this.nodeNames[node] ?? "world" };
    if (peer >= 0) event.peer = this.nodeNames[peer];
    if (id >= 0) event.id = id;
    if (detail !== undefined) event.detail = detail;
    if (body !== undefined) event.body = body;
    if (this.sink) this.sink(safeJson(event));
    if (this.keepLast > 0) {
      this.recent.push(event);
      if (this.recent.length > this.keepLast * 2)
        this.recent.splice(0, this.recent.length - this.keepLast);
    }
  }

  /** Folds the length and then each UTF-16 unit in, as `mix` would, in locals (it is hot). */
  private mixString(text: string): void {
    const n = text.length;
    let h1 = Math.imul(this.h1 ^ n, 0x01000193);
    let h2 = Math.imul(this.h2 ^ n, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** Folds a message body in, structurally: numbers by their bits, objects key by key. */
  private mixValue(value: unknown, depth: number): void {
    switch (typeof value) {
      case "number":
        if ((value | 0) === value) {
          this.mix(1);
          this.mix(value);
        } else {
          FLOAT[0] = value;
          this.mix(2);
          this.mix(FLOAT_WORDS[0]!);
          this.mix(FLOAT_WORDS[1]!);
        }
        return;
      case "string":
        this.mix(3);
        this.mixString(value);
        return;
      case "boolean":
        this.mix(value ? 4 : 5);
        return;
      case "undefined":
        this.mix(6);
        return;
      case "bigint":
        this.mix(7);
        this.mixString(value.toString());
        return;
      case "object":
        if (value === null) return this.mix(8);
        if (depth >= MAX_BODY_DEPTH) return this.mix(9);
        if (Array.isArray(value)) {
          this.mix(10);
          this.mix(value.length);
          for (const item of value) this.mixValue(item, depth + 1);
          return;
        }
        // Maps and sets have no own enumerable keys: fold their entries, in their (insertion)
        // order, which the node's own deterministic code decided.
        if (value instanceof Map) {
          this.mix(12);
          this.mix(value.size);
          for (const [k, v] of value) {
            this.mixValue(k, depth + 1);
            this.mixValue(v, depth + 1);
          }
          return;
        }
        if (value instanceof Set) {
          this.mix(13);
          this.mix(value.size);
          for (const item of value) this.mixValue(item, depth + 1);
          return;
        }
        this.mix(11);
        for (const key in value as Record<string, unknown>) {
          this.mixString(key);
          this.mixValue((value as Record<string, unknown>)[key], depth + 1);
        }
        return;
      default:
        this.mix(12);
    }
  }

  /** Folds one 32-bit word into both halves of the hash (`^` takes any number as its int32). */
  private mix(x: number): void {
    this.h1 = Math.imul(this.h1 ^ x, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ x, 0x5bd1e995);
    this.h2 ^= this.h2 >>> 15;
  }

  /** The trace hash so far, as 16 hex digits. */
  get hash(): string {
    return (
      (this.h1 >>> 0).toString(16).padStart(8, "0") + (this.h2 >>> 0).toString(16).padStart(8, "0")
    );
  }

  count(kind: TraceKind): number {
    return this.counts[KIND_CODE[kind]]!;
  }

  drops(reason: string): number {
    return this.dropReasons.get(reason) ?? 0;
  }

  /** Counts by kind and drops by reason, sorted for stable output. */
  summary(): { byKind: Record<string, number>; dropsByReason: Record<string, number> } {
    const sorted = (m: Map<string, number>) =>
      Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const byKind = new Map<string, number>();
    TRACE_KINDS.forEach((k) => {
      const n = this.counts[KIND_CODE[k]]!;
      if (n > 0) byKind.set(k, n);
    });
    return { byKind: sorted(byKind), dropsByReason: sorted(this.dropReasons) };
  }

  /** The most recent events kept in memory (at most `keepLast`). */
  tail(): TraceEvent[] {
    return this.recent.slice(-this.keepLast);
  }
}

function safeJson(event: TraceEvent): string {
  try {
    return JSON.stringify(event, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  } catch {
    return JSON.stringify({ ...event, body: "[unserialisable]" });
  }
}
