// Random message histories for the logical-clock property tests: a few nodes do local events, send
// messages into a shared pool, and receive any message from it (possibly more than once, possibly
// out of order), which is what a lossy, duplicating, reordering network allows.

import { describe, expect, it } from "vitest";
import fc from "fast-check";

export interface Step {
  readonly kind: "local" | "send" | "receive";
  readonly node: number;
  /** Which pooled message a receive takes (modulo the pool size). */
  readonly pick: number;
  /** Physical time that passes before the step, in ms (for clocks that read one). */
  readonly advanceMs: number;
}

export interface History {
  readonly nodes: number;
  readonly steps: readonly Step[];
}

export const causalHistoryArb: fc.Arbitrary<History> = fc.record({
  nodes: fc.integer({ min: 1, max: 4 }),
  steps: fc.array(
    fc.record({
      kind: fc.constantFrom("local" as const, "send" as const, "receive" as const),
      node: fc.nat(),
      pick: fc.nat(),
      advanceMs: fc.constantFrom(0, 0, 0, 1, 3, 50),
    }),
    { maxLength: 40 },
  ),
});

export interface Handlers<S, E> {
  init(nodeId: string): S;
  local(state: S, nodeId: string, step: Step): E;
  send(state: S, nodeId: string, step: Step): E;
  receive(state: S, nodeId: string, message: E, step: Step): E;
}

/** Runs the history; returns every event's record in execution order. */
export function replay<S, E>(history: History, handlers: Handlers<S, E>): E[] {
  const ids = Array.from({ length: history.nodes }, (_, i) => `n${i}`);
  const states = ids.map((id) => handlers.init(id));
  const pool: E[] = [];
  const events: E[] = [];
  for (const step of history.steps) {
    const i = step.node % history.nodes;
    const id = ids[i]!;
    const state = states[i]!;
    if (step.kind === "send") {
      const e = handlers.send(state, id, step);
      pool.push(e);
      events.push(e);
    } else if (step.kind === "receive" && pool.length > 0) {
      events.push(handlers.receive(state, id, pool[step.pick % pool.length]!, step));
    } else {
      events.push(handlers.local(state, id, step));
    }
  }
  return events;
}

describe("causal histories (test kit)", () => {
  it("shows that replay records one event per step and receives only sent messages", () => {
    fc.assert(
      fc.property(causalHistoryArb, (history) => {
        let sent = 0;
        const events = replay(history, {
          init: () => null,
          local: () => "local",
          send: () => `m${sent++}`,
          receive: (_s, _id, m) => `got ${m}`,
        });
        expect(events).toHaveLength(history.steps.length);
        for (const e of events) if (e.startsWith("got ")) expect(e).toMatch(/^got m\d+$/);
      }),
    );
  });
});
