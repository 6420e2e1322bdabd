// A world for the real runtime's tests: one server, `log`, keeps a set of values on its disk — each
// added value is written and synced before the server answers — and clients stream unique values
// into it, reading the whole set back every tenth call. If any acknowledged add is lost (a crash
// took a write that was not yet on disk), a later read misses it and the set is not linearizable.
// The `unsynced` variant answers before it syncs (and syncs only every 50 adds), so a SIGKILL loses
// acknowledged adds: the same check must catch it. The server also tells its clock's readings,
// for the clock-fault tests.
//
// The check is a direct one, linear in the history (long real runs record tens of thousands of
// calls): every read holds every add acknowledged before the read began, and nothing never added.
import { report, type CheckReport } from "../../src/check/CheckReport.js";
import { randomFaultSchedule } from "../../src/faults/index.js";
import { defineWorld } from "../../src/scenarios/defineWorld.js";
import type { NodeFactory } from "../../src/sim/NodeApi.js";
import type { HistoryRecorder } from "../../src/workload/HistoryRecorder.js";
import type { History } from "../../src/workload/Operation.js";

type Call = { t: "add"; value: string } | { t: "read" } | { t: "time" };

const server =
  (synced: boolean): NodeFactory =>
  (ctx) => {
    let unsynced = 0;
    return {
      onMessage(message) {
        const call = message.body as Call;
        if (call.t === "add") {
          ctx.storage.set(`v/${call.value}`, 1);
          if (synced || ++unsynced % 50 === 0) ctx.storage.sync();
          ctx.reply(message, "ok");
        } else if (call.t === "read") {
          ctx.reply(
            message,
            ctx.storage.keys().map((k) => k.slice(2)),
          );
        } else {
          ctx.reply(message, {
            wallMs: ctx.clock.wallMs(),
            monotonicMs: ctx.clock.monotonicMs(),
            incarnation: ctx.incarnation,
          });
        }
      },
    };
  };

/** A timeout, recognised by its code: this file may run against another copy of murphy. */
const isTimeout = (error: unknown) => (error as { code?: unknown })?.code === "E_TIMEOUT";

const client =
  (history: HistoryRecorder): NodeFactory =>
  (ctx) => ({
    async onStart() {
      for (let k = 1; ; k++) {
        await ctx.sleep(ctx.random.uniform(2, 8));
        const read = k % 10 === 0;
        const value = `${ctx.id}-${k}`;
        const op = read ? history.invoke(ctx.id, "read") : history.invoke(ctx.id, "add", value);
        try {
          const reply = await ctx.request<string[] | "ok">(
            "log",
            read ? { t: "read" } : { t: "add", value },
            { timeoutMs: 250 },
          );
          op.ok(read ? (reply as string[]) : null);
        } catch (error) {
          if (!isTimeout(error)) throw error;
          op.info("timeout");
          await ctx.sleep(20);
        }
      }
    },
  });

/** No acknowledged add is missing from a read that began after it; no read shows a stranger. */
export function noLostAdd(history: History): CheckReport {
  const acked = history
    .filter((op) => op.f === "add" && op.status === "ok")
    .sort((a, b) => a.completeMicros! - b.completeMicros!);
  const added = new Set(history.filter((op) => op.f === "add").map((op) => op.input as string));
  const reads = history
    .filter((op) => op.f === "read" && op.status === "ok")
    .sort((a, b) => a.invokeMicros - b.invokeMicros);
  const violations: { kind: string; message: string }[] = [];
  let known = 0;
  for (const read of reads) {
    while (known < acked.length && acked[known]!.completeMicros! < read.invokeMicros) known++;
    const seen = new Set(read.output as string[]);
    for (let i = 0; i < known && violations.length < 10; i++) {
      const value = acked[i]!.input as string;
      if (!seen.has(value)) {
        violations.push({
          kind: "lost-write",
          message: `add ${value}, acknowledged at ${acked[i]!.completeMicros} µs, is missing from the read begun at ${read.invokeMicros} µs`,
        });
      }
    }
    for (const value of seen) {
      if (!added.has(value)) {
        violations.push({ kind: "phantom", message: `read shows ${value}, which nobody added` });
      }
    }
  }
  const summary = `${acked.length} acknowledged adds, ${reads.length} reads`;
  return report("no-lost-add", violations, summary, reads.length === 0);
}

export default defineWorld({
  name: "durable-log",
  claim: "A value acknowledged after an fsync survives any crash of the process.",
  variants: [
    { name: "synced", description: "sync, then answer" },
    { name: "unsynced", description: "answer, sync every 50 adds", expectViolations: true },
  ],
  nodes: ({ variant, history }) => ({
    log: server(variant === "synced"),
    c1: client(history),
    c2: client(history),
  }),
  faults: ({ random, runForMs }) =>
    randomFaultSchedule(random("faults"), {
      nodes: ["log"],
      durationMs: runForMs,
      kinds: ["crash", "pause"],
      quietTailMs: 500,
    }).actions,
  simulation: { storage: { crashPolicy: "lose-all" } },
  runForMs: 3_000,
  checks: { durable: ({ history }) => noLostAdd(history) },
  real: { clients: ["c1", "c2"] },
});
