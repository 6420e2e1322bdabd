// Shows the replicated state machine's rules: a retried command applies once, a lock's token is the
// log index of its grant, and only the grant that holds a lock can renew, release or expire it.
import { describe, expect, it } from "vitest";
import { RaftStateMachine } from "./RaftStateMachine.js";
import type { RaftCommand, RaftOperation } from "./RaftCommands.js";

const cmd = (client: string, seq: number, op: RaftOperation): RaftCommand => ({ client, seq, op });

describe("RaftStateMachine", () => {
  it("applies a command once however many copies of it reach the log, and forgets nothing older", () => {
    const sm = new RaftStateMachine();
    expect(sm.apply(1, cmd("c1", 1, { f: "put", key: "x", value: 1 }))).toEqual({
      result: { f: "put" },
      duplicate: false,
    });
    // A retry appended again by another leader: same result, no second effect.
    expect(sm.apply(2, cmd("c1", 1, { f: "put", key: "x", value: 1 })).duplicate).toBe(true);
    sm.apply(3, cmd("c2", 1, { f: "put", key: "x", value: 2 }));
    sm.apply(4, cmd("c1", 1, { f: "put", key: "x", value: 1 })); // a very late copy
    expect(sm.read("x")).toBe(2);
    // A command older than the client's last has no result for anyone: its client moved on.
    sm.apply(5, cmd("c1", 2, { f: "get", key: "x" }));
    expect(sm.apply(6, cmd("c1", 1, { f: "put", key: "x", value: 1 }))).toEqual({
      result: undefined,
      duplicate: true,
    });
    expect(sm.resultOf("c1", 2)).toEqual({ f: "get", value: 2 });
  });

  it("grants a free lock with the log index as its token, refuses it while held, and frees it on release or expiry of the same grant", () => {
    const sm = new RaftStateMachine();
    const acquire: RaftOperation = { f: "acquire", name: "L", ttlMs: 100 };
    expect(sm.apply(1, cmd("a", 1, acquire)).result).toEqual({
      f: "acquire",
      token: 1,
      ttlMs: 100,
    });
    expect(sm.apply(2, cmd("b", 1, acquire)).result).toEqual({ f: "acquire", heldBy: "a" });
    expect(sm.apply(3, cmd("b", 2, { f: "release", name: "L", token: 1 })).result).toEqual({
      f: "release",
      released: false, // only the holder releases
    });
    expect(
      sm.apply(4, cmd("a", 2, { f: "renew", name: "L", token: 1, ttlMs: 100 })).result,
    ).toEqual({
      f: "renew",
      renewed: true,
    });
    // An expiry decided before the renewal at index 4 no longer applies.
    expect(sm.apply(5, cmd("", 0, { f: "expire", name: "L", token: 1, since: 1 })).result).toEqual({
      f: "expire",
      expired: false,
    });
    expect(sm.apply(6, cmd("", 0, { f: "expire", name: "L", token: 1, since: 4 })).result).toEqual({
      f: "expire",
      expired: true,
    });
    expect(sm.apply(7, cmd("b", 3, acquire)).result).toEqual({
      f: "acquire",
      token: 7,
      ttlMs: 100,
    });
    expect(sm.lastToken).toBe(7);
    expect(sm.heldLocks()).toEqual([["L", { holder: "b", token: 7, ttlMs: 100, since: 7 }]]);
  });

  it("refuses to apply out of order: the log is applied one index after another", () => {
    const sm = new RaftStateMachine();
    expect(() => sm.apply(2, cmd("c", 1, { f: "get", key: "x" }))).toThrow(/applied 2 after 0/);
  });
});
