// Free TCP ports on 127.0.0.1, for servers (like etcd) that must be told their port before they
// start because their peers need it too. All `count` listeners are open at once, so the ports are
// distinct; between closing them and the server binding, another process could take one, which is
// why callers that start servers on them retry on "address already in use".

import net from "node:net";

export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}
