import { describe, expect, it } from "vitest";
import { AssertionError } from "../core/assert.js";
import { HistoryFullError, HistoryRecorder } from "./HistoryRecorder.js";

function recorderAt(times: number[]) {
  let i = 0;
  return new HistoryRecorder({ nowMicros: () => times[Math.min(i++, times.length - 1)] as number });
}

describe("HistoryRecorder", () => {
  it("shows that invoke/ok/fail/info record times, outputs and errors in invocation order", () => {
    const recorder = recorderAt([0, 1, 2, 5, 7, 9]);
    const write = recorder.invoke(1, "write", 3);
    const read = recorder.invoke(2, "read");
    const cas = recorder.invoke(3, "cas", [3, 4]);
    write.ok();
    read.ok(3);
    cas.info("timed out");
    const history = recorder.history();
    expect(history.map((op) => [op.id, op.f, op.status, op.output, op.completeMicros])).toEqual([
      [0, "write", "ok", null, 5],
      [1, "read", "ok", 3, 7],
      [2, "cas", "info", undefined, 9],
    ]);
    expect(history[2]?.error).toBe("timed out");
  });

  it("shows that a call still pending when the history is taken is info with no completion", () => {
    const recorder = recorderAt([0, 1]);
    recorder.invoke("c1", "put", { key: "a", value: "x" });
    const [op] = recorder.history();
    expect(op?.status).toBe("info");
    expect(op?.completeMicros).toBeUndefined();
  });

  it("shows that completing twice and time going backwards are programmer errors", () => {
    const recorder = recorderAt([0, 1, 2]);
    const handle = recorder.invoke(1, "read");
    handle.ok(1);
    expect(() => handle.fail()).toThrow(AssertionError);
    const backwards = recorderAt([5, 4]);
    backwards.invoke(1, "read");
    expect(() => backwards.invoke(1, "read")).toThrow(/backwards/);
  });

  it("shows that the history is bounded by maxOperations", () => {
    const recorder = new HistoryRecorder({ nowMicros: () => 0, maxOperations: 2 });
    recorder.invoke(1, "read");
    recorder.invoke(2, "read");
    expect(() => recorder.invoke(3, "read")).toThrow(HistoryFullError);
    expect(() => new HistoryRecorder({ nowMicros: () => 0, maxOperations: 0 })).toThrow(
      /maxOperations/,
    );
  });
});
