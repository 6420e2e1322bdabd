// Shows a murphy node run as a Maelstrom process over streams: the adapter answers init, requests
// get replies with in_reply_to, bad lines and lines for someone else are logged and dropped, and
// a stdout nobody reads holds a bounded number of lines, the rest dropped and counted.
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Seed } from "../../core/Rng.js";
import type { NodeFactory } from "../../sim/NodeApi.js";
import { runStdioNode } from "./runStdioNode.js";

const echo: NodeFactory = (ctx) => ({
  onMessage: (m) => ctx.reply(m, { type: "echo_ok", echo: (m.body as { echo: unknown }).echo }),
});

function collect(stream: PassThrough): string[] {
  const lines: string[] = [];
  stream.on("data", (chunk: Buffer) =>
    lines.push(
      ...chunk
        .toString()
        .split("\n")
        .filter((l) => l !== ""),
    ),
  );
  return lines;
}

describe("runStdioNode", () => {
  it("shows init, an echo, a malformed line and a line for another node", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const log = new PassThrough();
    const out = collect(output);
    const err = collect(log);
    const done = runStdioNode(echo, { input, output, log, seed: Seed.parse(1) });
    input.write(
      '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}\n',
    );
    input.write("{oops\n");
    input.write('{"src":"c1","dest":"n9","body":{"type":"echo","msg_id":2,"echo":1}}\n');
    input.end('{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":3,"echo":"hi"}}');
    await done;
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { src: "n1", dest: "c0", body: { type: "init_ok", in_reply_to: 1 } },
      { src: "n1", dest: "c1", body: { type: "echo_ok", echo: "hi", in_reply_to: 3 } },
    ]);
    expect(err[0]).toMatch(/^n1: stdin line 2 dropped: not JSON/);
    expect(err[1]).toBe("n1: stdin line 3 is for n9, not n1; dropped");
  });

  it("shows a stdout that is never read holding a bounded queue, the rest dropped and said on stderr", async () => {
    const input = new PassThrough();
    const stuck = new Writable({ highWaterMark: 64, write: () => {} }); // never calls back: never drains
    const log = new PassThrough();
    const err = collect(log);
    const chatty: NodeFactory = (ctx) => ({
      onStart: () => {
        for (let i = 0; i < 500; i++) ctx.send("c1", { type: "spam", i });
      },
    });
    const done = runStdioNode(chatty, { input, output: stuck, log, maxQueuedLines: 100 });
    input.end(
      '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}\n',
    );
    await done;
    expect(err).toEqual(["stdout is full (100 lines waiting): dropped 1 so far"]);
    expect(stuck.writableLength).toBeLessThan(64 + 200);
  });
});
