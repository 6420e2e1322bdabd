import { describe, expect, it } from "vitest";
import { AbortedError, ConfigError, MurphyError, TimeoutError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { Rng } from "../core/Rng.js";
import { realRuntime } from "../runtime/realRuntime.js";
import { constantBackoff, exponentialBackoff } from "./Backoff.js";
import { classifyError, retry, type GiveUpEvent, type RetryScheduledEvent } from "./retry.js";
import { TokenBucketRetryBudget } from "./TokenBucketRetryBudget.js";
import { withTimeout } from "./withTimeout.js";

class Unavailable extends MurphyError {
  readonly code = "E_UNAVAILABLE";
  readonly definite = true;
  readonly retryable = true;
}

class InsufficientFunds extends MurphyError {
  readonly code = "E_FUNDS";
  readonly definite = true;
}

function env() {
  const clock = new ManualClock();
  return { clock, timers: clock, random: Rng.fromSeed(1) };
}

/** An operation that fails with the given errors, in order, then returns "ok". */
function failing(...errors: unknown[]) {
  const calls: number[] = [];
  const op = async ({ attempt }: { attempt: number }) => {
    calls.push(attempt);
    const error = errors[attempt - 1];
    if (error !== undefined) throw error;
    return "ok";
  };
  return { op, calls };
}

describe("retry", () => {
  it("shows that maxAttempts counts calls: 3 means the first call and at most two retries", async () => {
    const e = env();
    const { op, calls } = failing(new Unavailable("a"), new Unavailable("b"), new Unavailable("c"));
    const run = retry(op, { ...e, maxAttempts: 3, backoff: constantBackoff(10) });
    await expect(e.clock.run(run)).rejects.toThrow("c");
    expect(calls).toEqual([1, 2, 3]);
    expect(e.clock.monotonicMs()).toBe(20);
  });

  it("shows that maxAttempts 1 never retries and a later success is returned", async () => {
    const e = env();
    const once = failing(new Unavailable("x"));
    await expect(e.clock.run(retry(once.op, { ...e, maxAttempts: 1 }))).rejects.toThrow("x");
    expect(once.calls).toEqual([1]);
    const twice = failing(new Unavailable("x"));
    await expect(e.clock.run(retry(twice.op, { ...e, maxAttempts: 2 }))).resolves.toBe("ok");
  });

  it("shows that waits follow the backoff on the given clock, and onRetry/onGiveUp report them", async () => {
    const e = env();
    const retries: RetryScheduledEvent[] = [];
    const giveUps: GiveUpEvent[] = [];
    const { op } = failing(...Array.from({ length: 5 }, () => new Unavailable("down")));
    const run = retry(op, {
      ...e,
      maxAttempts: 4,
      backoff: exponentialBackoff({ baseMs: 100, capMs: 10_000 }),
      onRetry: (ev) => retries.push(ev),
      onGiveUp: (ev) => giveUps.push(ev),
    });
    await expect(e.clock.run(run)).rejects.toBeInstanceOf(Unavailable);
    expect(retries.map((r) => [r.attempt, r.delayMs, r.elapsedMs])).toEqual([
      [1, 100, 0],
      [2, 200, 100],
      [3, 400, 300],
    ]);
    expect(giveUps.map((g) => [g.attempt, g.reason, g.elapsedMs])).toEqual([
      [4, "max-attempts", 700],
    ]);
  });

  it("shows that a definite failure is not retried unless it says it is transient", async () => {
    const e = env();
    const giveUps: string[] = [];
    const { op, calls } = failing(new InsufficientFunds("no money"));
    const run = retry(op, { ...e, idempotent: true, onGiveUp: (g) => giveUps.push(g.reason) });
    await expect(e.clock.run(run)).rejects.toBeInstanceOf(InsufficientFunds);
    expect(calls).toEqual([1]);
    expect(giveUps).toEqual(["permanent"]);
  });

  it("shows that an indeterminate failure (timeout) is retried only when the operation is idempotent", async () => {
    const e = env();
    const unsafe = failing(new TimeoutError("charge", 1000));
    const reasons: string[] = [];
    await expect(
      e.clock.run(retry(unsafe.op, { ...e, onGiveUp: (g) => reasons.push(g.reason) })),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(unsafe.calls).toEqual([1]);
    expect(reasons).toEqual(["not-idempotent"]);

    const safe = failing(new TimeoutError("read", 1000));
    await expect(e.clock.run(retry(safe.op, { ...e, idempotent: true }))).resolves.toBe("ok");
    expect(safe.calls).toEqual([1, 2]);
  });

  it("shows that a plain Error, which p-retry would retry, is not retried unless the operation is idempotent or the error says it is transient", async () => {
    const e = env();
    const reasons: string[] = [];
    const plain = failing(new Error("ECONNRESET"));
    const onGiveUp = (g: GiveUpEvent) => reasons.push(g.reason);
    await expect(e.clock.run(retry(plain.op, { ...e, onGiveUp }))).rejects.toThrow("ECONNRESET");
    expect(plain.calls).toEqual([1]);
    expect(reasons).toEqual(["not-idempotent"]);

    const declared = failing(new Error("ECONNRESET"));
    await expect(e.clock.run(retry(declared.op, { ...e, idempotent: true }))).resolves.toBe("ok");
    expect(declared.calls).toEqual([1, 2]);

    const marked = failing(
      Object.assign(new Error("refused"), { definite: true, retryable: true }),
    );
    await expect(e.clock.run(retry(marked.op, { ...e }))).resolves.toBe("ok");
    expect(marked.calls).toEqual([1, 2]);
  });

  it("shows the default classification of definite, indeterminate and foreign errors", () => {
    expect(classifyError(new Unavailable("x"))).toBe("transient");
    expect(classifyError(new InsufficientFunds("x"))).toBe("permanent");
    expect(classifyError(new TimeoutError("x", 1))).toBe("indeterminate");
    expect(classifyError(new Error("socket hang up"))).toBe("indeterminate");
    expect(classifyError("a string")).toBe("indeterminate");
    expect(classifyError(new AbortedError("x", true))).toBe("permanent");
  });

  it("shows that maxElapsedMs stops before a retry that would start too late", async () => {
    const e = env();
    const reasons: string[] = [];
    const errors = Array.from({ length: 10 }, () => new Unavailable("down"));
    const { op, calls } = failing(...errors);
    const run = retry(op, {
      ...e,
      maxAttempts: 10,
      maxElapsedMs: 250,
      backoff: constantBackoff(100),
      onGiveUp: (g) => reasons.push(g.reason),
    });
    await expect(e.clock.run(run)).rejects.toBeInstanceOf(Unavailable);
    expect(calls).toEqual([1, 2, 3]);
    expect(e.clock.monotonicMs()).toBe(200);
    expect(reasons).toEqual(["max-elapsed"]);
  });

  it("shows that aborting cancels a pending backoff at once, without waiting for it to end", async () => {
    const e = env();
    const controller = new AbortController();
    const { op, calls } = failing(new Unavailable("a"), new Unavailable("b"));
    const run = retry(op, { ...e, backoff: constantBackoff(60_000), signal: controller.signal });
    run.catch(() => undefined);
    await e.clock.advanceMsAsync(10);
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    await expect(run).rejects.toMatchObject({ definite: true });
    expect(calls).toEqual([1]);
    expect(e.clock.monotonicMs()).toBe(10);
    expect(e.clock.pendingTimers()).toBe(0);
  });

  it("shows that an abort after an indeterminate failure says the outcome is not definite", async () => {
    const e = env();
    const controller = new AbortController();
    const { op } = failing(new TimeoutError("put", 5));
    const run = retry(op, {
      ...e,
      idempotent: true,
      backoff: constantBackoff(1000),
      signal: controller.signal,
    });
    run.catch(() => undefined);
    await e.clock.advanceMsAsync(1);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: "E_ABORTED", definite: false });
  });

  it("shows that an abort during an in-flight call says the outcome is not definite", async () => {
    const e = env();
    const controller = new AbortController();
    let sent = 0;
    const run = retry(
      ({ signal }) =>
        withTimeout(
          async () => {
            sent++;
            return new Promise<never>(() => undefined);
          },
          { timers: e.timers, timeout: 10_000, signal },
        ),
      { ...e, signal: controller.signal },
    );
    run.catch(() => undefined);
    await e.clock.advanceMsAsync(1);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: "E_ABORTED", definite: false });
    expect(sent).toBe(1);
  });

  it("shows that any failure not marked definite counts as possibly applied, whatever its class", async () => {
    const e = env();
    const controller = new AbortController();
    const { op } = failing(new Error("reset"));
    // A classifier that calls everything transient must not make a possibly applied call definite.
    const run = retry(op, {
      ...e,
      classify: () => "transient",
      backoff: constantBackoff(1000),
      signal: controller.signal,
    });
    run.catch(() => undefined);
    await e.clock.advanceMsAsync(1);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: "E_ABORTED", definite: false });
  });

  it("shows that a budget stops retries once exhausted, charging timeouts double", async () => {
    const e = env();
    const budget = new TokenBucketRetryBudget({ capacityTokens: 20 });
    const reasons: string[] = [];
    const errors = Array.from({ length: 10 }, () => new TimeoutError("get", 5));
    const { op, calls } = failing(...errors);
    const run = retry(op, {
      ...e,
      idempotent: true,
      maxAttempts: 10,
      budget,
      backoff: constantBackoff(1),
      onGiveUp: (g) => reasons.push(g.reason),
    });
    await expect(e.clock.run(run)).rejects.toBeInstanceOf(TimeoutError);
    expect(calls).toEqual([1, 2, 3]);
    expect(reasons).toEqual(["budget-exhausted"]);
    expect(budget.availableTokens()).toBe(0);
  });

  it("shows that bad options are refused with a ConfigError naming the field", async () => {
    const e = env();
    const op = async () => "ok";
    await expect(retry(op, { ...e, maxAttempts: 0 })).rejects.toThrow(ConfigError);
    await expect(retry(op, { ...e, maxAttempts: 2.5 })).rejects.toThrow(/maxAttempts/);
    await expect(retry(op, { ...e, maxElapsedMs: -1 })).rejects.toThrow(/maxElapsedMs/);
  });

  it("shows that retry works unchanged on the real clock and timers", async () => {
    const { op, calls } = failing(new Unavailable("a"), new Unavailable("b"));
    const result = await retry(op, { ...realRuntime(), backoff: constantBackoff(2) });
    expect(result).toBe("ok");
    expect(calls).toEqual([1, 2, 3]);
  });

  it("shows that on the real clock an abort during a long backoff ends the retry promptly", async () => {
    const controller = new AbortController();
    const { op } = failing(new Unavailable("a"));
    const run = retry(op, {
      ...realRuntime(),
      backoff: constantBackoff(3_600_000),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 5);
    await expect(run).rejects.toBeInstanceOf(AbortedError);
  });
});

