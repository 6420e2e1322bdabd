// The chapter's fencing story against a real etcd: a client paused with SIGSTOP past its lease
// wakes and writes after another took the lock. The fenced variant refuses every stale write; the
// unfenced one accepts it over the newer write. The figures are printed; no process is left.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatFencingStory, runFencingStory } from "./fencingStory.js";
import { alive } from "../../../test/leftovers.js";

describe("the fencing story on real etcd", () => {
  it("shows that fencing with the lock's create revision refuses every stale write, and that without it the store is corrupted", async () => {
    const lines: string[] = [];
    const result = await runFencingStory({ rounds: 2, log: (line) => lines.push(line) });
    for (const line of [...lines, ...formatFencingStory(result)]) console.log(line);
    const [unfenced, fenced] = result.variants;
    expect(unfenced!.variant).toBe("unfenced");
    expect(fenced!.variant).toBe("fenced");
    for (const round of [...unfenced!.rounds, ...fenced!.rounds]) {
      expect(round.tokenNew).toBeGreaterThan(round.tokenPaused);
    }
    expect(fenced!.rounds.every((r) => !r.staleWriteAccepted && r.fencingViolations === 0)).toBe(
      true,
    );
    expect(fenced!.rounds.some((r) => r.corrupted)).toBe(false);
    expect(unfenced!.rounds.filter((r) => r.corrupted).length).toBeGreaterThanOrEqual(1);
    expect(unfenced!.rounds.filter((r) => r.fencingViolations > 0).length).toBeGreaterThanOrEqual(
      1,
    );
    expect(result.exitCode).toBe(0);
    // Nothing the story started is left: the paused clients, the etcd members, their data.
    const pids = [
      ...result.started.etcdPids,
      ...result.variants.flatMap((v) => v.rounds.map((r) => r.pausedClientPid!)),
    ];
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(result.started.etcdDir!)).toBe(false);
  });
});
