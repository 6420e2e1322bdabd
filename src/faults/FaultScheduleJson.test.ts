import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import { faultScheduleFromJson, faultScheduleToJson } from "./FaultScheduleJson.js";
import { DEFAULT_RANDOM_FAULT_KINDS, randomFaultSchedule } from "./RandomFaultSchedule.js";

const nodes = ["a", "b", "c", "d"];

describe("fault schedules as JSON", () => {
  it("shows that a generated schedule survives a JSON round trip unchanged, one action per line", () => {
    for (let seed = 0; seed < 50; seed++) {
      const { actions } = randomFaultSchedule(Rng.fromSeed(seed), {
        nodes,
        durationMs: 5_000,
        kinds: [...DEFAULT_RANDOM_FAULT_KINDS, "byzantine"],
        allowCrashStop: true,
      });
      const text = faultScheduleToJson(actions);
      expect(text.split("\n")).toHaveLength(actions.length === 0 ? 2 : actions.length + 3);
      expect(faultScheduleFromJson(text, nodes)).toEqual(actions);
    }
  });

  it("accepts the object a random schedule returns and sorts a scripted schedule by time", () => {
    const schedule = randomFaultSchedule(Rng.fromSeed(3), { nodes, durationMs: 1_000 });
    expect(faultScheduleFromJson(JSON.stringify(schedule), nodes)).toEqual(schedule.actions);
    const scripted = '[{"atMs": 50, "kind": "heal"}, {"atMs": 10, "kind": "isolate", "node": "a"}]';
    expect(faultScheduleFromJson(scripted, nodes).map((a) => a.kind)).toEqual(["isolate", "heal"]);
  });

  it("rejects malformed JSON naming the line and column", () => {
    const text = '[\n  {"atMs": 1, "kind": "heal",}\n]';
    expect(() => faultScheduleFromJson(text, nodes)).toThrow(ConfigError);
    expect(() => faultScheduleFromJson(text, nodes)).toThrow(/line 2, column \d+/);
  });

  it("rejects a bad action naming its position and field", () => {
    expect(() =>
      faultScheduleFromJson('[{"atMs": 1, "kind": "heal"}, {"atMs": 2, "kind": "crash"}]', nodes),
    ).toThrow(/faults\[1\]\.node/);
    expect(() => faultScheduleFromJson('[{"atMs": -1, "kind": "heal"}]', nodes)).toThrow(
      /faults\[0\]\.atMs/,
    );
    expect(() => faultScheduleFromJson('{"enabledKinds": []}', nodes)).toThrow(/faults\.actions/);
    expect(() => faultScheduleFromJson("42", nodes)).toThrow(/`faults` must be an array/);
  });
});
