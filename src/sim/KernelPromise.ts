// The kernel's own awaitables, handed out by `sleep` and `request`: a plain native promise (so
// `await` takes V8's fast path) and, beside it, the handle by which the kernel settles it.
// Settling one tells the kernel that the event it is running woke async code, so that the kernel
// lets that code run to its next suspension (the microtask queue drains) before it takes the next
// event. A plain promise made by `new Promise` costs about half a subclass of Promise.

/** What a kernel promise tells the kernel when it settles. */
export interface WakeSignal {
  /** Set when a settled promise may have woken a continuation. */
  asyncTouched: boolean;
}

export class KernelPromise<T> {
  readonly promise: Promise<T>;
  settled = false;
  private resolveFn!: (value: T) => void;
  private rejectFn!: (reason: unknown) => void;

  constructor(private readonly signal: WakeSignal) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
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

/** A request waiting for its reply: the promise `request` returned, and what its timeout says. */
export class PendingRequest extends KernelPromise<unknown> {
  constructor(
    signal: WakeSignal,
    readonly to: string,
    readonly timeoutMs: number,
  ) {
    super(signal);
  }
}
