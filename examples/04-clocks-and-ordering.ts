// 04 — Last write wins, by whose clock? A causally later write is silently lost to clock skew.
//
// A register is replicated on r1 and r2; each replica keeps the write with the largest timestamp
// and forwards every write to the other. r2's wall clock runs 100 ms behind r1's (NTP keeps clocks
// within tens of ms at best). A client writes "first" to r1, reads it back, then writes "second"
// to r2: "second" happened after "first", and the client knows it. Stamped by r2's wall clock,
// "second" looks 80 ms older, so both replicas keep "first" — after r2 acknowledged "second".
// With a hybrid logical clock the client hands r2 the timestamp it read, r2 stamps its write
// above it, and "second" wins. Only where the timestamps come from differs between the two runs.
//
//   npm run build && node dist/examples/04-clocks-and-ordering.js

import { compareHlc, HybridLogicalClock, Simulation, type NodeFactory } from "../src/index.js";
import { runIfMain } from "./run.js";

/** A write's timestamp: wall-clock ms with logical 0, or a hybrid logical clock's stamp. */
type Stamp = ReturnType<HybridLogicalClock["now"]>;
interface Version {
  value: string;
  stamp: Stamp;
}
type Request =
  | { type: "read" }
  | { type: "write"; value: string; context?: Stamp }
  | { type: "replicate"; version: Version };

function replica(useHlc: boolean): NodeFactory {
  return (ctx) => {
    const hlc = new HybridLogicalClock({ clock: ctx.clock });
    let current: Version = { value: "(empty)", stamp: { wallMs: 0, logical: 0 } };
    const apply = (version: Version) => {
      if (compareHlc(version.stamp, current.stamp) > 0) current = version;
    };
    return {
      onMessage(message) {
        const body = message.body as Request;
        if (body.type === "read") return ctx.reply(message, current);
        if (body.type === "replicate") {
          if (useHlc) hlc.receive(body.version.stamp);
          return apply(body.version);
        }
        const stamp: Stamp = !useHlc
          ? { wallMs: ctx.clock.wallMs(), logical: 0 }
          : body.context === undefined
            ? hlc.now()
            : hlc.receive(body.context); // above the client's context and all this replica saw
        const version = { value: body.value, stamp };
        apply(version);
        ctx.send(ctx.id === "r1" ? "r2" : "r1", { type: "replicate", version });
        ctx.reply(message, version); // acknowledged, whether or not it won
      },
    };
  };
}

/** Records what the client saw: its two writes' acknowledgements, then each replica's value. */
function client(seen: Version[]): NodeFactory {
  return (ctx) => ({
    async onStart() {
      const call = (to: string, body: Request) =>
        ctx.request<Version>(to, body, { timeoutMs: 500 });
      seen.push(await call("r1", { type: "write", value: "first" }));
      const read = await call("r1", { type: "read" }); // the client now knows "first"...
      // ...so "second" happens after it, and carries the timestamp it read as its context.
      seen.push(await call("r2", { type: "write", value: "second", context: read.stamp }));
      await ctx.sleep(100); // replication settles
      seen.push(await call("r1", { type: "read" }), await call("r2", { type: "read" }));
    },
  });
}

/** Time of day (UTC) to the millisecond, then the logical counter for an HLC stamp. */
function format(stamp: Stamp, useHlc: boolean): string {
  const time = new Date(stamp.wallMs).toISOString().slice(11, 23);
  return useHlc ? `${time} +${stamp.logical}` : time;
}

export async function main(): Promise<string[]> {
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd([12, 18, 18, 10, 10][i] ?? 0));
  const lines: string[][] = [
    row(["stamps", '"first" on r1', '"second" on r2', "r1 holds", "r2 holds", "the later write"]),
  ];
  for (const useHlc of [false, true]) {
    const seen: Version[] = [];
    const sim = new Simulation({
      seed: 4,
      nodes: [
        { id: "r1", factory: replica(useHlc), clock: { initialOffsetMs: 0 } },
        { id: "r2", factory: replica(useHlc), clock: { initialOffsetMs: -100 } },
        { id: "client", factory: client(seen) },
      ],
      network: { latency: { kind: "constant", ms: 5 } },
    });
    await sim.run();
    const [first, second, atR1, atR2] = seen as [Version, Version, Version, Version];
    const kept = atR1.value === "second" && atR2.value === "second";
    const verdict = kept ? "kept" : "lost, though r2 acknowledged it";
    const stamps = [format(first.stamp, useHlc), format(second.stamp, useHlc)];
    lines.push(row([useHlc ? "HLC" : "wall clock", ...stamps, atR1.value, atR2.value, verdict]));
  }
  return lines.map((cells) => cells.join("").trimEnd());
}

runIfMain(import.meta.url, main);
