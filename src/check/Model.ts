// A model is the sequential specification a history is checked against: what one copy of the
// object would do if the calls happened one at a time. The checker searches for an order of the
// calls, consistent with real time, in which every call's output is what the model says.
//
// `step` is the whole specification. Return the next state when the call can take effect in
// `state` with the output it had, or `undefined` when it cannot. A call whose outcome is unknown
// (`info`) has `output: undefined` and must be accepted by `step` in every state: it may have had
// any result. States are values: never mutate one, and never use `undefined` as a state.
//
// `readOnly` is optional and only speeds the search up. `hash` and `equal` let the checker remember which (linearised calls, state) pairs it has seen,
// which is what makes the search fast. `partition` splits the history into independent parts
// (e.g. per key) that are checked on their own: a history is linearizable exactly when every part
// is (P-compositionality), and small parts are exponentially cheaper than one big one.

import type { Value } from "../workload/Value.js";

/** One call as the model sees it. */
export interface Call {
  readonly f: string;
  readonly input: Value;
  /** The output the client saw; `undefined` when unknown (an `info` operation). */
  readonly output: Value | undefined;
}

export interface Model<State> {
  /** A short name for reports, e.g. `register`. */
  readonly name: string;
  init(): State;
  /** The next state if `call` can take effect in `state` with its output, else `undefined`. */
  step(state: State, call: Call): State | undefined;
  equal(a: State, b: State): boolean;
  /** A 32-bit hash, equal for equal states. */
  hash(state: State): number;
  /** The part a call belongs to; calls in different parts never interact. Default: one part. */
  partition?(call: Call): string;
  /** A call for reports, e.g. `cas(1, 2) → false`. */
  describe?(call: Call): string;
  describeState?(state: State): string;
  /**
   * True when the call, with its output, leaves unchanged every state in which it can take effect:
   * a read, a failed compare-and-set. Such a call is linearised as soon as it is legal and never
   * moved, which prunes the search; claim it only when it holds, or verdicts will be wrong.
   */
  readOnly?(call: Call): boolean;
  /** What was expected, when the call's function or input is not one this model knows. */
  validate?(call: Call): string | undefined;
  /**
   * About how many bytes the checker's memo spends to keep `state`, counting what the state
   * shares with the state it came from only once. The memory budget adds this up for every state
   * it keeps, so err high rather than low. Default: a walk of the whole state (approxStateBytes).
   */
  sizeOfState?(state: State): number;
}

/**
 * A model whose calls have deterministic effects, given as `apply`: the next state and the output
 * the call would return. `step` follows from it. The history generators use `apply` to run a real
 * sequential execution.
 */
export interface SequentialModel<State> extends Model<State> {
  apply(state: State, f: string, input: Value): { state: State; output: Value };
}
