// Generates histories that are linearizable by construction, for tests and benchmarks: clients run
// calls one after another with random latencies; every call that takes effect gets an instant
// inside its interval, and a real sequential execution of the model in the order of those
// instants supplies the outputs. Some calls end as `info` (they took effect, or not, and the
// client never learned) and some as `fail` (they never took effect).

import type { Rng } from "../core/Rng.js";
import type { History, Operation } from "../workload/Operation.js";
import type { Value } from "../workload/Value.js";
import type { SequentialModel } from "./Model.js";

export interface GenerateHistoryOptions<State> {
  readonly model: SequentialModel<State>;
  readonly rng: Rng;
  readonly operations: number;
  readonly clients: number;
  /** Draws the next call. Defaults to the built-in generator for the model's name. */
  readonly nextCall?: (rng: Rng) => { f: string; input: Value };
  /** Keys for the kv model's calls. Default 10. */
  readonly keys?: number;
  /** Time from invocation to taking effect, and from there to the return, drawn in [0, max]. */
  readonly latencyMicrosMax?: number;
  readonly infoProbability?: number;
  readonly failProbability?: number;
}

interface Planned {
  op: Omit<Operation, "status" | "output" | "completeMicros">;
  status: Operation["status"];
  completeMicros: number | undefined;
  /** When it takes effect; undefined if it never does. */
  effectMicros: number | undefined;
  output?: Value;
}

export function generateHistory<State>(options: GenerateHistoryOptions<State>): History {
  const { model, rng, operations, clients } = options;
  const nextCall = options.nextCall ?? randomCallFor(model.name, options.keys ?? 10);
  const latency = options.latencyMicrosMax ?? 10;
  const infoP = options.infoProbability ?? 0;
  const failP = options.failProbability ?? 0;
  const clock = Array.from({ length: clients }, () => rng.int(latency + 1));
  const planned: Planned[] = [];
  for (let k = 0; k < operations; k++) {
    const client = rng.int(clients);
    const invokeMicros = clock[client] as number;
    const effect = invokeMicros + rng.int(latency + 1);
    const returnMicros = effect + rng.int(latency + 1);
    const { f, input } = nextCall(rng);
    const roll = rng.float();
    const status = roll < failP ? "fail" : roll < failP + infoP ? "info" : "ok";
    const takesEffect = status === "ok" || (status === "info" && rng.chance(0.5));
    planned.push({
      op: { id: k, process: client, f, input, invokeMicros },
      status,
      completeMicros: returnMicros,
      // An info call may take effect long after the client gave up.
      effectMicros: !takesEffect
        ? undefined
        : status === "info"
          ? invokeMicros + rng.int(8 * latency + 1)
          : effect,
    });
    clock[client] = returnMicros + rng.int(latency + 1);
  }
  const effective = planned.filter((p) => p.effectMicros !== undefined);
  effective.sort(
    (a, b) => (a.effectMicros as number) - (b.effectMicros as number) || a.op.id - b.op.id,
  );
  let state = model.init();
  for (const p of effective) {
    const result = model.apply(state, p.op.f, p.op.input);
    state = result.state;
    p.output = result.output;
  }
  planned.sort((a, b) => a.op.invokeMicros - b.op.invokeMicros || a.op.id - b.op.id);
  return planned.map((p, id): Operation => ({
    ...p.op,
    id,
    status: p.status,
    output: p.status === "ok" ? (p.output ?? null) : undefined,
    completeMicros: p.completeMicros,
  }));
}

/** Random calls for a built-in model over small value domains, so that calls interact. */
export function randomCallFor(
  modelName: string,
  keys = 10,
): (rng: Rng) => { f: string; input: Value } {
  switch (modelName) {
    case "register":
      return (rng) => {
        const f = rng.pick(["read", "write", "write", "cas"]);
        if (f === "read") return { f, input: null };
        if (f === "write") return { f, input: rng.int(5) };
        return { f, input: [rng.chance(0.2) ? null : rng.int(5), rng.int(5)] };
      };
    case "kv":
      return (rng): { f: string; input: Value } => {
        const key = String(rng.int(keys));
        const f = rng.pick(["get", "get", "put", "append"]);
        return f === "get"
          ? { f, input: { key } }
          : { f, input: { key, value: `x${rng.int(1000)}` } };
      };
    case "set":
      return (rng) => {
        const f = rng.pick(["add", "add", "remove", "read"]);
        return { f, input: f === "read" ? null : rng.int(4) };
      };
    case "queue":
      return (rng) =>
        rng.chance(0.5) ? { f: "enqueue", input: rng.int(100) } : { f: "dequeue", input: null };
    case "counter":
      return (rng) =>
        rng.chance(0.5) ? { f: "add", input: rng.int(3) + 1 } : { f: "read", input: null };
    case "cas-kv":
      return (rng): { f: string; input: Value } => {
        const key = String(rng.int(keys));
        const f = rng.pick(["read", "write", "write", "cas"]);
        if (f === "read") return { f, input: { key } };
        if (f === "write") return { f, input: { key, value: rng.int(5) } };
        return { f, input: { key, from: rng.chance(0.2) ? null : rng.int(5), to: rng.int(5) } };
      };
    default:
      throw new RangeError(`no built-in call generator for model ${JSON.stringify(modelName)}`);
  }
}
