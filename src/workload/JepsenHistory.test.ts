import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// The importer's translations (a failed cas, an open :info, a skipped nemesis) only matter through
// the verdict they lead to, so the corpus tests below run the checker on what was imported.
import { checkLinearizability } from "../check/checkLinearizability.js";
import { registerModel } from "../check/models/registerModel.js";
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
    expect(() => readJepsenLog("0\t:invoke\t:cas\t[1 2]]")).toThrow(
      /line 1: expected nothing after/,
    );
    expect(() => readJepsenLog("\nx\t:invoke\t:read\tnil")).toThrow(/line 2: expected a process/);
    expect(() => readJepsenLog("0\t:done\t:read\tnil")).toThrow(/expected a type of :invoke/);
    expect(() => readJepsenLog("0\t:invoke\t:cas\t[1 2")).toThrow(/expected ']' to close/);
    expect(() => readJepsenLog("0\t:invoke\t:read\tnil\n0\t:ok\t:write\t1")).toThrow(
      /line 2: expected :f :read, as invoked on line 1/,
    );
  });
});

describe("readJepsenLog on Jepsen's own line forms", () => {
  const stamp = (thread: string, body: string) =>
    `2017-03-07 16:05:06,135{GMT}\tINFO\t[jepsen worker ${thread}] jepsen.util: ${body}`;

  it("shows that an error column after a failed cas is kept, and the cas still returned false", () => {
    const [cas] = readJepsenLog(
      "4\t:invoke\t:cas\t[0 3]\n4\t:fail\t:cas\t[0 3]\t:value-mismatch\n",
    );
    expect(cas).toMatchObject({ f: "cas", input: [0, 3], status: "ok", output: false });
    expect(cas?.error).toBe("value-mismatch");
  });

  it("shows that an error column after an info read leaves it open, with the error kept", () => {
    const [read] = readJepsenLog("1\t:invoke\t:read\tnil\n1\t:info\t:read\tnil\t:timed-out\n");
    expect(read).toMatchObject({ f: "read", input: null, status: "info", error: "timed-out" });
  });

  it("shows that a failed write with an error column is still a failure", () => {
    const [write] = readJepsenLog("0\t:invoke\t:write\t1\n0\t:fail\t:write\t1\t:not-leader\n");
    expect(write).toMatchObject({ status: "fail", output: undefined, error: "not-leader" });
  });

  it("shows that :timeout and process-crash annotations are accepted as the error text", () => {
    const history = readJepsenLog(
      [
        "0\t:invoke\t:cas\t[0 1]",
        "0\t:info\t:cas\t[0 1]\t:timeout",
        "1\t:invoke\t:write\t2",
        "1\t:info\t:write\t2\tindeterminate: Read timed out",
        "2\t:invoke\t:read\tnil",
        '2\t:info\t:read\tnil\t[:crashed "connection reset"]',
      ].join("\n"),
    );
    expect(history.map((op) => [op.status, op.error])).toEqual([
      ["info", "timeout"],
      ["info", "indeterminate: Read timed out"],
      ["info", '[:crashed "connection reset"]'],
    ]);
  });

  it("shows that a failed write without an error column carries no error (its value is its input)", () => {
    const [write] = readJepsenLog("0\t:invoke\t:write\t1\n0\t:fail\t:write\t1\n");
    expect(write?.status).toBe("fail");
    expect(write?.error).toBeUndefined();
  });

  it("shows that timestamped log4j lines, as in jepsen.log, are operation lines", () => {
    const history = readJepsenLog(
      [stamp("0", "0\t:invoke\t:read\tnil"), stamp("0", "0\t:ok\t:read\t3")].join("\n"),
    );
    expect(history).toEqual([
      expect.objectContaining({ process: 0, f: "read", status: "ok", output: 3, line: 1 }),
    ]);
  });

  it("shows that other loggers, other levels, non-operation messages and the nemesis are skipped", () => {
    const text = [
      "2017-03-07 16:05:05,981{GMT}\tINFO\t[jepsen test runner] jepsen.core: Relative time begins now",
      stamp("0", "0\t:invoke\t:write\t1"),
      stamp("nemesis", ":nemesis\t:info\t:start\tnil"),
      stamp("nemesis", ':nemesis\t:info\t:start\t[:isolated {"n1" #{"n2"}}]'),
      "2017-03-07 16:05:07,002{GMT}\tWARN\t[jepsen worker 0] jepsen.util: 0\t:ok\t:write\t9",
      stamp("0", "Waiting for the test to finish"),
      stamp("0", "0\t:ok\t:write\t1"),
    ].join("\n");
    expect(readJepsenLog(text)).toEqual([
      expect.objectContaining({ process: 0, f: "write", input: 1, status: "ok" }),
    ]);
  });

  it("shows that unprefixed lines after a log4j line continue its message unless operations", () => {
    const text = [
      "2017-03-07 16:05:04,000{GMT}\tINFO\t[main] jepsen.cli: Test options:",
      "{:concurrency 5,",
      " :workload :register}",
      "2017-03-07 16:05:09,310{GMT}\tWARN\t[jepsen worker 2] jepsen.core: Process 2 crashed",
      "java.net.SocketTimeoutException: Read timed out",
      "\tat java.net.SocketInputStream.read(SocketInputStream.java:150)",
      "2\t:invoke\t:read\tnil",
      "2\t:ok\t:read\tnil",
    ].join("\n");
    expect(readJepsenLog(text)).toEqual([
      expect.objectContaining({ process: 2, f: "read", status: "ok", output: null, line: 7 }),
    ]);
  });

  it("shows that malformed operation lines behind a log4j prefix still name the line", () => {
    expect(() => readJepsenLog(stamp("0", "0\t:invoke"))).toThrow(
      /^line 1: expected PROCESS :TYPE :F VALUE \[ERROR\]/,
    );
    expect(() => readJepsenLog(`\n${stamp("0", "0\t:done\t:read\tnil")}`)).toThrow(
      /^line 2: expected a type of :invoke/,
    );
    expect(() => readJepsenLog(stamp("0", "0\t:invoke\t:cas\t[1 2\t:oops"))).toThrow(
      /^line 1: expected ']' to close/,
    );
  });

  it("shows that an error column on an :invoke or an :ok is rejected", () => {
    expect(() => readJepsenLog("0\t:invoke\t:read\tnil\t:timed-out")).toThrow(
      /^line 1: expected nothing after the value of an :invoke/,
    );
    expect(() => readJepsenLog("0\t:invoke\t:read\tnil\n0\t:ok\t:read\t3 4")).toThrow(
      /^line 2: expected nothing after the value of an :ok/,
    );
  });
});

