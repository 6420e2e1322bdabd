#!/usr/bin/env python3
"""A small Maelstrom node in Python (standard library only) for every workload of
`murphy maelstrom test`: echo, unique-ids, broadcast, g-set, g-counter, pn-counter, lin-kv,
kafka and txn-rw-register. One JSON message per line on stdin and stdout; logs on stderr.
The workload is the first argument:

    murphy maelstrom test -w broadcast --bin examples/maelstrom/node.py -- broadcast

`--bug NAME` makes it wrong on purpose, so that murphy's checkers have something to find:
    no-forward    broadcast: keeps what clients send but never tells the other nodes
    double-add    counters: retries a delta to seq-kv that may have landed, and adds it twice
    cache         lin-kv: serves reads from a local cache instead of asking lin-kv
    uncommitted   txn-rw-register: applies writes as it goes, then aborts without undoing them

Counters here keep their value in Maelstrom's seq-kv service (read, then compare-and-set), the
Gossip Glomers way; the JavaScript node (node.mjs) gossips deltas instead.
"""

import json
import os
import select
import sys
import time


class Node:
    def __init__(self, mode, bug):
        self.mode = mode
        self.bug = bug
        self.id = None
        self.node_ids = []
        self.next_msg_id = 1
        self.waiting = {}  # msg_id -> (callback, deadline or None, on_timeout)
        self.timers = []  # [next_due, every, fn]
        self.handlers = None

    # --- protocol ---------------------------------------------------------------------------

    def send(self, dest, body):
        sys.stdout.write(json.dumps({"src": self.id, "dest": dest, "body": body}) + "\n")
        sys.stdout.flush()

    def reply(self, request, body):
        body = dict(body)
        body["in_reply_to"] = request["body"]["msg_id"]
        self.send(request["src"], body)

    def rpc(self, dest, body, callback, timeout=None, on_timeout=None):
        msg_id = self.next_msg_id
        self.next_msg_id += 1
        deadline = None if timeout is None else time.monotonic() + timeout
        self.waiting[msg_id] = (callback, deadline, on_timeout)
        body = dict(body)
        body["msg_id"] = msg_id
        self.send(dest, body)

    def every(self, seconds, fn):
        self.timers.append([time.monotonic() + seconds, seconds, fn])

    def peers(self):
        return [n for n in self.node_ids if n != self.id]

    def leader(self):
        return self.node_ids[0]

    def handle(self, message):
        body = message["body"]
        waiting = self.waiting.pop(body.get("in_reply_to"), None)
        if waiting is not None:
            return waiting[0](message)
        if body["type"] == "init":
            self.id = body["node_id"]
            self.node_ids = body["node_ids"]
            if self.handlers is None:
                self.handlers = getattr(self, "workload_" + self.mode.replace("-", "_"))()
            return self.reply(message, {"type": "init_ok"})
        if self.handlers is None:
            return log(body["type"] + " before init; ignored")
        handler = self.handlers.get(body["type"])
        if handler is None:
            log("no handler for " + body["type"])
            if "msg_id" in body:
                self.reply(message, {"type": "error", "code": 10, "text": body["type"] + "?"})
            return
        handler(message)

    def tick(self):
        now = time.monotonic()
        for timer in self.timers:
            if timer[0] <= now:
                timer[0] = now + timer[1]
                timer[2]()
        for msg_id, (_, deadline, on_timeout) in list(self.waiting.items()):
            if deadline is not None and deadline <= now:
                del self.waiting[msg_id]
                if on_timeout is not None:
                    on_timeout()

    def relay(self, request, dest):
        self.rpc(dest, without_ids(request["body"]), lambda answer: self.reply(request, without_ids(answer["body"])))

    def leader_only(self, handlers):
        def route(handle):
            return lambda m: handle(m) if self.id == self.leader() else self.relay(m, self.leader())
        return {t: route(h) for t, h in handlers.items()}

    # --- workloads ----------------------------------------------------------------------------

    def workload_echo(self):
        return {"echo": lambda m: self.reply(m, {"type": "echo_ok", "echo": m["body"]["echo"]})}

    def workload_unique_ids(self):
        counter = [0]

        def generate(m):
            counter[0] += 1
            self.reply(m, {"type": "generate_ok", "id": "%s-%d" % (self.id, counter[0])})
        return {"generate": generate}

    def workload_broadcast(self):
        seen = set()
        neighbours = [None]
        unacked = {}  # neighbour -> {message: last sent}

        def add(message, source):
            if message in seen:
                return
            seen.add(message)
            if self.bug == "no-forward":
                return
            for n in neighbours[0] if neighbours[0] is not None else self.peers():
                if n != source:
                    unacked.setdefault(n, {})[message] = 0.0

        def gossip():
            now = time.monotonic()
            for n, messages in unacked.items():
                due = [m for m, sent in messages.items() if now - sent >= 1.0]
                if due:
                    for m in due:
                        messages[m] = now
                    self.send(n, {"type": "gossip", "messages": due})
        self.every(0.05, gossip)

        def topology(m):
            neighbours[0] = m["body"].get("topology", {}).get(self.id)
            self.reply(m, {"type": "topology_ok"})

        def broadcast(m):
            add(m["body"]["message"], None)
            self.reply(m, {"type": "broadcast_ok"})

        def on_gossip(m):
            for message in m["body"]["messages"]:
                add(message, m["src"])
            self.send(m["src"], {"type": "gossip_ok", "messages": m["body"]["messages"]})

        def gossip_ok(m):
            for message in m["body"]["messages"]:
                unacked.get(m["src"], {}).pop(message, None)
        return {
            "topology": topology,
            "broadcast": broadcast,
            "read": lambda m: self.reply(m, {"type": "read_ok", "messages": sorted(seen)}),
            "gossip": on_gossip,
            "gossip_ok": gossip_ok,
        }

    def workload_g_set(self):
        elements = set()

        def replicate():
            for n in self.peers():
                self.send(n, {"type": "replicate", "value": sorted(elements)})
        self.every(0.25, replicate)

        def add(m):
            elements.add(m["body"]["element"])
            self.reply(m, {"type": "add_ok"})

        def on_replicate(m):
            elements.update(m["body"]["value"])
        return {
            "add": add,
            "read": lambda m: self.reply(m, {"type": "read_ok", "value": sorted(elements)}),
            "replicate": on_replicate,
        }

    def workload_g_counter(self):
        # The counter is one key in seq-kv, changed by read + compare-and-set.
        key = "counter"

        def add(m):
            delta = m["body"]["delta"]

            def attempt(retried):
                self.rpc("seq-kv", {"type": "read", "key": key}, lambda r: cas(value_of(r), retried))

            def cas(current, retried):
                body = {"type": "cas", "key": key, "from": current, "to": current + delta,
                        "create_if_not_exists": True}
                # Broken: a cas without an answer within 5 ms is retried once as a fresh add,
                # though the first may well have landed (its reply was only slow).
                timeout = 0.005 if self.bug == "double-add" and not retried else None
                self.rpc("seq-kv", body, lambda r: done(r, retried), timeout=timeout,
                         on_timeout=lambda: attempt(True))

            def done(r, retried):
                if r["body"]["type"] == "cas_ok":
                    return self.reply(m, {"type": "add_ok"})
                attempt(retried)
            attempt(False)

        def read(m):
            # Write something of our own first: seq-kv then shows us at least that recent a state.
            marker = {"type": "write", "key": "marker-" + self.id, "value": time.monotonic()}
            self.rpc("seq-kv", marker, lambda _: self.rpc(
                "seq-kv", {"type": "read", "key": key},
                lambda r: self.reply(m, {"type": "read_ok", "value": value_of(r)})))
        return {"add": add, "read": read}

    workload_pn_counter = workload_g_counter

    def workload_lin_kv(self):
        cache = {}

        def remember(key, value):
            if self.bug == "cache":
                cache[json.dumps(key)] = value

        def forward(m, on_ok):
            def answer(r):
                if r["body"]["type"].endswith("_ok"):
                    on_ok(r)
                self.reply(m, without_ids(r["body"]))
            self.rpc("lin-kv", without_ids(m["body"]), answer)

        def read(m):
            k = json.dumps(m["body"]["key"])
            if k in cache:
                return self.reply(m, {"type": "read_ok", "value": cache[k]})
            forward(m, lambda r: remember(m["body"]["key"], r["body"]["value"]))
        return {
            "read": read,
            "write": lambda m: forward(m, lambda r: remember(m["body"]["key"], m["body"]["value"])),
            "cas": lambda m: forward(m, lambda r: remember(m["body"]["key"], m["body"]["to"])),
        }

    def workload_kafka(self):
        logs = {}
        committed = {}

        def send(m):
            log_ = logs.setdefault(m["body"]["key"], [])
            log_.append(m["body"]["msg"])
            self.reply(m, {"type": "send_ok", "offset": len(log_) - 1})

        def poll(m):
            msgs = {}
            for key, start in m["body"]["offsets"].items():
                log_ = logs.get(key, [])
                pairs = [[o, log_[o]] for o in range(max(0, start), min(len(log_), max(0, start) + 20))]
                if pairs:
                    msgs[key] = pairs
            self.reply(m, {"type": "poll_ok", "msgs": msgs})

        def commit(m):
            for key, offset in m["body"]["offsets"].items():
                committed[key] = max(committed.get(key, -1), offset)
            self.reply(m, {"type": "commit_offsets_ok"})

        def list_committed(m):
            offsets = {k: committed[k] for k in m["body"]["keys"] if k in committed}
            self.reply(m, {"type": "list_committed_offsets_ok", "offsets": offsets})
        return self.leader_only({"send": send, "poll": poll, "commit_offsets": commit,
                                 "list_committed_offsets": list_committed})

    def workload_txn_rw_register(self):
        store = {}
        count = [0]

        def txn(m):
            snapshot = dict(store)
            result = []
            for f, k, v in m["body"]["txn"]:
                key = json.dumps(k)
                if f == "r":
                    result.append(["r", k, store.get(key)])
                else:
                    store[key] = v
                    result.append(["w", k, v])
            if any(op[0] == "w" for op in result):
                count[0] += 1
                if count[0] % 3 == 0:
                    # Abort every third writing transaction. Correct: undo it. Broken: don't.
                    if self.bug != "uncommitted":
                        store.clear()
                        store.update(snapshot)
                    return self.reply(m, {"type": "error", "code": 30, "text": "txn-conflict"})
            self.reply(m, {"type": "txn_ok", "txn": result})
        return self.leader_only({"txn": txn})


def value_of(reply):
    body = reply["body"]
    return body["value"] if body["type"] == "read_ok" else 0


def without_ids(body):
    return {k: v for k, v in body.items() if k not in ("msg_id", "in_reply_to")}


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def main():
    args = sys.argv[1:]
    mode = args[0] if args else "echo"
    bug = args[args.index("--bug") + 1] if "--bug" in args else None
    node = Node(mode, bug)
    buffer = b""
    while True:
        ready, _, _ = select.select([0], [], [], 0.01)
        if ready:
            chunk = os.read(0, 65536)
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.strip():
                    node.handle(json.loads(line))
        node.tick()


if __name__ == "__main__":
    main()
