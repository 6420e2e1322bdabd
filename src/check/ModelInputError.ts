// Raised before a search starts when an operation is not one the model understands, naming the
// operation (and its line, when it came from a file) and what the model expected.

import { MurphyError, show } from "../core/errors.js";
import type { Operation } from "../workload/Operation.js";

export class ModelInputError extends MurphyError {
  readonly code = "E_MODEL_INPUT";
  readonly definite = true;
  readonly operationId: number;
  readonly expected: string;

  constructor(model: string, op: Operation, expected: string) {
    const where = op.line !== undefined ? `line ${op.line}` : `operation ${op.id}`;
    const seen = `${op.f}(${show(op.input)})${op.status === "ok" ? ` → ${show(op.output)}` : ""}`;
    super(
      `${where}: the ${model} model expected ${expected}, got ${seen}; ` +
        "check the --model matches the history",
    );
    this.operationId = op.id;
    this.expected = expected;
  }
}
