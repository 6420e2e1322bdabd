// The reference the fast checker is tested against: tries every order of the operations that is
// consistent with real time, with no memo, no partitioning and no cleverness, so that it is easy to
// believe. Exponential; for histories of at most 8 or so operations.

import { assert } from "../core/assert.js";
import type { History, Operation } from "../workload/Operation.js";
import type { Model } from "./Model.js";

export function referenceLinearizable<State>(history: History, model: Model<State>): boolean {
  const ops = history.filter((op) => op.status !== "fail");
  assert(ops.length <= 10, `the reference checker is for tiny histories, got ${ops.length} ops`);
  const returned = (op: Operation) =>
    op.status === "info" ? Infinity : (op.completeMicros ?? Infinity);
  const placed = new Array<boolean>(ops.length).fill(false);

  const search = (state: State, remainingOk: number): boolean => {
    // Success once every ok operation has taken effect: the info ones left may never have.
    if (remainingOk === 0) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      const op = ops[i] as Operation;
      // `op` can go next only if no unplaced operation returned before it was invoked.
      const blocked = ops.some((other, j) => !placed[j] && returned(other) < op.invokeMicros);
      if (blocked) continue;
      const output = op.status === "ok" ? (op.output ?? null) : undefined;
      const next = model.step(state, { f: op.f, input: op.input, output });
      if (next === undefined) continue;
      placed[i] = true;
      const ok = search(next, remainingOk - (op.status === "ok" ? 1 : 0));
      placed[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return search(model.init(), ops.filter((op) => op.status === "ok").length);
}
