// The fast checker against the brute-force reference, on thousands of small random histories:
// linearizable ones generated from a real sequential execution, and mutated ones that may or may
// not still be. Any disagreement is a bug in one of them; fast-check shrinks it to a small case.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../core/Rng.js";
import type { History, Operation } from "../workload/Operation.js";
import type { Value } from "../workload/Value.js";
import { checkLinearizability } from "./checkLinearizability.js";
import { generateHistory } from "./generateHistory.js";
import type { SequentialModel } from "./Model.js";
import { builtInModels, type BuiltInModelName } from "./models/builtInModels.js";
import { referenceLinearizable } from "./referenceLinearizable.js";

const names = Object.keys(builtInModels) as BuiltInModelName[];
/** Raise for a deeper search: `MURPHY_DIFFERENTIAL_RUNS=100000 npx vitest run ...`. */
const RUNS = Number(process.env.MURPHY_DIFFERENTIAL_RUNS ?? 3000);

const params = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  model: fc.constantFrom(...names),
  operations: fc.integer({ min: 1, max: 8 }),
  clients: fc.integer({ min: 1, max: 4 }),
  latency: fc.integer({ min: 0, max: 6 }),
});

type Params = typeof params extends fc.Arbitrary<infer T> ? T : never;

function generate(p: Params) {
  const model = builtInModels[p.model] as unknown as SequentialModel<unknown>;
  const history = generateHistory({
    model,
    rng: Rng.fromSeed(p.seed).derive("history"),
    operations: p.operations,
    clients: p.clients,
    keys: 2,
    latencyMicrosMax: p.latency,
    infoProbability: 0.2,
    failProbability: 0.1,
  });
  return { model, history };
}

/** Changes one thing: an output, an outcome, or an interval. */
function mutate(history: History, model: SequentialModel<unknown>, rng: Rng): History {
  const ops = [...history];
  const i = rng.int(ops.length);
  const op = ops[i] as Operation;
  const kind = rng.int(4);
  if (kind === 0 && op.status === "ok") ops[i] = { ...op, output: perturb(op.output ?? null, rng) };
  else if (kind === 1) ops[i] = { ...op, status: "info", output: undefined };
  else if (kind === 2 && op.status !== "ok") {
    // An output of the right shape: what the call returns from the initial state, maybe perturbed.
    const output = model.apply(model.init(), op.f, op.input).output;
    ops[i] = { ...op, status: "ok", output: rng.chance(0.5) ? output : perturb(output, rng) };
  } else {
    const shift = rng.intBetween(-4, 4);
    const invokeMicros = Math.max(0, op.invokeMicros + shift);
    const completeMicros = Math.max(invokeMicros, (op.completeMicros ?? 0) + shift);
    ops[i] = { ...op, invokeMicros, completeMicros };
  }
  return ops;
}

function perturb(value: Value, rng: Rng): Value {
  if (typeof value === "boolean") return !value;
  if (typeof value === "number") return value + rng.intBetween(-1, 1) || value + 1;
  if (typeof value === "string") return rng.chance(0.5) ? "" : value + "x";
  if (Array.isArray(value)) return rng.chance(0.5) ? value.slice(1) : [...value, rng.int(4)];
  return rng.int(4);
}

describe("checkLinearizability agrees with the brute-force reference", () => {
  it("shows that generated histories are linearizable by both checkers", () => {
    fc.assert(
      fc.property(params, (p) => {
        const { model, history } = generate(p);
        expect(referenceLinearizable(history, model)).toBe(true);
        expect(checkLinearizability(history, model).verdict).toBe("ok");
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it("shows that on mutated histories the verdicts agree, both ways", () => {
    let illegal = 0;
    fc.assert(
      fc.property(params, fc.integer({ min: 1, max: 3 }), (p, mutations) => {
        const { model, history } = generate(p);
        const rng = Rng.fromSeed(p.seed).derive("mutation");
        let mutated = history;
        for (let k = 0; k < mutations; k++) mutated = mutate(mutated, model, rng);
        const expected = referenceLinearizable(mutated, model);
        if (!expected) illegal++;
        expect(checkLinearizability(mutated, model).verdict).toBe(expected ? "ok" : "illegal");
      }),
      { numRuns: RUNS },
    );
    // The mutations must actually produce violations, or the test shows nothing.
    expect(illegal).toBeGreaterThan(RUNS / 10);
  });

  it("shows that with many concurrent reads and writes (reads forced anywhere among the candidates) the verdicts agree", () => {
    const wide = fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      model: fc.constantFrom<BuiltInModelName>("register", "cas-kv", "kv", "set"),
      operations: fc.integer({ min: 6, max: 10 }),
      clients: fc.integer({ min: 4, max: 8 }),
      latency: fc.integer({ min: 4, max: 12 }),
    });
    fc.assert(
      fc.property(wide, fc.integer({ min: 0, max: 2 }), (p, mutations) => {
        const { model, history } = generate(p);
        const rng = Rng.fromSeed(p.seed).derive("mutation");
        let mutated = history;
        for (let k = 0; k < mutations; k++) mutated = mutate(mutated, model, rng);
        const expected = referenceLinearizable(mutated, model);
        expect(checkLinearizability(mutated, model).verdict).toBe(expected ? "ok" : "illegal");
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
