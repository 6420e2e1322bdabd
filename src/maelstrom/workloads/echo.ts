// Echo: a client sends `echo` with a payload and must get `echo_ok` with the same payload back.
// The property `echo` fails on any reply whose payload differs from what was sent.

import { showValue, valuesEqual, type Value } from "../../workload/Value.js";
import { okType, unexpectedReply, type Workload } from "./Workload.js";

export const echoWorkload: Workload = {
  name: "echo",
  properties: () => ["echo"],
  start() {
    let n = 0;
    return {
      client: () => ({
        next: () => {
          const echo = `Please echo ${n++}`;
          return { f: "echo", input: echo, body: { type: "echo", echo } };
        },
        complete: (op, reply) => {
          if (reply.type === "error") return undefined;
          if (reply.type !== okType(op)) return unexpectedReply(op, reply);
          return { status: "ok", output: (reply.echo ?? null) as Value };
        },
      }),
      check(history) {
        const ok = history.filter((op) => op.f === "echo" && op.status === "ok");
        const wrong = ok.filter((op) => !valuesEqual(op.input, op.output ?? null));
        return {
          properties: {
            echo: {
              verdict: wrong.length === 0 ? "held" : "violated",
              summary:
                wrong.length === 0
                  ? `all ${ok.length} echoes came back unchanged`
                  : `${wrong.length} of ${ok.length} echoes came back changed`,
              details: wrong
                .slice(0, 10)
                .map(
                  (op) => `sent ${showValue(op.input)}, got back ${showValue(op.output ?? null)}`,
                ),
            },
          },
          figures: {},
        };
      },
    };
  },
};
