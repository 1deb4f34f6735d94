#!/usr/bin/env python3
"""What learning costs in the language server: the model module's load time (in the background),
the server's RSS before and after it, and the time from a feedback event being acknowledged to
the model having trained on it.

Drives a real `docent` over stdio like the end-to-end test does: a file of small undocumented
functions, "Ignore D103 here" taken on one after another, docent.learning.stats polled until
`model.trained_events` counts the event. The first event includes loading the module.

Usage: bench/learning/server_learning.py [--docent build/release/lsp/docent] [--events 20]
       [--data-home DIR]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


class Server:
    def __init__(self, binary, data_home):
        env = dict(os.environ, XDG_DATA_HOME=data_home)
        self.process = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.process.stdout.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def call(self, method, params):
        self.next_id += 1
        request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == request_id and "method" not in message:
                return message.get("result")
            if "method" in message and "id" in message:  # A request of the server's.
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


def source(n):
    text = '"""Helpers."""\n\n'
    for i in range(n + 1):
        text += f"\ndef helper_{i}(value):\n    return value\n"
    return text


def apply_edits(text, edits):
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(position):
        return offsets[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docent", default="build/release/lsp/docent")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--data-home", help="keep the learning data here (XDG_DATA_HOME), e.g. "
                        "to benchmark a server that adapts; default: a temporary folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        data_home = args.data_home or temporary
        server = Server(args.docent, data_home)
        server.call("initialize", {"processId": None, "rootUri": None,
                                   "capabilities": {"textDocument": {"diagnostic": {}}}})
        server.notify("initialized", {})
        uri = "file:///helpers.py"
        text = source(args.events)
        version = 1
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})
        server.call("textDocument/hover", {"textDocument": {"uri": uri},
                                           "position": {"line": 0, "character": 0}})
        rss_before = server.rss_mb()
        delays = []
        for i in range(args.events):
            line = 3 + 3 * i
            report = server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}})
            diagnostic = next(d for d in report["items"]
                              if d["code"] == "D103" and d["range"]["start"]["line"] == line)
            actions = server.call("textDocument/codeAction", {
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic], "triggerKind": 2}})
            ignore = next(a for a in actions if a["title"] == "Ignore D103 here")
            edits = ignore["edit"]["changes"][uri]
            text = apply_edits(text, edits)
            version += 1
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": e["range"], "text": e["newText"]} for e in edits]})
            server.call("workspace/executeCommand", ignore["command"])
            acknowledged = time.perf_counter()
            while True:
                stats = server.call("workspace/executeCommand",
                                    {"command": "docent.learning.stats", "arguments": []})
                if stats["model"]["trained_events"] > i:
                    break
                time.sleep(0.001)
            delays.append(time.perf_counter() - acknowledged)
        rss_after = server.rss_mb()
        model = stats["model"]
        server.call("shutdown", None)
        server.notify("exit", None)
        server.process.wait(timeout=10)
        model_file = os.path.join(data_home, "docent", "model.bin")
        model_bytes = os.path.getsize(model_file) if os.path.exists(model_file) else 0

    later = sorted(delays[1:])
    print(json.dumps({
        "module_load_seconds": model.get("load_seconds"),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "first_event_to_trained_seconds": round(delays[0], 3),
        "later_events_to_trained_ms_median": round(1000 * later[len(later) // 2], 1),
        "later_events_to_trained_ms_max": round(1000 * later[-1], 1),
        "model_file_bytes": model_bytes,
    }, indent=1))


if __name__ == "__main__":
    sys.exit(main())
