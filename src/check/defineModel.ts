// Builds a model from its sequential behaviour. Most objects are deterministic: given a state and
// a call, the effect and the output are fixed. Then `step` is "apply, and compare the output the
// client saw with the one the model returns", and an unknown output always matches.

import type { Value } from "../workload/Value.js";
import { showValue, valuesEqual } from "../workload/Value.js";
import type { Call, SequentialModel } from "./Model.js";

export interface SequentialSpec<State> {
  readonly name: string;
  init(): State;
  apply(state: State, f: string, input: Value): { state: State; output: Value };
  equal(a: State, b: State): boolean;
  hash(state: State): number;
  /** Whether the output seen matches the model's. Default: structural equality. */
  outputMatches?(f: string, expected: Value, seen: Value): boolean;
  partition?(call: Call): string;
  readOnly?(call: Call): boolean;
  describeState?(state: State): string;
  validate?(call: Call): string | undefined;
  sizeOfState?(state: State): number;
}

export function defineModel<State>(spec: SequentialSpec<State>): SequentialModel<State> {
  const matches = spec.outputMatches ?? ((_f: string, a: Value, b: Value) => valuesEqual(a, b));
  const model: SequentialModel<State> = {
    name: spec.name,
    init: () => spec.init(),
    apply: (state, f, input) => spec.apply(state, f, input),
    step(state, call) {
      const next = spec.apply(state, call.f, call.input);
      if (call.output !== undefined && !matches(call.f, next.output, call.output)) return undefined;
      return next.state;
    },
    equal: (a, b) => spec.equal(a, b),
    hash: (state) => spec.hash(state),
    describe: (call) => describeCall(call),
    describeState: spec.describeState ?? ((state) => showValue(state as Value)),
  };
  if (spec.partition) model.partition = spec.partition;
  if (spec.validate) model.validate = spec.validate;
  if (spec.readOnly) model.readOnly = spec.readOnly;
  if (spec.sizeOfState) model.sizeOfState = spec.sizeOfState;
  return model;
}

/** `f(input) → output`, with `?` for an unknown output. */
export function describeCall(call: Call): string {
  const input = call.input === null ? "" : showValue(call.input);
  return `${call.f}(${input}) → ${call.output === undefined ? "?" : showValue(call.output)}`;
}
