// A fault proxy in front of each etcd member: one for its client port, one for its peer port.
// Members advertise the proxies' ports, so all client and Raft traffic passes through them, and a
// partition cuts (resets) the connections between members on different sides and refuses new ones.
//
// etcd gives each member one peer URL for everyone, so a proxy in front of member B cannot tell
// from the port who is calling. It reads it from the first request on the connection instead:
// etcd's Raft transport sends `X-Server-From: <member ID in hex>` with every stream and pipeline
// request, and a connection carries one sender's requests only. Peer requests without the header
// (version probes, forwarded lease renewals) come from an unknown member: they pass while the
// network is whole and are refused during any partition. The bytes themselves pass untouched.
//
// The murphy fault proxy of the real runtime (issue 12) is frame-aware for murphy's own nodes; this
// one is the small byte-stream cousin that etcd's HTTP needs.

import net from "node:net";
import { ConfigError } from "../../core/errors.js";

const MAX_HEAD_BYTES = 16 * 1024;

interface Pipe {
  readonly down: net.Socket;
  up: net.Socket | undefined;
  readonly sender: string | undefined;
}

export interface LinkProxyStats {
  connections: number;
  refused: number;
  cut: number;
}

/** One listening port that forwards to `upstreamPort`, for the senders `allows` lets through. */
export class LinkProxy {
  upstreamPort = 0;
  readonly stats: LinkProxyStats = { connections: 0, refused: 0, cut: 0 };
  private readonly pipes = new Set<Pipe>();
  private readonly server: net.Server;

  private constructor(
    readonly name: string,
    private readonly allows: (sender: string | undefined) => boolean,
    private readonly identify?: (head: string) => string | undefined,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  static async start(options: {
    name: string;
    allows: (sender: string | undefined) => boolean;
    identify?: (head: string) => string | undefined;
  }): Promise<LinkProxy> {
    const proxy = new LinkProxy(options.name, options.allows, options.identify);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(0, "127.0.0.1", () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Cuts every connection whose sender may no longer pass. */
  enforce(): void {
    for (const pipe of this.pipes) {
      if (!this.allows(pipe.sender)) {
        this.stats.cut += 1;
        this.end(pipe);
      }
    }
  }

  async close(): Promise<void> {
    for (const pipe of this.pipes) this.end(pipe);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(down: net.Socket): void {
    this.stats.connections += 1;
    down.on("error", () => undefined);
    if (this.identify === undefined) {
      this.open(down, undefined, Buffer.alloc(0));
      return;
    }
    // Hold the bytes until the first request's head is complete and names its sender.
    const chunks: Buffer[] = [];
    let bytes = 0;
    down.setTimeout(5_000, () => down.destroy());
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      const head = Buffer.concat(chunks);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0 && bytes <= MAX_HEAD_BYTES) return;
      down.off("data", onData);
      down.setTimeout(0);
      const sender = end < 0 ? undefined : this.identify!(head.subarray(0, end).toString("latin1"));
      this.open(down, sender, head);
    };
    down.on("data", onData);
  }

  private open(down: net.Socket, sender: string | undefined, head: Buffer): void {
    if (!this.allows(sender)) {
      this.stats.refused += 1;
      down.resetAndDestroy();
      return;
    }
    const pipe: Pipe = { down, up: undefined, sender };
    this.pipes.add(pipe);
    const up = net.connect(this.upstreamPort, "127.0.0.1");
    pipe.up = up;
    up.on("error", () => this.end(pipe));
    up.on("close", () => this.end(pipe));
    down.on("close", () => this.end(pipe));
    if (head.length > 0) up.write(head);
    down.pipe(up);
    up.pipe(down);
    down.resume();
  }

  private end(pipe: Pipe): void {
    if (!this.pipes.delete(pipe)) return;
    pipe.down.resetAndDestroy();
    pipe.up?.resetAndDestroy();
  }
}

/** The sender named by an etcd peer request head, as etcd's member ID in hex. */
export function etcdSender(head: string): string | undefined {
  const match = /\r\nx-server-from:\s*([0-9a-f]{1,16})\s*(?:\r\n|$)/i.exec(head);
  return match?.[1]?.toLowerCase();
}

/**
 * The proxies of a whole cluster and its partitions. Create it, pass `advertisePort` to
 * EtcdCluster.start, then `learnMembers` with the member IDs once the cluster is up.
 */
export class EtcdProxyNetwork {
  /** Side of each member while partitioned; undefined while the network is whole. */
  private sides: number[] | undefined;
  private readonly memberOfSender = new Map<string, number>();

  private constructor(
    readonly peer: LinkProxy[],
    readonly client: LinkProxy[],
  ) {}

  static async start(members: number): Promise<EtcdProxyNetwork> {
    const network = new EtcdProxyNetwork([], []);
    try {
      for (let i = 0; i < members; i++) {
        network.peer.push(
          await LinkProxy.start({
            name: `peer m${i + 1}`,
            identify: etcdSender,
            allows: (sender) => network.allowsPeer(sender, i),
          }),
        );
        network.client.push(
          await LinkProxy.start({ name: `client m${i + 1}`, allows: () => true }),
        );
      }
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  /** For EtcdClusterOptions.advertisePort: members are told the proxies' ports. */
  readonly advertisePort = (member: number, kind: "client" | "peer", listenPort: number) => {
    const proxy = (kind === "peer" ? this.peer : this.client)[member]!;
    proxy.upstreamPort = listenPort;
    return proxy.port;
  };

  /** Maps etcd member IDs (decimal, as the member list gives them) to member indexes. */
  learnMembers(members: readonly { id: string; index: number }[]): void {
    for (const m of members) this.memberOfSender.set(BigInt(m.id).toString(16), m.index);
  }

  /** Splits the members into sides (`sides[i]` is member i's side) and cuts what crosses. */
  partition(sides: readonly number[]): void {
    if (sides.length !== this.peer.length) {
      throw new ConfigError({
        field: "sides",
        value: sides,
        expected: `one side per member (${this.peer.length})`,
        fix: "give each member's side, e.g. [0, 0, 1] to isolate the third",
      });
    }
    this.sides = [...sides];
    for (const proxy of this.peer) proxy.enforce();
  }

  heal(): void {
    this.sides = undefined;
  }

  get partitioned(): boolean {
    return this.sides !== undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.peer, ...this.client].map((p) => p.close()));
  }

  private allowsPeer(sender: string | undefined, to: number): boolean {
    if (this.sides === undefined) return true;
    const from = sender === undefined ? undefined : this.memberOfSender.get(sender);
    return from !== undefined && this.sides[from] === this.sides[to];
  }
}
