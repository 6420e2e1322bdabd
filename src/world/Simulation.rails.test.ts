// Shows the safety rails of running a world: a run meant to end when the world is quiet says why
// it cannot when the world never goes quiet, and `onLog` shows each `ctx.log` line as it happens.
import { describe, expect, it, vi } from "vitest";
import { ConfigError } from "../core/errors.js";
import { EventLimitError } from "../sim/RunResult.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import type { TraceEvent } from "../sim/Trace.js";
import { Simulation } from "./Simulation.js";
import type { SimulationConfig } from "./SimulationConfig.js";

/** A node whose heartbeat re-arms itself forever: its world never runs out of events. */
const heartbeat: NodeFactory = (ctx) => {
  const beat = (): void => {
    ctx.send(ctx.peers[0]!, "beat");
    ctx.setTimer(10, beat);
  };
  return { onStart: beat };
};

const busyWorld = (limits?: SimulationConfig["limits"]): SimulationConfig => ({
  seed: 7,
  nodes: { a: heartbeat, b: heartbeat },
  ...(limits === undefined ? {} : { limits }),
});

describe("Simulation.run: a world that never goes quiet", () => {
  it("shows that run() without untilMs throws an EventLimitError naming the limit, the count, the virtual time and the fix", async () => {
    const sim = new Simulation(busyWorld({ maxEvents: 1_000 }));
    const error = await sim.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventLimitError);
    const limit = error as EventLimitError;
    expect(limit.code).toBe("E_EVENT_LIMIT");
    expect(limit.field).toBe("limits.maxEvents");
    expect(limit.maxEvents).toBe(1_000);
    expect(limit.result.events).toBe(1_000);
    expect(limit.result.stopReason).toBe("event-limit");
    expect(limit.result.seed).toBe(sim.seed.toString());
    expect(limit.result.endMicros).toBe(sim.now);
    expect(limit.result.traceHash).toBe(sim.trace.hash);
    const endMs = (limit.result.endMicros / 1000).toFixed(3);
    expect(limit.message).toContain("limits.maxEvents (1000 events)");
    expect(limit.message).toContain(`at ${endMs} ms of virtual time`);
    expect(limit.message).toContain(`seed ${sim.seed.toString()}`);
    expect(limit.message).toContain("pass run({ untilMs })");
  });

  it("shows that the same world with untilMs stops at that virtual time, quietly", async () => {
    const sim = new Simulation(busyWorld({ maxEvents: 1_000 }));
    const result = await sim.run({ untilMs: 100 });
    expect(result.stopReason).toBe("time-limit");
    expect(result.endMicros).toBe(100_000);
  });

  it("shows that with untilMs given, reaching a chosen event limit first is a stop reason with a warning in the result, not an error", async () => {
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const sim = new Simulation(busyWorld({ maxEvents: 1_000 }));
      const result = await sim.run({ untilMs: 1_000_000 });
      expect(result.stopReason).toBe("event-limit");
      expect(result.events).toBe(1_000);
      expect(result.warning).toContain("limits.maxEvents (1000 events)");
      expect(result.warning).toContain("before untilMs (1000000 ms)");
      expect(result.warning).toContain(`seed ${sim.seed.toString()}`);
      // The limit was set on purpose: the result says it, stderr stays quiet.
      expect(emitWarning).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
    }
  });

  it("shows that a run with untilMs stopped by the default event limit warns on stderr too", async () => {
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const sim = new Simulation(busyWorld());
      // Stands in for the default limit (50 million events), far too many for a test to run.
      (sim as unknown as { kernel: { maxEvents: number } }).kernel.maxEvents = 1_000;
      const result = await sim.run({ untilMs: 1_000_000 });
      expect(result.stopReason).toBe("event-limit");
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(emitWarning.mock.calls[0]![0]).toBe(result.warning);
      expect(emitWarning.mock.calls[0]![1]).toEqual({ code: "MURPHY_EVENT_LIMIT" });
    } finally {
      emitWarning.mockRestore();
    }
  });

  it("shows that a run that reaches its untilMs carries no warning", async () => {
    const result = await new Simulation(busyWorld()).run({ untilMs: 100 });
    expect(result.stopReason).toBe("time-limit");
    expect(result.warning).toBeUndefined();
  });

  it("shows that run() without untilMs on a world that goes quiet ends quiescent, under any limit it stays within", async () => {
    const once: NodeFactory = (ctx) => ({
      onStart: () => {
        ctx.setTimer(5, () => ctx.log("done"));
      },
    });
    const sim = new Simulation({ seed: 1, nodes: { a: once }, limits: { maxEvents: 10 } });
    const result = await sim.run();
    expect(result.stopReason).toBe("quiescent");
  });

  it("shows that an undefined untilMs (as an options object built by a caller may carry) means no bound", async () => {
    const sim = new Simulation(busyWorld({ maxEvents: 100 }));
    await expect(sim.run({ untilMs: undefined })).rejects.toBeInstanceOf(EventLimitError);
  });
});

describe("Simulation onLog", () => {
  /** Logs at start, then once after 2.5 ms, and echoes what it is sent. */
  const talker: NodeFactory = (ctx) => ({
    onStart: () => {
      ctx.log("hello", { from: ctx.id });
      ctx.setTimer(2.5, () => ctx.log("later"));
      if (ctx.id === "a") ctx.send("b", "ping");
    },
    onMessage: (m) => ctx.log(`got ${String(m.body)} from ${m.from}`),
  });
  const world = (onLog?: SimulationConfig["onLog"]): SimulationConfig => ({
    seed: 3,
    nodes: { a: talker, b: talker },
    network: { latency: { kind: "constant", ms: 1 } },
    ...(onLog === undefined ? {} : { onLog }),
  });

  it("shows that onLog sees every ctx.log line as it happens, with the node, the virtual time in ms and the text, in trace order", async () => {
    const seen: { node: string; atMs: number; text: string; eventsSoFar: number }[] = [];
    const logged: TraceEvent[] = [];
    const sim: Simulation = new Simulation({
      ...world((entry) => seen.push({ ...entry, eventsSoFar: sim.events })),
      trace: {
        sink: (line) => {
          const event = JSON.parse(line) as TraceEvent;
          if (event.kind === "log") logged.push(event);
        },
      },
    });
    await sim.run();
    expect(seen.map(({ node, atMs, text }) => ({ node, atMs, text }))).toEqual(
      logged.map((e) => ({ node: e.node, atMs: e.tMicros / 1000, text: e.detail })),
    );
    expect(seen.map((e) => `${e.node}@${e.atMs}: ${e.text}`)).toEqual([
      'a@0: hello {"from":"a"}',
      'b@0: hello {"from":"b"}',
      "b@1: got ping from a",
      "a@2.5: later",
      "b@2.5: later",
    ]);
    // As it happens: each line arrives while the run is under way, not after it.
    expect(seen[0]!.eventsSoFar).toBeLessThan(sim.events);
  });

  it("shows that onLog only observes: the trace is the same with it or without", async () => {
    const quiet = new Simulation(world());
    const watched = new Simulation(world(() => undefined));
    expect((await watched.run()).traceHash).toBe((await quiet.run()).traceHash);
  });

  it("shows that an onLog that is not a function is refused when the world is built, naming the field and the fix", () => {
    const bad = { ...world(), onLog: "console" } as unknown as SimulationConfig;
    expect(() => new Simulation(bad)).toThrow(ConfigError);
    expect(() => new Simulation(bad)).toThrow(
      /`onLog` must be a function .*got "console"; pass e\.g\./,
    );
  });
});