describe("retry: the AbortedError of an abort", () => {
  /** Runs `retry` with a signal, aborts it with a reason of its own at `moment`, returns the error. */
  async function abortAt(moment: "before" | "in-flight" | "in-flight-ignored" | "backoff") {
    const e = env();
    const controller = new AbortController();
    const reason = new Error(`stop (${moment})`);
    if (moment === "before") controller.abort(reason);
    const giveUps: GiveUpEvent[] = [];
    let calls = 0;
    const op = async ({ signal }: { signal: AbortSignal | undefined }): Promise<string> => {
      calls++;
      if (moment === "in-flight") {
        // An operation that listens: withTimeout rejects with its own AbortedError at once.
        return withTimeout(() => new Promise<never>(() => undefined), {
          timers: e.timers,
          timeout: 10_000,
          signal,
        });
      }
      if (moment === "in-flight-ignored") {
        // An operation that does not listen fails on its own later, after the abort.
        await e.clock.sleep(50);
        throw new Unavailable("late");
      }
      throw new Unavailable("down");
    };
    const run = retry(op, {
      ...e,
      backoff: constantBackoff(60_000),
      signal: controller.signal,
      onGiveUp: (g) => giveUps.push(g),
    });
    run.catch(() => undefined);
    await e.clock.advanceMsAsync(10);
    if (moment !== "before") controller.abort(reason);
    await e.clock.advanceMsAsync(100);
    const error = await run.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { error, reason, calls, giveUps };
  }

  it("shows that the cause is the signal's reason whichever moment the abort came: before the call, during a call (listening or not), during a backoff", async () => {
    for (const moment of ["before", "in-flight", "in-flight-ignored", "backoff"] as const) {
      const { error, reason } = await abortAt(moment);
      expect(error, moment).toBeInstanceOf(AbortedError);
      expect((error as AbortedError).cause, moment).toBe(reason);
    }
  });

  it("shows that definite still says whether a call may have taken effect, and onGiveUp still gets the last call's error", async () => {
    const before = await abortAt("before");
    expect([before.calls, (before.error as AbortedError).definite]).toEqual([0, true]);
    const inFlight = await abortAt("in-flight");
    expect((inFlight.error as AbortedError).definite).toBe(false);
    expect(inFlight.giveUps.map((g) => [g.reason, (g.error as Error).name])).toEqual([
      ["aborted", "AbortedError"],
    ]);
    const backoff = await abortAt("backoff");
    expect([backoff.calls, (backoff.error as AbortedError).definite]).toEqual([1, true]);
    expect(backoff.giveUps.map((g) => [g.reason, (g.error as Error).message])).toEqual([
      ["aborted", "down"],
    ]);
  });

  it("shows that an abort without a reason gives the signal's default reason as the cause", async () => {
    const e = env();
    const controller = new AbortController();
    const run = retry(failing(new Unavailable("a")).op, {
      ...e,
      backoff: constantBackoff(1000),
      signal: controller.signal,
    });
    run.catch(() => undefined);
    await e.clock.advanceMsAsync(1);
    controller.abort();
    await expect(run).rejects.toMatchObject({ cause: controller.signal.reason });
    expect((controller.signal.reason as Error).name).toBe("AbortError");
  });
});
