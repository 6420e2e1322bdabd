// What storage saw, in arrival order, and the fencing property over it: once a write carrying
// token t has been accepted, no write carrying a token below t may be accepted after it. The log
// records every write that reached the storage node, accepted or refused, with the token of the
// grant its writer held (in the unsafe variants the store does not look at the token, but the
// history still knows which grant each write was made under — that is how the check finds the
// corruption the store let through). Used by gc-pause-split-brain and lease-clock-jump.
//
// The verdict comes from the fencing checker (src/check) over the accepted writes; the counts of
// stale writes attempted, accepted and refused, and the overlap, are figures computed here.

import { checkFencing as checkAcceptedWrites } from "../../check/checkFencing.js";

export interface FencedWrite {
  /** Virtual time of arrival at storage, in µs. */
  atMicros: number;
  writer: string;
  token: number;
  accepted: boolean;
}

export interface FencingCheck {
  /** Writes that arrived carrying a token below one the storage had already seen. */
  staleAttempted: number;
  staleAccepted: number;
  staleRejected: number;
  /** The fencing checker's verdict: no accepted write carried an epoch older than an earlier one. */
  held: boolean;
}

export function checkFencing(log: readonly FencedWrite[]): FencingCheck {
  let highestSeen = -Infinity;
  let staleAttempted = 0;
  let staleAccepted = 0;
  for (const w of log) {
    if (w.token < highestSeen) {
      staleAttempted++;
      if (w.accepted) staleAccepted++;
    }
    highestSeen = Math.max(highestSeen, w.token);
  }
  const verdict = checkAcceptedWrites(
    log
      .filter((w) => w.accepted)
      .map((w) => ({ epoch: w.token, atMicros: w.atMicros, writer: w.writer })),
  ).verdict;
  return {
    staleAttempted,
    staleAccepted,
    staleRejected: staleAttempted - staleAccepted,
    held: verdict === "ok",
  };
}

/**
 * How long two grants acted at once, in ms: the measure of the time covered by the acting
 * intervals (first to last write arrival) of at least two different tokens.
 */
export function overlapMs(log: readonly FencedWrite[]): number {
  const spans = new Map<number, { from: number; to: number }>();
  for (const w of log) {
    const s = spans.get(w.token);
    if (s === undefined) spans.set(w.token, { from: w.atMicros, to: w.atMicros });
    else s.to = Math.max(s.to, w.atMicros);
  }
  const edges: [number, number][] = [];
  for (const s of spans.values()) {
    if (s.to > s.from) edges.push([s.from, 1], [s.to, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let depth = 0;
  let since = 0;
  let total = 0;
  for (const [t, d] of edges) {
    if (depth >= 2) total += t - since;
    depth += d;
    since = t;
  }
  return total / 1000;
}
