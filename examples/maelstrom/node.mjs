#!/usr/bin/env node
// A small Maelstrom node in plain JavaScript (no dependencies, no murphy) for every workload of
// `murphy maelstrom test`: echo, unique-ids, broadcast, g-set, g-counter, pn-counter, lin-kv, kafka
// and txn-rw-register. It reads one JSON message per line on stdin and writes its own on stdout,
// logging to stderr — the Maelstrom protocol. The workload is the first argument:
//
//   murphy maelstrom test -w broadcast --bin examples/maelstrom/node.mjs -- broadcast
//
// `--bug NAME` makes it wrong on purpose, so that murphy's checkers have something to find:
//   no-forward     broadcast: keeps what clients send but never tells the other nodes
//   double-add     counters: re-sends an unacknowledged delta and the receiver adds it again
//   cache          lin-kv: serves reads from a local cache instead of asking lin-kv
//   uncommitted    txn-rw-register: applies writes as it goes, then aborts without undoing them
//
// The logic is `createNode(env, mode, bug)`, with the world behind `env` (send a message, run a
// function every so many ms): run as a program it is stdin/stdout and real timers; murphy's tests
// also run the same function inside the simulator.

/* global process, setInterval, performance */
import { pathToFileURL } from "node:url";

export function createNode(env, mode, bug) {
  let id = null;
  let nodeIds = [];
  let nextMsgId = 1;
  const waiting = new Map();

  const send = (dest, body) => env.send({ src: id, dest, body });
  const reply = (request, body) => send(request.src, { ...body, in_reply_to: request.body.msg_id });
  const rpc = (dest, body, onReply) => {
    const msgId = nextMsgId++;
    waiting.set(msgId, onReply);
    send(dest, { ...body, msg_id: msgId });
  };
  const relay = (request, dest) =>
    rpc(dest, withoutIds(request.body), (answer) => reply(request, withoutIds(answer.body)));
  const peers = () => nodeIds.filter((n) => n !== id);
  const leader = () => nodeIds[0];

  const workload = {
    echo: () => ({ echo: (m) => reply(m, { type: "echo_ok", echo: m.body.echo }) }),
    "unique-ids": () => {
      let n = 0;
      return { generate: (m) => reply(m, { type: "generate_ok", id: `${id}-${n++}` }) };
    },
    broadcast: () => broadcast(),
    "g-set": () => gSet(),
    "g-counter": () => counter(),
    "pn-counter": () => counter(),
    "lin-kv": () => linKv(),
    kafka: () => leaderOnly(kafka()),
    "txn-rw-register": () => leaderOnly(txn()),
  }[mode];
  if (workload === undefined) throw new Error(`unknown workload ${mode}`);
  let handlers = null;

  function broadcast() {
    const seen = new Set();
    let neighbours = null;
    const unacked = new Map(); // neighbour -> Map(message -> last sent ms)
    const add = (message, from) => {
      if (seen.has(message)) return;
      seen.add(message);
      if (bug === "no-forward") return;
      for (const n of neighbours ?? peers()) {
        if (n === from) continue;
        if (!unacked.has(n)) unacked.set(n, new Map());
        unacked.get(n).set(message, -Infinity);
      }
    };
    env.every(50, () => {
      const now = env.now();
      for (const [n, messages] of unacked) {
        const due = [...messages].filter(([, sent]) => now - sent >= 1000).map(([m]) => m);
        if (due.length === 0) continue;
        for (const m of due) messages.set(m, now);
        send(n, { type: "gossip", messages: due });
      }
    });
    return {
      topology: (m) => {
        neighbours = m.body.topology?.[id] ?? null;
        reply(m, { type: "topology_ok" });
      },
      broadcast: (m) => {
        add(m.body.message, null);
        reply(m, { type: "broadcast_ok" });
      },
      read: (m) => reply(m, { type: "read_ok", messages: [...seen] }),
      gossip: (m) => {
        for (const message of m.body.messages) add(message, m.src);
        send(m.src, { type: "gossip_ok", messages: m.body.messages });
      },
      gossip_ok: (m) => {
        for (const message of m.body.messages) unacked.get(m.src)?.delete(message);
      },
    };
  }

  function gSet() {
    const elements = new Set();
    env.every(250, () => {
      for (const n of peers()) send(n, { type: "replicate", value: [...elements] });
    });
    return {
      add: (m) => {
        elements.add(m.body.element);
        reply(m, { type: "add_ok" });
      },
      read: (m) => reply(m, { type: "read_ok", value: [...elements] }),
      replicate: (m) => {
        for (const e of m.body.value) elements.add(e);
      },
    };
  }

  function counter() {
    let value = 0;
    let seq = 0;
    const applied = new Set();
    const outbox = new Map(); // peer -> Map(deltaId -> {delta, sent})
    env.every(50, () => {
      const now = env.now();
      for (const [peer, deltas] of outbox) {
        const due = [...deltas].filter(([, d]) => now - d.sent >= 300);
        if (due.length === 0) continue;
        for (const [, d] of due) d.sent = now;
        send(peer, { type: "deltas", deltas: due.map(([deltaId, d]) => [deltaId, d.delta]) });
      }
    });
    return {
      add: (m) => {
        const deltaId = `${id}:${seq++}`;
        applied.add(deltaId);
        value += m.body.delta;
        for (const peer of peers()) {
          if (!outbox.has(peer)) outbox.set(peer, new Map());
          outbox.get(peer).set(deltaId, { delta: m.body.delta, sent: -Infinity });
        }
        reply(m, { type: "add_ok" });
      },
      read: (m) => reply(m, { type: "read_ok", value }),
      deltas: (m) => {
        for (const [deltaId, delta] of m.body.deltas) {
          if (bug !== "double-add" && applied.has(deltaId)) continue;
          applied.add(deltaId);
          value += delta;
        }
        send(m.src, { type: "deltas_ok", ids: m.body.deltas.map(([deltaId]) => deltaId) });
      },
      deltas_ok: (m) => {
        for (const deltaId of m.body.ids) outbox.get(m.src)?.delete(deltaId);
      },
    };
  }

  function linKv() {
    const cache = new Map();
    const remember = (key, value) => bug === "cache" && cache.set(JSON.stringify(key), value);
    return {
      read: (m) => {
        const key = JSON.stringify(m.body.key);
        if (cache.has(key)) return reply(m, { type: "read_ok", value: cache.get(key) });
        rpc("lin-kv", withoutIds(m.body), (answer) => {
          if (answer.body.type === "read_ok") remember(m.body.key, answer.body.value);
          reply(m, withoutIds(answer.body));
        });
      },
      write: (m) =>
        rpc("lin-kv", withoutIds(m.body), (answer) => {
          if (answer.body.type === "write_ok") remember(m.body.key, m.body.value);
          reply(m, withoutIds(answer.body));
        }),
      cas: (m) =>
        rpc("lin-kv", withoutIds(m.body), (answer) => {
          if (answer.body.type === "cas_ok") remember(m.body.key, m.body.to);
          reply(m, withoutIds(answer.body));
        }),
    };
  }

  /** Requests go to the leader (the first node), which holds all the state. */
  function leaderOnly(local) {
    return Object.fromEntries(
      Object.entries(local).map(([type, handle]) => [
        type,
        (m) => (id === leader() ? handle(m) : relay(m, leader())),
      ]),
    );
  }

  function kafka() {
    const logs = new Map();
    const committed = new Map();
    return {
      send: (m) => {
        if (!logs.has(m.body.key)) logs.set(m.body.key, []);
        const log = logs.get(m.body.key);
        log.push(m.body.msg);
        reply(m, { type: "send_ok", offset: log.length - 1 });
      },
      poll: (m) => {
        const msgs = {};
        for (const [key, from] of Object.entries(m.body.offsets)) {
          const log = logs.get(key) ?? [];
          const pairs = [];
          for (let o = Math.max(0, from); o < log.length && pairs.length < 20; o++)
            pairs.push([o, log[o]]);
          if (pairs.length > 0) msgs[key] = pairs;
        }
        reply(m, { type: "poll_ok", msgs });
      },
      commit_offsets: (m) => {
        for (const [key, offset] of Object.entries(m.body.offsets)) {
          committed.set(key, Math.max(committed.get(key) ?? -1, offset));
        }
        reply(m, { type: "commit_offsets_ok" });
      },
      list_committed_offsets: (m) => {
        const offsets = {};
        for (const key of m.body.keys) if (committed.has(key)) offsets[key] = committed.get(key);
        reply(m, { type: "list_committed_offsets_ok", offsets });
      },
    };
  }

  function txn() {
    const store = new Map();
    let count = 0;
    return {
      txn: (m) => {
        const snapshot = new Map(store);
        const result = m.body.txn.map(([f, k, v]) => {
          const key = JSON.stringify(k);
          if (f === "r") return ["r", k, store.has(key) ? store.get(key) : null];
          store.set(key, v);
          return ["w", k, v];
        });
        const writes = result.some(([f]) => f === "w");
        if (writes && ++count % 3 === 0) {
          // Abort every third writing transaction. Correct: undo it. Broken: leave its writes.
          if (bug !== "uncommitted") {
            store.clear();
            for (const [k, v] of snapshot) store.set(k, v);
          }
          return reply(m, { type: "error", code: 30, text: "txn-conflict" });
        }
        reply(m, { type: "txn_ok", txn: result });
      },
    };
  }

  return {
    handle(message) {
      const body = message.body;
      if (body.in_reply_to !== undefined && waiting.has(body.in_reply_to)) {
        const onReply = waiting.get(body.in_reply_to);
        waiting.delete(body.in_reply_to);
        return onReply(message);
      }
      if (body.type === "init") {
        id = body.node_id;
        nodeIds = body.node_ids;
        handlers ??= workload();
        return reply(message, { type: "init_ok" });
      }
      if (handlers === null) return env.log(`${body.type} before init; ignored`);
      const handle = handlers[body.type];
      if (handle === undefined) {
        env.log(`no handler for ${body.type}`);
        if (body.msg_id !== undefined)
          reply(message, { type: "error", code: 10, text: `${body.type}?` });
        return;
      }
      handle(message);
    },
  };
}

function withoutIds(body) {
  return Object.fromEntries(
    Object.entries(body).filter(([k]) => k !== "msg_id" && k !== "in_reply_to"),
  );
}

function main() {
  const args = process.argv.slice(2);
  const mode = args[0];
  const bugAt = args.indexOf("--bug");
  const bug = bugAt === -1 ? null : args[bugAt + 1];
  const node = createNode(
    {
      send: (message) => process.stdout.write(JSON.stringify(message) + "\n"),
      every: (ms, fn) => setInterval(fn, ms),
      now: () => performance.now(),
      log: (text) => process.stderr.write(text + "\n"),
    },
    mode,
    bug,
  );
  let buffer = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== "") node.handle(JSON.parse(line));
    }
  });
  process.stdin.on("end", () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main();
