// The kernel's own awaitables, handed out by `sleep` and `request`. They are promise-like (await,
// `.then`, `.catch`, `.finally` and the Promise combinators work), and they tell the kernel when a
// continuation suspends on them (a `then` is registered) and when it is woken (the kernel settles
// them). From that count the kernel knows whether continuations it woke are still running, and
// lets them settle before it runs the next event — without yielding a macrotask per event.
// Settling hands the value to each registered callback at once, inside the waking event, which
// saves the promise allocations and the extra microtask hop a promise subclass would cost.

/** Counts continuations woken by the kernel that have not yet suspended again or finished. */
export interface ContinuationCounter {
  active: number;
  asyncTouched: boolean;
}

type Reaction = (ok: boolean, value: unknown) => void;

export class KernelPromise<T> implements PromiseLike<T> {
  readonly [Symbol.toStringTag] = "Promise";
  /** Callbacks registered while pending: each is one continuation the kernel will wake. */
  registered = 0;
  settled = false;
  private ok = false;
  private value: unknown = undefined;
  private first: Reaction | undefined = undefined;
  private rest: Reaction[] | undefined = undefined;

  private constructor(private readonly counter: ContinuationCounter) {}

  static create<T>(counter: ContinuationCounter): KernelPromise<T> {
    return new KernelPromise<T>(counter);
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return new Promise<R1 | R2>((resolve, reject) => {
      const reaction: Reaction = (ok, value) => {
        const handler = ok ? onFulfilled : onRejected;
        if (typeof handler !== "function") {
          if (ok) resolve(value as R1);
          else reject(value);
          return;
        }
        try {
          resolve((handler as (v: unknown) => R1 | R2)(value));
        } catch (error) {
          reject(error);
        }
      };
      if (this.settled) {
        // Already settled (or abandoned): behave like a promise, asynchronously.
        if (this.value !== ABANDONED) queueMicrotask(() => reaction(this.ok, this.value));
        return;
      }
      this.registered++;
      this.counter.active--;
      if (this.first === undefined) this.first = reaction;
      else (this.rest ??= []).push(reaction);
    });
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.then(
      (value) => {
        onFinally?.();
        return value;
      },
      (reason: unknown) => {
        onFinally?.();
        throw reason;
      },
    );
  }

  /** Settles the promise and wakes its waiters. Returns false if already settled. */
  settle(ok: boolean, value: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.ok = ok;
    this.value = value;
    this.counter.active += this.registered;
    this.counter.asyncTouched = true;
    const first = this.first;
    const rest = this.rest;
    this.first = undefined;
    this.rest = undefined;
    if (first !== undefined) first(ok, value);
    if (rest !== undefined) for (const r of rest) r(ok, value);
    return true;
  }

  /** Abandons the promise (its node crashed): it never settles, and its waiters are uncounted. */
  abandon(): void {
    if (this.settled) return;
    this.settled = true;
    this.value = ABANDONED;
    this.first = undefined;
    this.rest = undefined;
    this.counter.active += this.registered;
  }
}

const ABANDONED = Symbol("abandoned");
