// The search for one part of a history: Wing and Gong's algorithm with Lowe's memoisation, run in
// slices so that the checker can interleave parts fairly and stop on a budget.
//
// Every operation contributes two entries, its call and its return, to a doubly linked list sorted
// by time (calls before returns at equal times: intervals are closed). A search node is the list
// left after the operations linearised so far were lifted out of it. Its candidates, the only
// operations that may take effect next, are the calls before the first return left: that return's
// operation must take effect before it, and so must anything the search puts first. The search
// tries candidates in the order they were invoked; when the model accepts one and the pair
// (linearised set, new state) is new, it lifts both its entries out of the list and descends.
// When no candidate works it backtracks, re-inserting the last lifted pair (the list is undone in
// LIFO order, as in dancing links) and trying the next candidate of that node. The history is
// linearizable when the list empties, or when the first return left is an `info` one at infinity:
// whatever remains may never have taken effect. It is not when the search must backtrack from
// the root.
//
// One pruning on top: if any candidate is a read-only call (the model's `readOnly`) that is legal
// now, it is the node's only child, tried before any other candidate; if that child fails, so does
// the node. Moving such a call earlier never breaks a legal order: everything that had to precede
// it already has (no return is left before its call), and it changes no state, so every other
// call sees the same states as before. Looking for one across all candidates, not only those
// before the first write in the list, is what keeps a search over concurrent reads and writes
// from trying every order of the writes under each read.

import { assert } from "../core/assert.js";
import type { Operation } from "../workload/Operation.js";
import type { Value } from "../workload/Value.js";
import type { OperationReport, PartialLinearization } from "./LinearizabilityResult.js";
import { approxStateBytes } from "./approxStateBytes.js";
import { LinearizedSet } from "./LinearizedSet.js";
import type { Call, Model, SequentialModel } from "./Model.js";
import { VisitedStates } from "./VisitedStates.js";

export type PartStatus = "running" | "ok" | "illegal";

interface Best<State> {
  depth: number;
  state: State;
  blocked: number;
  candidates: number[];
}

export class PartSearch<State> {
  status: PartStatus = "running";
  steps = 0;
  private readonly ops: readonly Operation[];
  private readonly calls: readonly Call[];
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly opOf: Int32Array;
  private readonly isCall: Uint8Array;
  private readonly openEnded: Uint8Array;
  private readonly callNode: Int32Array;
  private readonly returnNode: Int32Array;
  private readonly head: number;
  private readonly tail: number;
  private readonly readOnly: Uint8Array;
  /** The current node's candidates, in the order they were invoked. */
  private readonly candidates: Int32Array;
  private blockedNode = -1;
  private readonly stackOp: Int32Array;
  /** Where each frame's node resumes after its child fails; -1 for a forced read-only child. */
  private readonly stackIndex: Int32Array;
  private readonly stackState: State[] = [];
  private depth = 0;
  private state: State;
  /** Phase 0 looks for a legal read-only candidate; phase 1 tries the others in turn. */
  private phase = 0;
  private index = 0;
  private readonly linearized: LinearizedSet;
  private readonly visited: VisitedStates<State>;
  private readonly bestOrder: number[] = [];
  private shared = 0;
  private best: Best<State> | undefined;

