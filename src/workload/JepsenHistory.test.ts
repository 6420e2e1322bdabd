import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HistoryParseError } from "./HistoryParseError.js";
import { readJepsenEdn, readJepsenLog } from "./JepsenHistory.js";

const corpus = (name: string) =>
  readFileSync(new URL(`../../test/corpus/histories/${name}`, import.meta.url), "utf8");

describe("readJepsenLog", () => {
  it("shows that register log lines become operations, skipping other loggers and the nemesis", () => {
    const history = readJepsenLog(corpus("register-ok.jepsen-log.txt"));
    expect(history.map((op) => [op.process, op.f, op.input, op.status, op.output])).toEqual([
      [0, "write", 1, "ok", 1],
      [1, "cas", [1, 2], "ok", true],
      [2, "read", null, "ok", 1],
      [0, "cas", [1, 3], "ok", false],
      [2, "write", 4, "info", undefined],
      [7, "read", null, "ok", 4],
      [3, "read", null, "info", undefined],
    ]);
  });

  it("shows that a failed cas is a comparison that failed, so it is ok with output false", () => {
    const [, , , cas] = readJepsenLog(corpus("register-ok.jepsen-log.txt"));
    expect(cas).toMatchObject({ f: "cas", status: "ok", output: false });
  });

  it("shows that an info call stays open and a failed write definitely did not happen", () => {
    const history = readJepsenLog(
      "1\t:invoke\t:write\t3\n1\t:info\t:write\t:timed-out\n2\t:invoke\t:write\t4\n2\t:fail\t:write\t4\n",
    );
    expect(history[0]).toMatchObject({ status: "info", error: "timed-out" });
    expect(history[1]).toMatchObject({ status: "fail", invokeMicros: 3, completeMicros: 4 });
  });

  it("shows that a completion without an invocation names its line and what was expected", () => {
    const text =
      "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t3\n";
    expect(() => readJepsenLog(text)).toThrow(HistoryParseError);
    expect(() => readJepsenLog(text)).toThrow(
      /^line 2: expected an earlier :invoke by process 1 for this :ok/,
    );
  });

  it("shows that malformed lines name the line number and the expected shape", () => {
    expect(() => readJepsenLog("0 :invoke")).toThrow(/line 1: expected PROCESS :TYPE :F VALUE/);
    expect(() => readJepsenLog("\nx\t:invoke\t:read\tnil")).toThrow(/line 2: expected a process/);
    expect(() => readJepsenLog("0\t:done\t:read\tnil")).toThrow(/expected a type of :invoke/);
    expect(() => readJepsenLog("0\t:invoke\t:cas\t[1 2")).toThrow(/expected ']' to close/);
    expect(() => readJepsenLog("0\t:invoke\t:read\tnil\n0\t:ok\t:write\t1")).toThrow(
      /line 2: expected :f :read, as invoked on line 1/,
    );
  });
});

describe("readJepsenEdn", () => {
  it("shows that keyed maps become operations with {key, value} input", () => {
    const history = readJepsenEdn(corpus("kv-ok.jepsen-edn.txt"));
    expect(history[0]).toMatchObject({
      process: 0,
      f: "put",
      input: { key: "a", value: "x" },
      status: "ok",
      line: 1,
    });
    expect(history.find((op) => op.f === "get" && op.output === "xy")?.input).toEqual({
      key: "a",
      value: null,
    });
    expect(history.filter((op) => op.status === "info")).toHaveLength(1);
  });

  it("shows that unkeyed register maps read like the log format", () => {
    const history = readJepsenEdn(
      "{:process 0, :type :invoke, :f :cas, :value [1 2]}\n{:process 0, :type :fail, :f :cas, :value [1 2]}",
    );
    expect(history[0]).toMatchObject({ input: [1, 2], status: "ok", output: false });
  });

  it("shows that bad maps name the line and the missing field", () => {
    expect(() => readJepsenEdn("[1 2]")).toThrow(/line 1: expected an EDN map/);
    expect(() => readJepsenEdn("\n{:type :invoke, :f :read}")).toThrow(/line 2: expected :process/);
    expect(() => readJepsenEdn("{:process 1, :type :go, :f :read}")).toThrow(/:invoke, :ok/);
    expect(() => readJepsenEdn("{:process 1, :type :ok, :f :read, :value 1}")).toThrow(
      /line 1: expected an earlier :invoke by process 1/,
    );
  });
});
