// Assertions for programmer errors. They stay on in production: an invariant that does not hold
// means the program is wrong, and continuing would only spread the damage.

export class AssertionError extends Error {
  readonly code = "E_ASSERT";
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionError(typeof message === "function" ? message() : message);
  }
}

export function unreachable(value: never, what = "value"): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