  constructor(
    readonly name: string,
    operations: readonly Operation[],
    private readonly model: Model<State>,
  ) {
    const ops = [...operations].sort((a, b) => a.invokeMicros - b.invokeMicros || a.id - b.id);
    const n = ops.length;
    this.ops = ops;
    this.calls = ops.map(toCall);
    const times = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const op = ops[i] as Operation;
      assert(op.status !== "fail", "failed operations are removed before the search");
      assert(
        op.status !== "ok" || Number.isFinite(op.completeMicros),
        () =>
          `ok operation ${op.id} has no finite completeMicros; checkLinearizability refuses these`,
      );
      times[2 * i] = op.invokeMicros;
      times[2 * i + 1] = op.status === "info" ? Infinity : (op.completeMicros as number);
    }
    // Entry e is op e>>1's call (even) or return (odd); calls sort before returns at equal times.
    const order = Array.from({ length: 2 * n }, (_, e) => e);
    order.sort((a, b) => (times[a] as number) - (times[b] as number) || (a & 1) - (b & 1) || a - b);
    this.head = 2 * n;
    this.tail = 2 * n + 1;
    this.next = new Int32Array(2 * n + 2);
    this.prev = new Int32Array(2 * n + 2);
    this.opOf = new Int32Array(2 * n);
    this.isCall = new Uint8Array(2 * n);
    this.openEnded = new Uint8Array(2 * n);
    this.callNode = new Int32Array(n);
    this.returnNode = new Int32Array(n);
    let last = this.head;
    order.forEach((entry, node) => {
      this.opOf[node] = entry >> 1;
      this.isCall[node] = (entry & 1) === 0 ? 1 : 0;
      if ((entry & 1) === 1) {
        this.returnNode[entry >> 1] = node;
        this.openEnded[node] = times[entry] === Infinity ? 1 : 0;
      } else this.callNode[entry >> 1] = node;
      this.next[last] = node;
      this.prev[node] = last;
      last = node;
    });
    this.next[last] = this.tail;
    this.prev[this.tail] = last;
    this.candidates = new Int32Array(n);
    this.stackOp = new Int32Array(n);
    this.stackIndex = new Int32Array(n);
    this.readOnly = Uint8Array.from(this.calls, (call) => (model.readOnly?.(call) ? 1 : 0));
    this.linearized = new LinearizedSet(n);
    const sizeOfState = model.sizeOfState;
    this.visited = new VisitedStates<State>(
      (a, b) => model.equal(a, b),
      (s) => model.hash(s),
      sizeOfState === undefined ? approxStateBytes : (s) => sizeOfState.call(model, s),
    );
    this.state = model.init();
    assert(this.state !== undefined, `model ${model.name}: init() must not return undefined`);
  }

  get size(): number {
    return this.ops.length;
  }

  get visitedStates(): number {
    return this.visited.size;
  }

  /** Memory the search holds: its memo plus its fixed arrays. */
  get approxBytes(): number {
    return this.visited.approxBytes + 64 * this.ops.length;
  }

  /**
   * Searches for at most `maxSteps` model steps, or until `stop` (asked every 64 steps) says so;
   * returns the status after.
   */
  run(maxSteps: number, stop?: () => boolean): PartStatus {
    if (this.status !== "running") return this.status;
    const { model, calls, readOnly, candidates } = this;
    let steps = 0;
    let count = this.gather();
    while (count >= 0) {
      let chosen = -1;
      let after: State | undefined;
      // Phase 0: a legal read-only candidate is the node's only child (see the module comment).
      // Phase 1: every other candidate in turn.
      while (this.index < count) {
        const op = candidates[this.index] as number;
        if (readOnly[op] !== (this.phase === 0 ? 1 : 0)) {
          this.index++;
          continue;
        }
        if (steps >= maxSteps || ((steps & 63) === 63 && stop !== undefined && stop())) {
          this.steps += steps;
          return this.status;
        }
        steps++;
        after = model.step(this.state, calls[op] as Call);
        if (after !== undefined) {
          chosen = op;
          break;
        }
        this.index++;
        if (this.index === count && this.phase === 0) {
          this.phase = 1;
          this.index = 0;
        }
      }
      if (chosen < 0 && this.phase === 0) {
        this.phase = 1;
        this.index = 0;
        continue;
      }
      if (chosen >= 0) {
        this.linearized.add(chosen);
        if (this.visited.addIfNew(this.linearized, after as State)) {
          this.stackOp[this.depth] = chosen;
          this.stackIndex[this.depth] = this.phase === 0 ? -1 : this.index;
          this.stackState[this.depth] = this.state;
          this.depth++;
          this.state = after as State;
          this.lift(chosen);
          this.phase = 0;
          this.index = 0;
          count = this.gather();
          continue;
        }
        this.linearized.remove(chosen);
        if (this.phase === 1) {
          this.index++;
          continue;
        }
        // The forced read-only child was explored before and failed, so this node fails.
      } else {
        this.recordDeadEnd();
      }
      if (!this.backtrack()) {
        this.status = "illegal";
        this.steps += steps;
        return this.status;
      }
      count = this.gather();
    }
    this.status = "ok";
    this.steps += steps;
    return this.status;
  }

  /**
   * Collects the current node's candidates, the calls before the first return left, in the
   * order they were invoked; returns how many, or -1 when the search has succeeded: the list is empty,
   * or every operation left is open-ended and may never have taken effect.
   */
  private gather(): number {
    const { next, isCall, opOf, candidates } = this;
    let node = next[this.head] as number;
    if (node === this.tail) return -1;
    let count = 0;
    while (isCall[node] === 1) {
      candidates[count++] = opOf[node] as number;
      node = next[node] as number;
    }
    if (this.openEnded[node] === 1) return -1;
    this.blockedNode = node;
    return count;
  }

  /**
   * Undoes the last lift and sets where its node resumes: the candidate after the one that
   * failed. A forced (read-only) child that failed fails its whole node, so that one is undone
   * too. False when the stack empties: no order works.
   */
  private backtrack(): boolean {
    for (;;) {
      if (this.depth === 0) return false;
      this.depth--;
      const op = this.stackOp[this.depth] as number;
      this.state = this.stackState[this.depth] as State;
      this.stackState.length = this.depth;
      this.linearized.remove(op);
      this.unlift(op);
      if (this.depth < this.shared) this.shared = this.depth;
      const index = this.stackIndex[this.depth] as number;
      if (index >= 0) {
        this.phase = 1;
        this.index = index + 1;
        return true;
      }
    }
  }

  private lift(op: number): void {
    const { next, prev } = this;
    const call = this.callNode[op] as number;
    const ret = this.returnNode[op] as number;
    next[prev[call] as number] = next[call] as number;
    prev[next[call] as number] = prev[call] as number;
    next[prev[ret] as number] = next[ret] as number;
    prev[next[ret] as number] = prev[ret] as number;
  }

  private unlift(op: number): void {
    const { next, prev } = this;
    const call = this.callNode[op] as number;
    const ret = this.returnNode[op] as number;
    next[prev[ret] as number] = ret;
    prev[next[ret] as number] = ret;
    next[prev[call] as number] = call;
    prev[next[call] as number] = call;
  }

  /**
   * Keeps the deepest dead end. The order that led to it shares a prefix with the current stack,
   * so only the part past that prefix is copied: over a whole search, no more copies than pushes.
   */
  private recordDeadEnd(): void {
    if (this.best !== undefined && this.depth <= this.best.depth) return;
    this.bestOrder.length = this.shared;
    for (let k = this.shared; k < this.depth; k++) {
      this.bestOrder.push(this.stackOp[k] as number);
    }
    this.shared = this.depth;
    const candidates: number[] = [];
    for (
      let node = this.next[this.head] as number;
      node !== this.blockedNode;
      node = this.next[node] as number
    ) {
      if (this.isCall[node] === 1) candidates.push(this.opOf[node] as number);
    }
    this.best = {
      depth: this.depth,
      state: this.state,
      blocked: this.opOf[this.blockedNode] as number,
      candidates,
    };
  }

  /** The longest partial linearisation found; meaningful once the status is `illegal`. */
  longest(): PartialLinearization {
    const best = this.best;
    assert(best !== undefined, "longest() before any dead end");
    const report = (i: number) => this.report(i);
    const describeState = this.model.describeState ?? ((s: State) => JSON.stringify(s));
    const expected = this.expectedOutput(best);
    return {
      partition: this.name,
      operations: this.bestOrder.slice(0, best.depth).map(report),
      stateAfter: describeState(best.state),
      blocked: report(best.blocked),
      ...(expected === undefined ? {} : { expected: expected.output }),
      candidates: best.candidates.map((i) => ({
        operation: report(i),
        reason: this.reason(i, best),
      })),
    };
  }

  /**
   * What the model would have answered the blocked call in the state reached, when it can say (a
   * model with `apply`, as `defineModel` builds) and the client saw something it does not allow.
   */
  private expectedOutput(best: Best<State>): { output: Value } | undefined {
    const call = this.calls[best.blocked] as Call;
    const apply = (this.model as Partial<SequentialModel<State>>).apply;
    if (apply === undefined || call.output === undefined) return undefined;
    if (this.model.step(best.state, call) !== undefined) return undefined;
    return { output: apply(best.state, call.f, call.input).output };
  }

  private reason(i: number, best: Best<State>): string {
    const legal = this.model.step(best.state, this.calls[i] as Call) !== undefined;
    const blocked = i === best.blocked;
    if (!legal) {
      const must = blocked ? "it must take effect before it completed, but " : "";
      return `${must}it cannot take effect in this state`;
    }
    return blocked
      ? "it could take effect here, but then no order of the rest is legal"
      : "taking effect here leaves no legal order for the rest";
  }

  private report(i: number): OperationReport {
    const op = this.ops[i] as Operation;
    const call = this.calls[i] as Call;
    const text = this.model.describe?.(call) ?? `${call.f}(${JSON.stringify(call.input)})`;
    return toReport(op, text);
  }
}

function toCall(op: Operation): Call {
  return { f: op.f, input: op.input, output: op.status === "ok" ? (op.output ?? null) : undefined };
}

export function toReport(op: Operation, text: string): OperationReport {
  const report: OperationReport = {
    id: op.id,
    process: op.process,
    f: op.f,
    input: op.input,
    status: op.status,
    invokeMicros: op.invokeMicros,
    text,
  };
  return {
    ...report,
    ...(op.status === "ok" ? { output: op.output ?? null } : {}),
    ...(op.status !== "info" && op.completeMicros !== undefined
      ? { completeMicros: op.completeMicros }
      : {}),
    ...(op.line !== undefined ? { line: op.line } : {}),
  };
}
