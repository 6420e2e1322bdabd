// A Maelstrom echo node written against murphy's node API. The adapter answers `init`; the node
// answers `echo` with `echo_ok`. It runs as a Maelstrom process and inside murphy's simulator:
//
//   npx murphy maelstrom node examples/maelstrom/echo.ts          (a Maelstrom binary on stdin/stdout)
//   npx murphy maelstrom test -w echo --node examples/maelstrom/echo.ts --node-count 1 --seed 7
//   npx murphy maelstrom test -w echo --bin npx -- murphy maelstrom node examples/maelstrom/echo.ts

import type { NodeFactory } from "murphy";

interface Echo {
  type: "echo";
  echo: unknown;
}

const echo: NodeFactory = (ctx) => ({
  onMessage(message) {
    const body = message.body as Echo;
    if (body.type === "echo") ctx.reply(message, { type: "echo_ok", echo: body.echo });
  },
});

export default echo;
