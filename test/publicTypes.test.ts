// Shows that what a user of "murphy" meets in signatures can be imported from the package's entry
// point: each type below is used as a user would (`npm run typecheck` fails if one is missing),
// and each runtime value is called.
import { describe, expect, it } from "vitest";
import {
  describeOperation,
  EventLimitError,
  HistoryParseError,
  HistoryRecorder,
  ManualClock,
  readHistoryJsonl,
  readTraceJsonl,
  registerModel,
  retry,
  Rng,
  Simulation,
  spaceTimeDiagram,
  TimeoutError,
  TraceParseError,
  withTimeout,
} from "../src/index.js";
import type {
  AttemptContext,
  Call,
  ErrorClass,
  GiveUpEvent,
  GiveUpReason,
  LogEntry,
  NodeFactory,
  OperationHandle,
  RequestOptions,
  RetryOptions,
  RetryScheduledEvent,
  SpaceTimeOptions,
  StopReason,
  TimeoutPolicy,
  Value,
  WithTimeoutOptions,
} from "../src/index.js";

describe("the public surface", () => {
  it("shows the retry and timeout types at work: a policy, the attempt context, the error class and the reason for giving up", async () => {
    const clock = new ManualClock();
    const seen: { attempt: number; errorClass: ErrorClass; reason?: GiveUpReason }[] = [];
    const policy: TimeoutPolicy = { timeoutMs: () => 50, recordResponseMs: () => undefined };
    const timeoutOptions: Omit<WithTimeoutOptions, "signal"> = { timers: clock, timeout: policy };
    const options: RetryOptions = {
      clock,
      timers: clock,
      random: Rng.fromSeed(1),
      idempotent: true,
      maxAttempts: 2,
      onRetry: (event: RetryScheduledEvent) => seen.push(event),
      onGiveUp: (event: GiveUpEvent) => seen.push(event),
    };
    const call = (context: AttemptContext) =>
      withTimeout(() => new Promise<never>(() => undefined), {
        ...timeoutOptions,
        clock,
        signal: context.signal,
      });
    await expect(clock.run(retry(call, options))).rejects.toBeInstanceOf(TimeoutError);
    expect(seen.map((e) => [e.attempt, e.errorClass, e.reason])).toEqual([
      [1, "indeterminate", undefined],
      [2, "indeterminate", "max-attempts"],
    ]);
  });

  it("shows the history types at work: a handle, a call as the model sees it, describeOperation and HistoryParseError", () => {
    let now = 0;
    const recorder = new HistoryRecorder({ nowMicros: () => (now += 10) });
    const handle: OperationHandle = recorder.invoke(1, "write", 3);
    handle.ok();
    const [op] = recorder.history();
    expect(describeOperation(op!)).toBe("p1 write(3) → ok");
    const read: Call = { f: "read", input: null, output: 3 satisfies Value };
    expect(registerModel.step(3, read)).toBe(3);
    expect(registerModel.step(4, read)).toBeUndefined();
    expect(() => readHistoryJsonl("not json\n")).toThrow(HistoryParseError);
  });

  it("shows the world types and the report functions at work: request options, log entries, stop reasons, a trace read back and drawn", async () => {
    const lines: string[] = [];
    const logs: LogEntry[] = [];
    const options: RequestOptions = { timeoutMs: 100 };
    const nodes: Record<string, NodeFactory> = {
      client: (ctx) => ({
        onStart: async () => ctx.log("got", await ctx.request("server", "ping", options)),
      }),
      server: (ctx) => ({ onMessage: (m) => ctx.reply(m, "pong") }),
    };
    const sim = new Simulation({
      seed: 1,
      nodes,
      trace: { sink: (line) => lines.push(line) },
      onLog: (entry) => logs.push(entry),
    });
    const stop: StopReason = (await sim.run()).stopReason;
    expect(stop).toBe("quiescent");
    expect(logs.map((e) => `${e.node}: ${e.text}`)).toEqual(["client: got pong"]);
    const drawOptions: SpaceTimeOptions = { kinds: ["send", "deliver", "log"] };
    const diagram = spaceTimeDiagram(readTraceJsonl(lines.join("\n")), drawOptions).join("\n");
    expect(diagram).toContain("client");
    expect(diagram).toContain("server");
    expect(() => readTraceJsonl("{")).toThrow(TraceParseError);
    expect(EventLimitError.prototype).toBeInstanceOf(Error);
  });
});
