// Faults as the report draws them: shaded bands over time, on one node's lane (a pause, a crash
// until recovery, a Byzantine spell) or over every lane (a partition until it heals, a lossy or
// slow network until the setting changes); and marks at instants (a clock step or drift change,
// an NTP step, a log line). All of it comes from the trace.

import type { TraceEvent } from "../sim/Trace.js";
import type { Band, Mark } from "./ReportData.js";

/** At most this many log lines are kept as marks; the rest are counted. */
export const MAX_LOG_MARKS = 2_000;

const CUTS = new Set(["partition", "cut", "isolate", "ring"]);
const CONDITIONS = new Set(["slow", "loss", "duplicate"]);

export interface FaultPicture {
  bands: Band[];
  marks: Mark[];
  marksOmitted: number;
}

export function faultBands(
  events: readonly TraceEvent[],
  lane: (name: string | undefined) => number,
  endMicros: number,
): FaultPicture {
  const bands: Band[] = [];
  const marks: Mark[] = [];
  let marksOmitted = 0;
  // Open bands by key: a node's pause, crash or Byzantine spell, or a network condition.
  const open = new Map<string, Band>();
  const start = (key: string, band: Omit<Band, "endMicros">) => {
    close(key, band.startMicros);
    const full: Band = { ...band, endMicros: endMicros };
    open.set(key, full);
    bands.push(full);
  };
  const close = (key: string, at: number) => {
    const band = open.get(key);
    if (band === undefined) return;
    band.endMicros = at;
    open.delete(key);
  };
  for (const e of events) {
    const node = lane(e.node);
    const t = e.tMicros;
    const text = e.detail ?? "";
    switch (e.kind) {
      case "pause":
        start(`pause/${node}`, { node, startMicros: t, kind: "pause", text: `paused ${text}` });
        break;
      case "resume":
        close(`pause/${node}`, t);
        break;
      case "crash":
        start(`crash/${node}`, { node, startMicros: t, kind: "crash", text: `crashed: ${text}` });
        break;
      case "recover":
        close(`crash/${node}`, t);
        break;
      case "fault":
        networkFault(e, node, { start, close, open });
        break;
      case "clock":
        if (!text.startsWith("ntp ") || text.startsWith("ntp step")) {
          marks.push({ node, tMicros: t, kind: "clock", text: `clock ${text}` });
        }
        break;
      case "log":
        if (marks.length < MAX_LOG_MARKS) marks.push({ node, tMicros: t, kind: "log", text });
        else marksOmitted++;
        break;
      default:
        break;
    }
  }
  return { bands, marks, marksOmitted };
}

interface Open {
  start: (key: string, band: Omit<Band, "endMicros">) => void;
  close: (key: string, at: number) => void;
  open: Map<string, Band>;
}

/** A fault event: network faults become bands over every lane; Byzantine ones over the node's. */
function networkFault(e: TraceEvent, node: number, { start, close, open }: Open): void {
  const text = e.detail ?? "";
  const word = text.split(" ")[0] ?? "";
  const t = e.tMicros;
  if (CUTS.has(word)) {
    start(`cut/${text}`, { node: -1, startMicros: t, kind: "partition", text });
  } else if (word === "heal") {
    for (const key of [...open.keys()]) if (key.startsWith("cut/")) close(key, t);
  } else if (word === "link-down") {
    start(`link/${text.slice(word.length)}`, { node: -1, startMicros: t, kind: "partition", text });
  } else if (word === "link-up") {
    close(`link/${text.slice(word.length)}`, t);
  } else if (CONDITIONS.has(word)) {
    // A new setting replaces the old; p=0 or x1 means the condition ended.
    close(`net/${word}`, t);
    if (!/ p=0$| x1( |$)/.test(text)) {
      start(`net/${word}`, { node: -1, startMicros: t, kind: "network", text });
    }
  } else if (word === "byzantine") {
    close(`byz/${node}`, t);
    if (!text.endsWith(" honest")) {
      start(`byz/${node}`, { node, startMicros: t, kind: "byzantine", text });
    }
  }
}
