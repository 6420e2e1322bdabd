// The storage node of the fencing scenarios (gc-pause-split-brain, lease-clock-jump): a single
// register written by whoever believes it holds the lock. Unsafe, it is a plain register that
// ignores the token; safe, it is a FencedStore that refuses a token lower than one it accepted.
// Either way it logs every write that arrives, with its token, for the fencing check.

import { FencedStore } from "../../primitives/FencedStore.js";
import { StaleFencingTokenError } from "../../primitives/errors.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import type { FencedWrite } from "./FencedWriteLog.js";

export const FENCED_RESOURCE = "the-file";

export interface FencedWriteRequest {
  writer: string;
  token: number;
  value: string;
}

/** Replies `{ accepted }` to each `FencedWriteRequest` and appends it to `log`. */
export function fencedStorageNode(
  log: FencedWrite[],
  now: () => number,
  fenced: boolean,
): NodeFactory {
  return (ctx) => {
    const store = new FencedStore<string>();
    const plain = new Map<string, string>();
    return {
      onMessage(m) {
        const { writer, token, value } = m.body as FencedWriteRequest;
        let accepted = true;
        if (fenced) {
          try {
            store.write(FENCED_RESOURCE, value, token);
          } catch (error) {
            if (!(error instanceof StaleFencingTokenError)) throw error;
            accepted = false;
          }
        } else {
          plain.set(FENCED_RESOURCE, value); // the token is recorded for the checker, not looked at
        }
        log.push({ atMicros: now(), writer, token, accepted });
        ctx.reply(m, { accepted });
      },
    };
  };
}
