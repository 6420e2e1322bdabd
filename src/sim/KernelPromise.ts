// The kernel's own awaitables, handed out by `sleep` and `request`. They are real promises, so
// `.catch`, `.finally` and the combinators work, but they tell the kernel when a continuation
// suspends on them (a `then` is registered) and when it is woken (the kernel settles them). From
// that count the kernel knows whether continuations it woke are still running, and lets them
// settle before it runs the next event — without yielding a macrotask per event.

/** Counts continuations woken by the kernel that have not yet suspended again or finished. */
export interface ContinuationCounter {
  active: number;
  asyncTouched: boolean;
}

export class KernelPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** Callbacks registered while pending: each is one continuation the kernel will wake. */
  registered = 0;
  settled = false;
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
    return p;
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    // The executor-less construction path (species) never reaches here before `create` returns.
    if (this.counter !== undefined && !this.settled) {
      this.registered++;
      this.counter.active--;
    }
    return super.then(onFulfilled, onRejected);
  }

  /** Settles the promise and counts the continuations it wakes. Returns false if already settled. */
  settle(ok: boolean, value: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.counter.active += this.registered;
    this.counter.asyncTouched = true;
    if (ok) this.resolveFn(value as T);
    else this.rejectFn(value);
    return true;
  }

  /** Abandons the promise (its node crashed): it never settles, and its waiters are uncounted. */
  abandon(): void {
    if (this.settled) return;
    this.settled = true;
    this.counter.active += this.registered;
  }
}
