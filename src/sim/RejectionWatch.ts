// Catches the promises a node rejects and leaves without a handler. Such a rejection does not pass
// through the kernel: Node reports it to the process ('unhandledRejection'), after the microtask
// queue drains, which in a run driven by microtasks is only when the run ends. Left alone it ends
// the process with a stack trace, or fails an unrelated test, with no seed to reproduce it. So
// while a kernel runs, one process listener collects these rejections and hands each to a kernel:
// the one that raised it (a request that timed out, an aborted sleep: the kernel knows the node
// and the time exactly), else the kernel that ran last. The kernel looks at what it collected when
// its run ends, and fails the run with a NodeFailureError naming the node, the time and the seed.

/** A rejection left unhandled, as a kernel reports it. */
export interface DetachedRejection {
  readonly reason: unknown;
  readonly promise: Promise<unknown>;
}

/** What the watch needs from a kernel. */
export interface RejectionOwner {
  /** True when this kernel raised `reason` itself (it then knows where and when). */
  raised(reason: unknown): boolean;
  /** Takes a rejection that no handler caught. */
  collect(rejection: DetachedRejection): void;
  /** A rejection collected earlier got a handler after all. */
  handled(promise: Promise<unknown>): void;
}

const running = new Set<RejectionOwner>();
let lastActive: RejectionOwner | undefined;

function onUnhandled(reason: unknown, promise: Promise<unknown>): void {
  let owner: RejectionOwner | undefined;
  for (const kernel of running) if (kernel.raised(reason)) owner = kernel;
  owner ??= lastActive !== undefined && running.has(lastActive) ? lastActive : undefined;
  owner ??= running.values().next().value;
  owner?.collect({ reason, promise });
}

function onHandled(promise: Promise<unknown>): void {
  for (const kernel of running) kernel.handled(promise);
}

/** Starts watching for `owner` (the process listener is installed with the first). */
export function watchRejections(owner: RejectionOwner): void {
  if (running.size === 0) {
    process.on("unhandledRejection", onUnhandled);
    process.on("rejectionHandled", onHandled);
  }
  running.add(owner);
  lastActive = owner;
}

/** Notes that `owner` is the kernel running now, for rejections no kernel raised itself. */
export function activeOwner(owner: RejectionOwner): void {
  lastActive = owner;
}

/** Stops watching for `owner` (the listener goes with the last). */
export function unwatchRejections(owner: RejectionOwner): void {
  running.delete(owner);
  if (lastActive === owner) lastActive = undefined;
  if (running.size === 0) {
    process.off("unhandledRejection", onUnhandled);
    process.off("rejectionHandled", onHandled);
  }
}

/**
 * Lets Node report the rejections left unhandled so far: it does so only once the microtask queue
 * has drained, so this waits one macrotask. It changes nothing in the simulated world: it runs
 * when a run ends, after the last event.
 */
export function settleRejections(): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- a host-level flush, not simulated time
  return new Promise((resolve) => setImmediate(resolve));
}
