// The replicated state machine: a key-value map and a table of locks, plus one session per client
// for exactly-once execution. Every server applies the same committed commands in log order, so
// every server's state machine goes through the same states: nothing here reads a clock or a
// random stream. (That is why it does not use the DedupTable primitive, whose entries expire on
// each replica's own clock: replicas would disagree about which retries to apply.)
//
// Sessions: a client has at most one command in flight and numbers them 1, 2, 3…; the session
// keeps the last number applied and its result. A copy of that command (a retry that was appended
// twice) gets the recorded result back and changes nothing; an older number is ignored — its
// client already gave up on it and moved on, so it may never take effect.
//
// Locks: a grant's fencing token is the log index of the acquire that granted it, so tokens
// strictly increase with every grant, on every server, across leader changes. Expiry is not
// decided here (it would need a clock): the leader tracks lease ends on its monotonic clock and
// proposes an `expire` command, which frees the lock only if the same grant still holds it.

import { assert } from "../../core/assert.js";
import type { KvValue, RaftCommand, RaftResult } from "./RaftCommands.js";

export interface HeldLock {
  readonly holder: string;
  readonly token: number;
  readonly ttlMs: number;
  /** The log index of the acquire or renew that last set this lease. */
  readonly since: number;
}

interface Session {
  seq: number;
  result: RaftResult;
}

/** The whole state, as plain data, for a snapshot: restoring it gives an equal state machine. */
export interface StateMachineSnapshot {
  readonly appliedIndex: number;
  readonly highestToken: number;
  readonly kv: [string, KvValue][];
  readonly locks: [string, HeldLock][];
  readonly sessions: [string, { seq: number; result: RaftResult }][];
}

export interface Applied {
  /** Undefined for a command older than its client's last: no one waits for it any more. */
  readonly result: RaftResult | undefined;
  /** True when the command was a copy of one already applied (or older): nothing changed. */
  readonly duplicate: boolean;
}

export class RaftStateMachine {
  private readonly kv = new Map<string, KvValue>();
  private readonly locks = new Map<string, HeldLock>();
  private readonly sessions = new Map<string, Session>();
  private highestToken = 0;
  private lastIndex = 0;

  /** The state after the last applied index, for a snapshot. */
  snapshot(): StateMachineSnapshot {
    return {
      appliedIndex: this.lastIndex,
      highestToken: this.highestToken,
      kv: [...this.kv],
      locks: [...this.locks],
      sessions: [...this.sessions].map(([client, s]) => [client, { seq: s.seq, result: s.result }]),
    };
  }

  static restore(snapshot: StateMachineSnapshot): RaftStateMachine {
    const sm = new RaftStateMachine();
    sm.lastIndex = snapshot.appliedIndex;
    sm.highestToken = snapshot.highestToken;
    for (const [key, value] of snapshot.kv) sm.kv.set(key, value);
    for (const [name, held] of snapshot.locks) sm.locks.set(name, held);
    for (const [client, s] of snapshot.sessions) sm.sessions.set(client, { ...s });
    return sm;
  }

  /** Applies the command at log `index`; indexes must come in order, each once. */
  apply(index: number, command: RaftCommand): Applied {
    assert(index === this.lastIndex + 1, () => `applied ${index} after ${this.lastIndex}`);
    this.lastIndex = index;
    const session = command.client === "" ? undefined : this.sessions.get(command.client);
    if (session !== undefined && command.seq <= session.seq) {
      const result = command.seq === session.seq ? session.result : undefined;
      return { result, duplicate: true };
    }
    const result = this.execute(index, command);
    if (session !== undefined) {
      session.seq = command.seq;
      session.result = result;
    } else if (command.client !== "") {
      this.sessions.set(command.client, { seq: command.seq, result });
    }
    return { result, duplicate: false };
  }

  /** The result a client's command got, if it is the last one applied for that client. */
  resultOf(client: string, seq: number): RaftResult | undefined {
    const session = this.sessions.get(client);
    return session !== undefined && session.seq === seq ? session.result : undefined;
  }

  get appliedIndex(): number {
    return this.lastIndex;
  }

  read(key: string): KvValue {
    return this.kv.get(key) ?? null;
  }

  lock(name: string): HeldLock | undefined {
    return this.locks.get(name);
  }

  /** Every held lock, by name in sorted order (for a new leader's lease table). */
  heldLocks(): [string, HeldLock][] {
    return [...this.locks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The largest token granted so far. */
  get lastToken(): number {
    return this.highestToken;
  }

  private execute(index: number, command: RaftCommand): RaftResult {
    const op = command.op;
    switch (op.f) {
      case "noop":
        return { f: "noop" };
      case "get":
        return { f: "get", value: this.read(op.key) };
      case "put":
        this.kv.set(op.key, op.value);
        return { f: "put" };
      case "acquire": {
        const held = this.locks.get(op.name);
        if (held !== undefined && held.holder !== command.client) {
          return { f: "acquire", heldBy: held.holder };
        }
        // A buggy leader stamps its own token; a correct one leaves it to the log index.
        const token = op.token ?? index;
        if (op.token === undefined) {
          assert(token > this.highestToken, () => `token ${token} after ${this.highestToken}`);
        }
        this.highestToken = Math.max(this.highestToken, token);
        this.locks.set(op.name, { holder: command.client, token, ttlMs: op.ttlMs, since: index });
        return { f: "acquire", token, ttlMs: op.ttlMs };
      }
      case "renew": {
        const held = this.locks.get(op.name);
        const renewed = held?.token === op.token && held.holder === command.client;
        if (renewed) this.locks.set(op.name, { ...held, ttlMs: op.ttlMs, since: index });
        return { f: "renew", renewed };
      }
      case "release": {
        const held = this.locks.get(op.name);
        const released = held?.token === op.token && held.holder === command.client;
        if (released) this.locks.delete(op.name);
        return { f: "release", released };
      }
      case "expire": {
        const held = this.locks.get(op.name);
        const expired = held?.token === op.token && held.since === op.since;
        if (expired) this.locks.delete(op.name);
        return { f: "expire", expired };
      }
    }
  }
}