describe("Jepsen etcd logs from the corpus, imported and checked", () => {
  it("shows that an etcd log with error columns, crashes and a partition is linearizable", () => {
    const history = readJepsenLog(corpus("etcd-ok.jepsen-log.txt"));
    expect(history).toHaveLength(19);
    expect(history.filter((op) => op.status === "info").map((op) => op.error)).toEqual([
      "timed-out",
      "indeterminate: Read timed out",
      "timeout",
    ]);
    expect(checkLinearizability(history, registerModel).verdict).toBe("ok");
  });

  it("shows that a read of a value whose only write failed (:not-leader) is illegal", () => {
    const history = readJepsenLog(corpus("etcd-failed-write-read.jepsen-log.txt"));
    expect(history.find((op) => op.error === "not-leader")).toMatchObject({ status: "fail" });
    const result = checkLinearizability(history, registerModel);
    expect(result.verdict).toBe("illegal");
  });

  it("shows that the same log would pass if the failed write had only been unknown", () => {
    const text = corpus("etcd-failed-write-read.jepsen-log.txt").replace(
      "4\t:fail\t:write\t1\t:not-leader",
      "4\t:info\t:write\t1\t:timed-out",
    );
    expect(checkLinearizability(readJepsenLog(text), registerModel).verdict).toBe("ok");
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

  it("shows that an :error entry is kept as the operation's error, like the log's error column", () => {
    const [read] = readJepsenEdn(
      "{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :info, :f :read, :value nil, :error :timed-out}",
    );
    expect(read).toMatchObject({ status: "info", error: "timed-out" });
  });

  it("shows that several maps on one line keep their order in time, while errors name the line", () => {
    const text =
      "{:process 0,:type :invoke,:f :write,:value 1} {:process 0,:type :ok,:f :write,:value 1} " +
      "{:process 1,:type :invoke,:f :read,:value nil} {:process 1,:type :ok,:f :read,:value nil}";
    const history = readJepsenEdn(text);
    expect(history.map((op) => [op.line, op.invokeMicros, op.completeMicros])).toEqual([
      [1, 1, 2],
      [1, 3, 4],
    ]);
    // The read began after the write completed, so reading nil is stale.
    expect(checkLinearizability(history, registerModel).verdict).toBe("illegal");
  });

  it("shows that bad maps name the line and the missing field", () => {
    expect(() => readJepsenEdn("[1 2]")).toThrow(/line 1: expected an EDN map/);
    expect(() => readJepsenEdn("\n{:type :invoke, :f :read}")).toThrow(/line 2: expected :process/);
    expect(() => readJepsenEdn("{:process 1, :type :go, :f :read}")).toThrow(/:invoke, :ok/);
    expect(() => readJepsenEdn("{:process 1, :type :ok, :f :read, :value 1}")).toThrow(
      /line 1: expected an earlier :invoke by process 1/,
    );
  });

  it("shows that process numbers and values are exact: none is rounded into another", () => {
    // Two processes 2^53 and 2^53 + 1 would otherwise be one, and a completion would match the
    // wrong call.
    expect(() => readJepsenLog("9007199254740993\t:invoke\t:read\tnil")).toThrow(
      /line 1: expected a process number/,
    );
    expect(() => readJepsenEdn("{:process 1.5, :type :invoke, :f :read}")).toThrow(
      /:process, a whole number/,
    );
    expect(() => readJepsenLog("0\t:invoke\t:write\t9007199254740993")).toThrow(
      /line 1: expected an integer a 64-bit float holds exactly/,
    );
    expect(() => readJepsenEdn("{:process 0, :type :invoke, :f :write, :value ##Inf}")).toThrow(
      /a finite number/,
    );
    const history = readJepsenEdn(
      "{:process 0, :type :invoke, :f :write, :value 9007199254740992}\n" +
        "{:process 0, :type :info, :f :write, :value 9007199254740992, :error {:why ##NaN}}",
    );
    expect(history[0]).toMatchObject({ input: 2 ** 53, status: "info" });
  });
});
