// The kernel's own awaitables, handed out by `sleep` and `request`. They are real promises, and
// they pass for plain ones (their `constructor` is Promise), so `await` takes V8's fast path: no
// extra job, no extra allocation. Settling one tells the kernel that the event it is running woke
// async code, so that the kernel lets that code run to its next suspension (the microtask queue
// drains) before it takes the next event.

/** What a kernel promise tells the kernel when it settles. */
export interface WakeSignal {
  /** Set when a settled promise may have woken a continuation. */
  asyncTouched: boolean;
}

export class KernelPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  settled = false;
  private resolveFn!: (value: T) => void;
  private rejectFn!: (reason: unknown) => void;
  private signal!: WakeSignal;

  static create<T>(signal: WakeSignal): KernelPromise<T> {
    let resolveFn!: (value: T) => void;
    let rejectFn!: (reason: unknown) => void;
    const p = new KernelPromise<T>((resolve, reject) => {
      resolveFn = resolve;
      rejectFn = reject;
    });
    p.resolveFn = resolveFn;
    p.rejectFn = rejectFn;
    p.signal = signal;
    return p;
  }

  /** Settles the promise and signals the wake. Returns false if already settled. */
  settle(ok: boolean, value: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.signal.asyncTouched = true;
    if (ok) this.resolveFn(value as T);
    else this.rejectFn(value);
    return true;
  }

  /** Abandons the promise (its node crashed): it never settles. */
  abandon(): void {
    this.settled = true;
  }
}

// Look like a plain promise to `await` (PromiseResolve compares constructors), once for all.
Object.defineProperty(KernelPromise.prototype, "constructor", { value: Promise });
