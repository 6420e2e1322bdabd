import { describe, expect, it } from "vitest";
import { AbortedError, ConfigError, TimeoutError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { realRuntime } from "../runtime/realRuntime.js";
import { AdaptiveTimeout } from "./AdaptiveTimeout.js";
import { withTimeout } from "./withTimeout.js";

describe("withTimeout", () => {
  it("shows that a call slower than the timeout rejects with an indefinite TimeoutError and is told to stop", async () => {
    const clock = new ManualClock();
    let abortedWith: unknown;
    const call = withTimeout(
      async (signal) => {
        signal.addEventListener("abort", () => (abortedWith = signal.reason));
        await clock.sleep(500);
        return "late";
      },
      { timers: clock, timeout: 100, what: "GET /x" },
    );
    await expect(clock.run(call)).rejects.toBeInstanceOf(TimeoutError);
    await expect(call).rejects.toMatchObject({ definite: false, timeoutMs: 100 });
    expect(clock.monotonicMs()).toBe(100);
    expect(abortedWith).toBeInstanceOf(TimeoutError);
  });

  it("shows that a call faster than the timeout returns its value and clears the timer", async () => {
    const clock = new ManualClock();
    const call = withTimeout(async () => (await clock.sleep(30), 42), {
      timers: clock,
      timeout: 100,
    });
    await expect(clock.run(call)).resolves.toBe(42);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("shows that with a policy the response times of completed calls are recorded", async () => {
    const clock = new ManualClock();
    const policy = new AdaptiveTimeout({ minTimeoutMs: 1, initialTimeoutMs: 5000 });
    for (let i = 0; i < 3; i++) {
      await clock.run(
        withTimeout(async () => clock.sleep(40), { timers: clock, clock, timeout: policy }),
      );
    }
    expect(policy.sampleCount()).toBe(3);
    expect(policy.timeoutMs()).toBe(80);
  });

  it("shows that a call that timed out is recorded as lasting its timeout, so the policy's window keeps its tail", async () => {
    const clock = new ManualClock();
    const policy = new AdaptiveTimeout({ minTimeoutMs: 1, initialTimeoutMs: 100, multiplier: 1 });
    const slow = withTimeout(() => clock.sleep(10_000), { timers: clock, clock, timeout: policy });
    await expect(clock.run(slow)).rejects.toBeInstanceOf(TimeoutError);
    expect(policy.sampleCount()).toBe(1);
    expect(policy.percentileMs()).toBe(100);
    expect(clock.pendingTimers()).toBe(1); // only the abandoned call's own sleep is left
  });

  it("shows that the caller's signal aborts the wait at once", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const call = withTimeout(() => clock.sleep(10_000), {
      timers: clock,
      timeout: 60_000,
      signal: controller.signal,
    });
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });

  it("shows that an abort's cause is the signal's reason, whether it came before the call or during it", async () => {
    const clock = new ManualClock();
    const early = new AbortController();
    const earlyReason = new Error("shutting down");
    early.abort(earlyReason);
    let called = false;
    const before = withTimeout(async () => (called = true), {
      timers: clock,
      timeout: 100,
      signal: early.signal,
    });
    await expect(before).rejects.toMatchObject({ code: "E_ABORTED", definite: true });
    await expect(before).rejects.toHaveProperty("cause", earlyReason);
    expect(called).toBe(false);

    const late = new AbortController();
    const lateReason = new Error("user cancelled");
    const during = withTimeout(() => clock.sleep(10_000), {
      timers: clock,
      timeout: 60_000,
      signal: late.signal,
    });
    late.abort(lateReason);
    await expect(during).rejects.toMatchObject({ code: "E_ABORTED", definite: false });
    await expect(during).rejects.toHaveProperty("cause", lateReason);
  });

  it("shows that a bad timeout is refused and errors from the call pass through", async () => {
    const clock = new ManualClock();
    expect(() => withTimeout(async () => 1, { timers: clock, timeout: -5 })).toThrow(ConfigError);
    const failing = withTimeout(
      async () => {
        throw new Error("boom");
      },
      { timers: clock, timeout: 10 },
    );
    await expect(failing).rejects.toThrow("boom");
  });

  it("shows that timeouts work on the real timers", async () => {
    const { timers, clock } = realRuntime();
    const slow = withTimeout((signal) => timers.sleep(10_000, signal), { timers, timeout: 5 });
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    const policy = new AdaptiveTimeout();
    await expect(withTimeout(async () => "fast", { timers, clock, timeout: policy })).resolves.toBe(
      "fast",
    );
    expect(policy.sampleCount()).toBe(1);
  });
});
