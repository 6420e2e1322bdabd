// Shows the node API on real sockets: a request is answered across TCP, a request nobody answers
// rejects with the simulator's TimeoutError, listeners bind to loopback by default, and hostile
// input — a frame over the limit, a frame that is not JSON, a frame forged without the shared key,
// a frame from a node nobody knows — is dropped and counted while the node keeps serving.
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TimeoutError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import { StableStorage } from "../storage/StableStorage.js";
import { encodeEnvelope } from "./Envelope.js";
import { encodeFrame, frameKey, LENGTH_BYTES } from "./FrameCodec.js";
import { RealNode } from "./RealNode.js";
import type { Address, TransportOptions } from "./RealTransport.js";

const KEY = "a shared key of at least 16 bytes";
const started: RealNode[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

const echo: NodeFactory = (ctx) => ({
  onMessage(message) {
    if (message.requestId !== undefined) ctx.reply(message, { echo: message.body, by: ctx.id });
  },
});

/** A server `s` and a client `c` wired to each other directly; the client's factory is given. */
async function pair(client: NodeFactory, transport: TransportOptions = {}) {
  const server = new RealNode({
    id: "s",
    peers: ["c"],
    addresses: {},
    factory: echo,
    storage: new StableStorage(),
    random: Rng.fromSeed(1),
    transport,
  });
  started.push(server);
  const serverAddress = await server.listen();
  const node = new RealNode({
    id: "c",
    peers: ["s"],
    addresses: { s: serverAddress },
    factory: client,
    storage: new StableStorage(),
    random: Rng.fromSeed(2),
    transport,
  });
  started.push(node);
  const clientAddress = await node.listen();
  server.setAddress("c", clientAddress);
  server.start();
  return { server, serverAddress, node };
}

function rawClient(address: Address): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(address, () => resolve(socket));
    socket.on("error", reject);
    sockets.push(socket);
  });
}

/** Waits until `predicate` holds, polling; bounded so a broken test fails instead of hanging. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("RealNode", () => {
  it("answers a request across TCP and times out one nobody answers", async () => {
    const results: unknown[] = [];
    const { node, serverAddress } = await pair((ctx) => ({
      async onStart() {
        results.push(await ctx.request("s", "hello", { timeoutMs: 5_000 }));
        try {
          await ctx.request("c", "to myself, unanswered", { timeoutMs: 20 });
        } catch (error) {
          results.push(error);
        }
      },
    }));
    expect(serverAddress.host).toBe("127.0.0.1");
    node.start();
    await until(() => results.length === 2, "both results");
    expect(results[0]).toEqual({ echo: "hello", by: "s" });
    expect(results[1]).toBeInstanceOf(TimeoutError);
  });

  it("drops oversize, unparseable, misaddressed and unknown-sender frames and keeps serving", async () => {
    const replies: unknown[] = [];
    const { server, serverAddress, node } = await pair(
      (ctx) => ({
        async onStart() {
          for (;;) {
            replies.push(await ctx.request("s", replies.length, { timeoutMs: 5_000 }));
            await ctx.sleep(5);
          }
        },
      }),
      { maxFrameBytes: 1_000 },
    );
    node.start();
    const junk = await rawClient(serverAddress);
    junk.write(encodeFrame("{not json"));
    junk.write(encodeFrame(encodeEnvelope({ v: 1, from: "c", to: "elsewhere", body: 1 })));
    junk.write(encodeFrame(encodeEnvelope({ v: 1, from: "stranger", to: "s", body: 1 })));
    const oversize = Buffer.alloc(LENGTH_BYTES);
    oversize.writeUInt32BE(10_000_000, 0);
    junk.write(oversize);
    await until(() => server.stats.rejected.oversize === 1, "the oversize frame");
    expect(server.stats.rejected).toMatchObject({
      unparseable: 1,
      misaddressed: 1,
      "unknown-peer": 1,
      oversize: 1,
    });
    const before = replies.length;
    await until(() => replies.length > before + 3, "more replies after the junk");
  });

  it("with a shared key, drops a forging client's frames and serves the honest one", async () => {
    const replies: unknown[] = [];
    const { server, serverAddress, node } = await pair(
      (ctx) => ({
        async onStart() {
          for (;;) {
            replies.push(await ctx.request("s", "honest", { timeoutMs: 5_000 }));
            await ctx.sleep(5);
          }
        },
      }),
      { hmacKey: KEY },
    );
    // The forger knows the protocol and the ids, but not the key: it signs with its own.
    const forgery = (body: unknown) =>
      encodeFrame(encodeEnvelope({ v: 1, from: "c", to: "s", body, rid: 1 }), {
        key: frameKey("the forger's own guess at a key")!,
      });
    const forger = await rawClient(serverAddress);
    forger.write(forgery("forged"));
    const unsigned = await rawClient(serverAddress);
    unsigned.write(encodeFrame(encodeEnvelope({ v: 1, from: "c", to: "s", body: "unsigned" })));
    node.start();
    await until(() => server.stats.rejected.forged === 2 && replies.length > 3, "forgeries");
    expect(replies.every((r) => (r as { echo: unknown }).echo === "honest")).toBe(true);
  });
});
