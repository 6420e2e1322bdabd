// The kernel's own awaitables, handed out by `sleep` and `request`. They are real promises, and
// they pass for plain ones (their `constructor` is Promise), so `await` takes V8's fast path: no
// extra job, no extra allocation. They tell the kernel how many continuations wait on them, so
// that after an event it can let exactly the continuations it woke run to their next suspension
// before it takes the next event — without yielding a macrotask per event.
//
// The count assumes the common case: a kernel promise is awaited by the code that asked for it,
// which suspends right after. An explicit `.then`/`.catch`/`.finally` (callback code, or a
// combinator such as Promise.all) marks it as not awaited. Miscounts in rarer patterns cost a few
// microtask ticks or let a continuation finish in a later event; they never cost determinism.

/** Counts continuations woken by the kernel that have not yet suspended again or finished. */
export interface ContinuationCounter {
  active: number;
  asyncTouched: boolean;
  /** Set when a promise with explicit callbacks (not a plain await) was settled. */
  callbackWake: boolean;
}

export class KernelPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  settled = false;
  /** False once a callback is attached explicitly: then nobody is assumed to await it. */
  private awaited = true;
  private resolveFn!: (value: T) => void;
  private rejectFn!: (reason: unknown) => void;
  private counter!: ContinuationCounter;

  static create<T>(counter: ContinuationCounter): KernelPromise<T> {
    let resolveFn!: (value: T) => void;
    let rejectFn!: (reason: unknown) => void;
    const p = new KernelPromise<T>((resolve, reject) => {
      resolveFn = resolve;
      rejectFn = reject;
    });
    p.resolveFn = resolveFn;
    p.rejectFn = rejectFn;
    p.counter = counter;
    // The caller is about to suspend on it.
    counter.active--;
    return p;
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (this.counter !== undefined && !this.settled && this.awaited) {
      this.awaited = false;
      this.counter.active++;
    }
    return super.then(onFulfilled, onRejected);
  }

  /** Settles the promise and counts the continuation it wakes. Returns false if already settled. */
  settle(ok: boolean, value: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.awaited) this.counter.active++;
    else this.counter.callbackWake = true;
    this.counter.asyncTouched = true;
    if (ok) this.resolveFn(value as T);
    else this.rejectFn(value);
    return true;
  }

  /** Abandons the promise (its node crashed): it never settles, and its waiter is uncounted. */
  abandon(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.awaited) this.counter.active++;
  }
}

// Look like a plain promise to `await` (PromiseResolve compares constructors), once for all.
Object.defineProperty(KernelPromise.prototype, "constructor", { value: Promise });
