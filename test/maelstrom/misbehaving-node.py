#!/usr/bin/env python3
"""A Maelstrom echo node that misbehaves on purpose on one node, for murphy's tests of how the
harness copes. Usage: misbehaving-node.py MODE NODE. The other nodes are plain echo servers.

    garbage   NODE prints a line that is not JSON and one without a body type, then echoes
    huge      NODE prints a 2 MiB line, then echoes
    exit      NODE says "giving up" on stderr and exits with code 3 after answering init
    silent    NODE never answers init
    flood     NODE sends n0 messages as fast as the pipe takes them, forever
    deaf      NODE stops reading stdin after init, while n0 floods it with messages
"""

import json
import os
import select
import sys

MODE, TARGET = sys.argv[1], sys.argv[2]
me = None


def send(dest, body):
    sys.stdout.write(json.dumps({"src": me, "dest": dest, "body": body}) + "\n")
    sys.stdout.flush()


def misbehave():
    if MODE == "garbage":
        sys.stdout.write("this is not json\n")
        sys.stdout.write(json.dumps({"src": me, "dest": "c1", "body": {"no": "type"}}) + "\n")
    elif MODE == "huge":
        sys.stdout.write("x" * (2 * 1024 * 1024) + "\n")
    elif MODE == "exit":
        sys.stderr.write("giving up\n")
        sys.stderr.flush()
        sys.exit(3)
    elif MODE == "flood":
        n = 0
        while True:
            # Blocks when the pipe is full: the harness decides how fast this goes.
            send("n0", {"type": "spam", "n": n})
            n += 1
    elif MODE == "deaf":
        while True:
            select.select([], [], [], 1.0)
    sys.stdout.flush()


buffer = b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    buffer += chunk
    while b"\n" in buffer:
        line, buffer = buffer.split(b"\n", 1)
        message = json.loads(line)
        body = message["body"]
        if body["type"] == "init":
            me = body["node_id"]
            if me == TARGET and MODE == "silent":
                continue
            send(message["src"], {"type": "init_ok", "in_reply_to": body["msg_id"]})
            if me == TARGET:
                misbehave()
            if me == "n0" and MODE == "deaf":
                n = 0
                while True:
                    send(TARGET, {"type": "spam", "n": n})
                    n += 1
        elif body["type"] == "echo" and me is not None:
            send(message["src"], {"type": "echo_ok", "echo": body["echo"], "in_reply_to": body["msg_id"]})
