// Maelstrom's error codes, from its protocol documentation. An error reply is
// `{"type":"error","code","text","in_reply_to"}`. A *definite* error says the operation certainly
// did not happen; an *indefinite* one (timeout, crash) says it may have, so a client records it as
// `info` and the checkers keep it open. Codes below 1000 that are not in the table are reserved;
// codes from 1000 on are the node's own and, not being known to be definite, count as indefinite.

import { MurphyError } from "../../core/errors.js";

export interface ErrorCodeInfo {
  readonly name: string;
  readonly definite: boolean;
}

export const MAELSTROM_ERRORS: Readonly<Record<number, ErrorCodeInfo>> = {
  0: { name: "timeout", definite: false },
  1: { name: "node-not-found", definite: true },
  10: { name: "not-supported", definite: true },
  11: { name: "temporarily-unavailable", definite: true },
  12: { name: "malformed-request", definite: true },
  13: { name: "crash", definite: false },
  14: { name: "abort", definite: true },
  20: { name: "key-does-not-exist", definite: true },
  21: { name: "key-already-exists", definite: true },
  22: { name: "precondition-failed", definite: true },
  30: { name: "txn-conflict", definite: true },
};

/** True when the code says the operation certainly did not take effect. */
export function isDefiniteError(code: number): boolean {
  return MAELSTROM_ERRORS[code]?.definite ?? false;
}

/** "22 precondition-failed", or "1003" for a node's own code. */
export function describeErrorCode(code: number): string {
  const info = MAELSTROM_ERRORS[code];
  return info === undefined ? String(code) : `${code} ${info.name}`;
}

/** An error reply to a request made through the adapter's `ctx.request`. */
export class MaelstromRpcError extends MurphyError {
  readonly code = "E_MAELSTROM_RPC";
  readonly definite: boolean;

  constructor(
    readonly errorCode: number,
    readonly text: string,
    readonly from: string,
  ) {
    super(`${from} answered error ${describeErrorCode(errorCode)}${text ? `: ${text}` : ""}`);
    this.definite = isDefiniteError(errorCode);
  }
}

/** The body of an error reply. */
export function errorBody(code: number, text: string, inReplyTo?: number) {
  return inReplyTo === undefined
    ? { type: "error", code, text }
    : { type: "error", code, text, in_reply_to: inReplyTo };
}
