// Shows what a server's disk keeps: term, vote and log survive a crash once synced; under the
// `forget-vote` bug the vote does not; and whatever pieces of an unsynced append or truncation a
// crash leaves behind, recovery reads back a log whose entries chain, with every synced entry.
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/Rng.js";
import { StableStorage } from "../../storage/StableStorage.js";
import type { LogEntry } from "./RaftCommands.js";
import { RaftLog } from "./RaftLog.js";
import { RaftStateMachine } from "./RaftStateMachine.js";

const entry = (term: number, seq: number): LogEntry => ({
  term,
  command: { client: "c", seq, op: { f: "put", key: "k", value: seq } },
});

const terms = (log: RaftLog) => Array.from({ length: log.lastIndex }, (_, i) => log.termAt(i + 1));

describe("RaftLog", () => {
  it("reads back term, vote and log after a crash, once they were synced", () => {
    const disk = new StableStorage("lose-all");
    const log = new RaftLog(disk, { persistVote: true });
    log.setTermAndVote(3, "n2");
    log.append(entry(1, 1));
    log.append(entry(3, 2));
    log.sync();
    log.append(entry(3, 3)); // never synced: a power cut takes it
    disk.crash(Rng.fromSeed(1));
    const recovered = new RaftLog(disk, { persistVote: true });
    expect([recovered.term, recovered.vote, terms(recovered)]).toEqual([3, "n2", [1, 3]]);
  });

  it("forgets the vote (but not the term) under the forget-vote bug", () => {
    const disk = new StableStorage();
    new RaftLog(disk, { persistVote: false }).setTermAndVote(5, "n1");
    const recovered = new RaftLog(disk, { persistVote: false });
    expect([recovered.term, recovered.vote]).toEqual([5, undefined]);
  });

  it("recovers a chained log with every synced entry whatever subset of an unsynced truncation survives", () => {
    for (let seed = 0; seed < 200; seed++) {
      const disk = new StableStorage("random-subset");
      const log = new RaftLog(disk, { persistVote: true });
      for (const [i, t] of [1, 1, 2, 2, 2].entries()) log.append(entry(t, i + 1));
      log.setTermAndVote(4, undefined); // syncs the five entries
      // A new leader's entries replace the suffix from index 3, unsynced.
      log.truncateFrom(3);
      log.append(entry(4, 10));
      log.append(entry(4, 11));
      disk.crash(Rng.fromSeed(seed));
      const recovered = terms(new RaftLog(disk, { persistVote: true }));
      expect(recovered.slice(0, 2)).toEqual([1, 1]);
      // What is left is one of the two histories' prefixes, never a mix of both.
      const old = [1, 1, 2, 2, 2];
      const replaced = [1, 1, 4, 4];
      const isPrefix = (of: number[]) => recovered.every((t, i) => of[i] === t);
      expect(isPrefix(old) || isPrefix(replaced), `seed ${seed}: ${recovered}`).toBe(true);
    }
  });

  it("recovers a chained log with every synced entry whatever subset of an unsynced truncation across segments survives", () => {
    for (let seed = 0; seed < 200; seed++) {
      const disk = new StableStorage("random-subset");
      const log = new RaftLog(disk, { persistVote: true });
      for (let i = 1; i <= 70; i++) log.append(entry(1, i)); // three segments
      log.sync();
      log.truncateFrom(20);
      for (let i = 20; i <= 50; i++) log.append(entry(2, i)); // the first segment's end on disk
      disk.crash(Rng.fromSeed(seed));
      const recovered = terms(new RaftLog(disk, { persistVote: true }));
      expect(recovered.length).toBeGreaterThanOrEqual(19);
      const old = Array.from({ length: 70 }, () => 1);
      const replaced = [
        ...Array.from({ length: 19 }, () => 1),
        ...Array.from({ length: 31 }, () => 2),
      ];
      const isPrefix = (of: number[]) => recovered.every((t, i) => of[i] === t);
      expect(isPrefix(old) || isPrefix(replaced), `seed ${seed}: ${recovered}`).toBe(true);
    }
  });

  it("compacts applied entries into a snapshot that recovery starts from, and installs a leader's snapshot", () => {
    const disk = new StableStorage("lose-all");
    const log = new RaftLog(disk, { persistVote: true });
    for (let i = 1; i <= 70; i++) log.append(entry(i <= 66 ? 1 : 2, i));
    log.sync();
    const state = new RaftStateMachine().snapshot();
    log.compact({ index: 67, term: 2, state });
    expect([log.snapshotIndex, log.lastIndex, log.termAt(68), log.termAt(66)]).toEqual([
      67, 70, 2, -2,
    ]);
    disk.crash(Rng.fromSeed(1));
    const recovered = new RaftLog(disk, { persistVote: true });
    expect([recovered.snapshotIndex, recovered.lastIndex, recovered.termAt(70)]).toEqual([
      67, 70, 2,
    ]);
    // Only the segment of indexes 65 to 96 is left: the two before it were inside the snapshot.
    expect(disk.keys().filter((k) => k.startsWith("raft/log/"))).toEqual(["raft/log/2"]);
    // A leader's snapshot that this log does not continue replaces all of it.
    recovered.install({ index: 99, term: 5, state });
    expect([recovered.snapshotIndex, recovered.lastIndex, recovered.lastTerm]).toEqual([99, 99, 5]);
    expect(disk.keys().filter((k) => k.startsWith("raft/log/"))).toEqual([]);
    recovered.append(entry(5, 100));
    recovered.sync();
    disk.crash(Rng.fromSeed(1));
    expect(terms(new RaftLog(disk, { persistVote: true })).slice(99)).toEqual([5]);
  });
});
