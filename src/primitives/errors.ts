// The operating errors the remedies raise. Each has a stable `code` and says, through `definite`,
// whether the operation it refused certainly did not take effect. All of these are refusals made
// before anything was changed, so all are definite.

import { MurphyError, show } from "../core/errors.js";

/** A write carried a fencing token lower than one the store already accepted for the resource. */
export class StaleFencingTokenError extends MurphyError {
  readonly code = "E_STALE_FENCING_TOKEN";
  readonly definite = true;

  constructor(
    readonly resource: string,
    readonly token: number,
    readonly highestAcceptedToken: number,
  ) {
    super(
      `write to ${show(resource)} refused: fencing token ${token} is lower than ${highestAcceptedToken}, ` +
        `already accepted; the writer's lease has been superseded, so it must stop and re-acquire`,
    );
  }
}

/** A request ID was reused with different parameters: the client has a bug, never retry this. */
export class RequestIdReuseError extends MurphyError {
  readonly code = "E_REQUEST_ID_REUSED";
  readonly definite = true;

  constructor(
    readonly requestId: string,
    readonly recordedFingerprint: string,
    readonly receivedFingerprint: string,
  ) {
    super(
      `request ID ${show(requestId)} was first used with parameters ${recordedFingerprint} and now ` +
        `with ${receivedFingerprint}; create a new request ID for each distinct operation and ` +
        `reuse it only for retries of that same operation`,
    );
  }
}

/** A remote hybrid-logical-clock timestamp is further ahead of our clock than the offset bound. */
export class ClockOffsetError extends MurphyError {
  readonly code = "E_CLOCK_OFFSET";
  readonly definite = true;

  constructor(
    readonly remoteWallMs: number,
    readonly localWallMs: number,
    readonly maxOffsetMs: number,
  ) {
    super(
      `remote timestamp at ${remoteWallMs} ms is ${remoteWallMs - localWallMs} ms ahead of the ` +
        `local clock (${localWallMs} ms), beyond maxOffsetMs = ${maxOffsetMs}; the message was ` +
        `rejected and the clock left unchanged; fix the sender's clock (NTP) or raise maxOffsetMs`,
    );
  }
}

/** The lease is no longer safely held by this process: stop acting as its holder. */
export class LeaseExpiredError extends MurphyError {
  readonly code = "E_LEASE_EXPIRED";
  readonly definite = true;

  constructor(
    readonly resource: string,
    readonly expiredByMs: number,
  ) {
    super(
      `lease on ${show(resource)} is no longer safely held (past its safe end by ${expiredByMs} ms); ` +
        `stop acting as holder and acquire it again`,
    );
  }
}

/** Someone else holds the lease. */
export class LeaseHeldError extends MurphyError {
  readonly code = "E_LEASE_HELD";
  readonly definite = true;

  constructor(
    readonly resource: string,
    readonly holder: string,
    readonly remainingMs: number,
  ) {
    super(
      `lease on ${show(resource)} is held by ${show(holder)} for another ${remainingMs} ms; ` +
        `retry after it expires or is released`,
    );
  }
}

/** A lock stayed held by someone else for as long as the caller was willing to wait. */
export class LockWaitTimeoutError extends MurphyError {
  readonly code = "E_LOCK_WAIT_TIMEOUT";

  constructor(
    readonly key: string,
    readonly holder: string | undefined,
    readonly waitedMs: number,
    /** False when an attempt's reply was lost: it may have taken the lock under our lease. */
    readonly definite: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      `lock ${show(key)} is still held${holder === undefined ? "" : ` by ${show(holder)}`} after ` +
        `waiting ${Math.round(waitedMs)} ms; wait longer (waitMs) or find out why the holder keeps it` +
        (definite
          ? ""
          : "; an attempt's reply was lost, so close the lease to drop the key in case it was taken"),
      options,
    );
  }
}
