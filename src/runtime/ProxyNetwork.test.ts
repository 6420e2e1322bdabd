// Shows the fault proxies between real nodes: a one-way cut stops one direction and not the other
// until `heal`; loss drops every frame and duplication doubles it; latency with jitter keeps the
// stream's order; a bandwidth limit holds frames back without losing or reordering them; a reset
// breaks the connections and the sender reconnects; a node that comes back on another port is
// reached again once its links are re-pointed.
import { afterEach, describe, expect, it } from "vitest";
import { Rng } from "../core/Rng.js";
import type { NodeFactory } from "../sim/NodeApi.js";
import { StableStorage } from "../storage/StableStorage.js";
import { ProxyNetwork } from "./ProxyNetwork.js";
import { RealNode } from "./RealNode.js";

const owned: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const x of owned.splice(0).reverse()) await x.stop();
});

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Nodes a and b, each sending a numbered message to the other every few ms. */
async function world(nodeIds = ["a", "b"]) {
  const net = await ProxyNetwork.start({ nodeIds, random: Rng.fromSeed(7) });
  owned.push({ stop: () => net.close() });
  const received: Record<string, number[]> = Object.fromEntries(nodeIds.map((id) => [id, []]));
  const chatty: NodeFactory = (ctx) => ({
    async onStart() {
      for (let k = 0; ; k++) {
        for (const peer of ctx.peers) ctx.send(peer, k);
        await ctx.sleep(2);
      }
    },
    onMessage: (m) => void received[ctx.id]!.push(m.body as number),
  });
  const nodes = new Map<string, RealNode>();
  const make = async (id: string) => {
    const node = new RealNode({
      id,
      peers: nodeIds.filter((x) => x !== id),
      addresses: net.addressBookOf(id),
      factory: chatty,
      storage: new StableStorage(),
      random: Rng.fromSeed(1).derive(id),
    });
    owned.push(node);
    net.setTarget(id, await node.listen());
    nodes.set(id, node);
    return node;
  };
  for (const id of nodeIds) await make(id);
  for (const node of nodes.values()) node.start();
  const count = (id: string) => received[id]!.length;
  return { net, received, nodes, make, count };
}

describe("ProxyNetwork", () => {
  it("cuts one direction only, and heal restores it", async () => {
    const { net, count } = await world();
    await until(() => count("a") > 5 && count("b") > 5, "traffic both ways");
    net.apply({ atMs: 0, kind: "cut", from: "a", to: "b" });
    expect(net.toxicsOf("a", "b").blackhole).toBe(true);
    expect(net.toxicsOf("b", "a").blackhole).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    const b = count("b");
    const a = count("a");
    await until(() => count("a") > a + 10, "b->a still flowing");
    expect(count("b")).toBe(b);
    net.apply({ atMs: 0, kind: "heal" });
    await until(() => count("b") > b + 5, "a->b flowing after heal");
  });

  it("drops everything at loss 1, doubles everything at duplicate 1, keeps order under jitter", async () => {
    const { net, received, count } = await world();
    net.apply({ atMs: 0, kind: "loss", probability: 1 });
    await new Promise((r) => setTimeout(r, 50));
    const silent = count("a");
    await new Promise((r) => setTimeout(r, 100));
    expect(count("a")).toBe(silent);
    net.apply({ atMs: 0, kind: "loss", probability: 0 });
    net.apply({ atMs: 0, kind: "duplicate", probability: 1 });
    const start = count("a");
    await until(() => count("a") > start + 20, "duplicated traffic");
    // Every number arrives twice (the first and last of the window may be cut in half).
    const copies = new Map<number, number>();
    for (const k of received.a!.slice(start)) copies.set(k, (copies.get(k) ?? 0) + 1);
    const inner = [...copies.keys()].sort((x, y) => x - y).slice(1, -1);
    expect(inner.map((k) => copies.get(k))).toEqual(inner.map(() => 2));
    net.apply({ atMs: 0, kind: "duplicate", probability: 0 });
    const proxies = net as unknown as { proxies: Map<string, { setToxics(t: object): void }> };
    for (const p of proxies.proxies.values()) p.setToxics({ latencyMs: 5, jitterMs: 5 });
    const from = count("b");
    await until(() => count("b") > from + 30, "jittered traffic");
    const late = received.b!.slice(from);
    expect(late).toEqual([...late].sort((x, y) => x - y));
  });

  it("holds frames back under a bandwidth limit and still delivers them all, in order", async () => {
    const { net, received, count } = await world();
    await until(() => count("b") > 5, "traffic");
    const proxies = net as unknown as {
      proxies: Map<
        string,
        { setToxics(t: object): void; stats: { framesIn: number; framesForwarded: number } }
      >;
    };
    const link = proxies.proxies.get("a\u0000b")!;
    link.setToxics({ bandwidthBytesPerSecond: 2_000 });
    await until(
      () => link.stats.framesIn - link.stats.framesForwarded > 5,
      "a queue behind the limit",
    );
    link.setToxics({ bandwidthBytesPerSecond: Infinity });
    const held = link.stats.framesIn;
    await until(() => link.stats.framesForwarded >= held, "the queue drained");
    expect(received.b).toEqual([...received.b!].sort((x, y) => x - y));
  });

  it("resets connections, and re-points a link to a node that came back elsewhere", async () => {
    const { net, count, nodes, make } = await world();
    await until(() => count("b") > 5, "traffic");
    net.resetConnections("a");
    const afterReset = count("b");
    await until(() => count("b") > afterReset + 5, "traffic after the reset");
    await nodes.get("b")!.stop();
    net.setTarget("b", undefined);
    const again = await make("b");
    again.start();
    await until(() => count("b") > afterReset + 15, "traffic to b's new port");
  });
});
