#!/usr/bin/python3
# Language server benchmark: drives docent and its peers (pylsp, pyright) over stdio with the
# same LSP client and measures, per server,
#   1. didChange -> publishDiagnostics latency for one-character edits to a ~10k-line file,
#   2. textDocument/hover latency on function names of that file,
#   3. time from process start to the `initialize` response,
#   4. RSS after opening 100 ~1k-line files and receiving their diagnostics.
# The corpus is built deterministically from whole top-level functions and classes of the
# Python standard library. Python 3 standard library only. See docs/benchmarks.md.
#
# Usage: bench/lsp_bench.py [--servers docent,pylsp,pyright] [--runs N] [--json FILE] ...
# Progress goes to stderr, Markdown tables to stdout, all raw numbers to --json.

import argparse
import collections
import ast
import json
import os
import random
import select
import statistics
import subprocess
import sys
import tempfile
import time
import tokenize
import io
import keyword
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Corpus

SKIPPED_DIRS = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__",
                "pydoc_data", "lib2to3"}


def stdlib_chunks(root):
    """Yields the source of every top-level function and class of the modules under `root`
    (sorted paths) that compiles on its own, as a list of lines."""
    for path in sorted(Path(root).rglob("*.py")):
        if SKIPPED_DIRS & set(path.relative_to(root).parts[:-1]):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines()
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            chunk = lines[first - 1:node.end_lineno]
            try:
                compile("\n".join(chunk) + "\n", str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue
            yield chunk


def build_corpus(root, out_dir, big_lines, small_files, small_lines):
    """Writes big.py (about `big_lines` lines) and `small_files` files of about `small_lines`
    lines each, made of consecutive stdlib chunks; returns (big path, [small paths])."""
    chunks = stdlib_chunks(root)

    def fill(target):
        lines = []
        while len(lines) < target:
            chunk = next(chunks)
            if len(lines) + len(chunk) > target * 1.15:
                continue  # keeps the files near their target size
            lines += chunk + ["", ""]
        text = "\n".join(lines[:-2]) + "\n"
        compile(text, "corpus", "exec", dont_inherit=True)
        return text

    big_dir, small_dir = Path(out_dir, "big"), Path(out_dir, "many")
    big_dir.mkdir(parents=True, exist_ok=True)
    small_dir.mkdir(parents=True, exist_ok=True)
    big = big_dir / "big.py"
    big.write_text(fill(big_lines), encoding="utf-8")
    smalls = []
    for i in range(small_files):
        path = small_dir / f"module_{i:03}.py"
        path.write_text(fill(small_lines), encoding="utf-8")
        smalls.append(path)
    return big, smalls


def utf16_column(line, index):
    """The LSP (UTF-16) column of code point `index` in `line`."""
    return len(line[:index].encode("utf-16-le")) // 2


def identifier_edit_points(text, count, seed):
    """`count` (line, code point index) positions strictly inside identifiers of at least two
    characters, picked with a fixed seed."""
    points = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NAME and len(tok.string) >= 2 and not keyword.iskeyword(tok.string):
            points.append((tok.start[0] - 1, tok.start[1], len(tok.string)))
    rng = random.Random(seed)
    picked = []
    for _ in range(count):
        line, col, length = rng.choice(points)
        picked.append((line, col + rng.randint(1, length - 1)))
    return picked


def top_level_sizes(text):
    """For every line (0-based), the number of lines of the top-level statement around it."""
    sizes = [1] * (len(text.splitlines()) + 1)
    for node in ast.parse(text).body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        for line in range(first - 1, node.end_lineno):
            sizes[line] = node.end_lineno - first + 1
    return sizes


def function_name_points(text, count):
    """Positions (line, code point index) of the middle of up to `count` function names
    (`def NAME`), spread evenly over the file."""
    points = [node for node in ast.walk(ast.parse(text))
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    lines = text.splitlines()
    found = []
    for node in sorted(points, key=lambda n: n.lineno):
        line = lines[node.lineno - 1]
        start = line.find("def " + node.name)
        if start >= 0:
            found.append((node.lineno - 1, start + 4 + len(node.name) // 2))
    if count <= 0:
        return []
    step = max(1, len(found) // count)
    return found[::step][:count]


# --------------------------------------------------------------------------------------------
# LSP client


class ServerError(RuntimeError):
    pass


class LspClient:
    """One language server process, spoken to over stdio pipes. All reads and writes go
    through one select() loop, so neither side can block the other on a full pipe; requests
    from the server are answered at once (configuration: null, everything else: null)."""

    def __init__(self, name, argv, stderr_path, cwd=None):
        self.name = name
        self.stderr_path = stderr_path
        self.stderr = open(stderr_path, "wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, cwd=cwd, bufsize=0)
        self.out_fd, self.in_fd = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        os.set_blocking(self.out_fd, False)
        os.set_blocking(self.in_fd, False)
        self.pending = bytearray()   # bytes still to write to the server
        self.buffer = bytearray()    # bytes read but not yet parsed
        self.inbox = []              # (receive time, message) not yet consumed
        self.next_id = 0
        self.closed = False
        self.incremental = True          # set from the server's capabilities
        self.pull = False                # pull diagnostics in use
        self.pulled = {}                 # uri -> (resultId, items) of the last pull answer
        self.last_publish_version = None

    # -- framing --------------------------------------------------------------------------

    def _queue(self, message):
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        self.pending += b"Content-Length: %d\r\n\r\n" % len(body) + body

    def _parse_buffer(self, now):
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            length = None
            for header in bytes(self.buffer[:end]).split(b"\r\n"):
                key, _, value = header.partition(b":")
                if key.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise ServerError(f"{self.name}: message without Content-Length: "
                                  f"{bytes(self.buffer[:end])!r}")
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4:end + 4 + length])
            del self.buffer[:end + 4 + length]
            message = json.loads(body)
            if "method" in message and "id" in message:
                self._answer(message)
            else:
                self.inbox.append((now, message))

    def _answer(self, request):
        """Replies to a request from the server."""
        result = None
        if request["method"] == "workspace/configuration":
            result = [None for _ in request["params"].get("items", [])]
        self._queue({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def pump(self, timeout):
        """Writes pending bytes and reads what the server sent, for at most `timeout` seconds
        (returns earlier once something was read)."""
        if self.closed:
            raise ServerError(f"{self.name}: server closed its output")
        writers = [self.out_fd] if self.pending else []
        readable, writable, _ = select.select([self.in_fd], writers, [], max(timeout, 0))
        if writable:
            try:
                written = os.write(self.out_fd, self.pending)
                del self.pending[:written]
            except BrokenPipeError:
                raise ServerError(f"{self.name}: server closed its input; exit code "
                                  f"{self.proc.poll()}; see {self.stderr_path}")
        if readable:
            data = os.read(self.in_fd, 1 << 20)
            now = time.perf_counter()
            if not data:
                self.closed = True
                time.sleep(0.1)
                raise ServerError(f"{self.name}: server closed its output; exit code "
                                  f"{self.proc.poll()}; see {self.stderr_path}")
            self.buffer += data
            self._parse_buffer(now)

    def send(self, message):
        """Queues `message`, writes it out completely and returns the time writing began."""
        self._queue(message)
        sent = time.perf_counter()
        deadline = sent + 30
        while self.pending:
            if time.perf_counter() > deadline:
                raise ServerError(f"{self.name}: server does not read its input")
            self.pump(deadline - time.perf_counter())
        return sent

    def wait_for(self, matches, timeout, what):
        """Returns (receive time, message) of the first received message for which `matches`
        is true, removing it; raises ServerError after `timeout` seconds."""
        deadline = time.perf_counter() + timeout
        while True:
            for i, (received, message) in enumerate(self.inbox):
                if matches(received, message):
                    del self.inbox[i]
                    return received, message
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ServerError(f"{self.name}: no {what} within {timeout} s")
            self.pump(left)

    def drop_inbox(self):
        """Forgets messages received so far (after they were pumped in)."""
        while True:
            readable, _, _ = select.select([self.in_fd], [], [], 0)
            if not readable:
                break
            self.pump(0)
        self.inbox.clear()

    # -- JSON-RPC -------------------------------------------------------------------------

    def notify(self, method, params):
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=60):
        """Sends a request and waits for its response; returns (seconds, result)."""
        self.next_id += 1
        rid = self.next_id
        sent = self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        received, response = self.wait_for(
            lambda _, m: m.get("id") == rid and "method" not in m, timeout,
            f"response to {method}")
        if "error" in response:
            raise ServerError(f"{self.name}: {method} failed: {response['error']}")
        return received - sent, response.get("result")

    def shutdown(self, timeout=10):
        """shutdown request, exit notification, then waits for the process (kills it if it
        does not exit); returns the exit code."""
        try:
            if timeout and not self.closed and self.proc.poll() is None:
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
            return self.proc.wait(timeout=timeout or 0.1)
        except (ServerError, subprocess.TimeoutExpired) as error:
            print(f"  {self.name}: unclean shutdown ({error}); killing", file=sys.stderr)
            self.proc.kill()
            return self.proc.wait()
        finally:
            self.stderr.close()
            for pipe in (self.proc.stdin, self.proc.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass


# --------------------------------------------------------------------------------------------
# Servers

PYLSP_NO_DEBOUNCE = (
    # pylsp debounces linting by LINT_DEBOUNCE_S = 0.5 s. The value is bound when the class
    # body runs, so setting the constant alone changes nothing: re-wrap lint() with 0 too.
    "import pylsp.python_lsp as m, pylsp._utils as u\n"
    "m.LINT_DEBOUNCE_S = 0\n"
    "m.PythonLSPServer.lint = u.debounce(0, keyed_by='doc_uri')"
    "(m.PythonLSPServer.lint.__wrapped__)\n"
    "from pylsp.__main__ import main\n"
    "main()\n")

PYLSP_SETTINGS = {"pylsp": {"plugins": {
    "mccabe": {"enabled": True, "threshold": 11},  # reports >= 11, as docent's C901 > 10
    "pydocstyle": {"enabled": True},
    "pycodestyle": {"enabled": False},  # style, not analysis; not installed on Debian here
    "pyflakes": {"enabled": True},
}}}


Spec = collections.namedtuple("Spec", "argv init_options settings note")


def server_specs(args):
    """name -> how to start and configure that server."""
    return {
        "docent": Spec([args.docent, "--stdio"], {"debounce-ms": 0}, None,
                       "`docent --stdio`, initializationOptions `{\"debounce-ms\": 0}`"),
        "pylsp": Spec([args.python, "-c", PYLSP_NO_DEBOUNCE], None, PYLSP_SETTINGS,
                      "pylsp with its 0.5 s lint debounce set to 0; pyflakes, mccabe "
                      "(threshold 11), pydocstyle"),
        "pylsp-default": Spec([args.python, "-m", "pylsp"], None, PYLSP_SETTINGS,
                              "pylsp as shipped (0.5 s lint debounce), same plugins"),
        "pyright": Spec(["node", args.pyright, "--stdio"], None, None,
                        "pyright-langserver --stdio, default settings"),
        "floor": Spec([sys.executable, os.path.abspath(__file__), "--echo-server"], None, None,
                      "a do-nothing server in Python (the client's own overhead)"),
    }


CLIENT_CAPABILITIES = {
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": False},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": False},
        "hover": {"dynamicRegistration": False, "contentFormat": ["markdown", "plaintext"]},
    },
    "workspace": {"configuration": False, "workspaceFolders": False},
    "general": {"positionEncodings": ["utf-16"]},
}


def start_server(name, spec, root_dir, log_dir, tag, timeout, pull=False, actions=False):
    """Starts the server, runs initialize/initialized (+ configuration) and returns
    (client, seconds from process start to the initialize response, server capabilities).
    With `pull`, the client offers pull diagnostics (textDocument/diagnostic) and uses them
    if the server accepts."""
    log = Path(log_dir, f"{name}-{tag}.stderr")
    client = LspClient(name, spec.argv, log, cwd=root_dir)
    capabilities = json.loads(json.dumps(CLIENT_CAPABILITIES))
    if pull:
        capabilities["textDocument"]["diagnostic"] = {"dynamicRegistration": False,
                                                      "relatedDocumentSupport": False}
    if actions:  # As VS Code: edits resolved lazily, versioned documentChanges.
        capabilities["textDocument"]["codeAction"] = {
            "dynamicRegistration": False, "dataSupport": True, "isPreferredSupport": True,
            "resolveSupport": {"properties": ["edit"]},
            "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                "quickfix", "refactor", "refactor.rewrite", "source"]}}}
        capabilities["workspace"]["workspaceEdit"] = {"documentChanges": True}
    params = {"processId": os.getpid(), "rootUri": Path(root_dir).as_uri(),
              "capabilities": capabilities, "clientInfo": {"name": "lsp_bench"},
              "workspaceFolders": None}
    if spec.init_options is not None:
        params["initializationOptions"] = spec.init_options
    try:
        _, result = client.request("initialize", params, timeout)
    except ServerError:
        client.shutdown(timeout=0)
        raise
    startup = time.perf_counter() - client.started
    capabilities = (result or {}).get("capabilities", {})
    client.incremental = incremental_sync(capabilities)
    client.pull = pull and "diagnosticProvider" in capabilities
    client.notify("initialized", {})
    if spec.settings is not None:
        client.notify("workspace/didChangeConfiguration", {"settings": spec.settings})
    return client, startup, capabilities


def incremental_sync(capabilities):
    sync = capabilities.get("textDocumentSync", 1)
    kind = sync.get("change", 1) if isinstance(sync, dict) else sync
    return kind == 2


def open_document(client, path, text):
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}})
    return uri


def await_diagnostics(client, uri, version, since, timeout):
    """The diagnostics of `uri` at `version` (see is_diagnostics_for); with pull diagnostics,
    the answer to a textDocument/diagnostic request sent now. Returns (receive time, list)."""
    if client.pull:
        client.next_id += 1
        rid = client.next_id
        # As VS Code does: the last result id goes with the request, and an "unchanged"
        # answer means the items of that result still hold.
        params = {"textDocument": {"uri": uri}}
        previous = client.pulled.get(uri)
        if previous is not None:
            params["previousResultId"] = previous[0]
        client.send({"jsonrpc": "2.0", "id": rid, "method": "textDocument/diagnostic",
                     "params": params})
        received, response = client.wait_for(
            lambda _, m: m.get("id") == rid and "method" not in m, timeout,
            f"textDocument/diagnostic response for version {version}")
        if "error" in response:
            raise ServerError(f"{client.name}: textDocument/diagnostic failed: "
                              f"{response['error']}")
        result = response["result"]
        if result.get("kind") == "unchanged" and previous is not None:
            return received, previous[1]
        client.pulled[uri] = (result.get("resultId"), result.get("items", []))
        return received, result.get("items", [])
    received, message = client.wait_for(is_diagnostics_for(uri, version, since), timeout,
                                        f"diagnostics for version {version}")
    client.last_publish_version = message["params"].get("version")
    return received, message["params"]["diagnostics"]


def is_diagnostics_for(uri, version, since):
    """Matches the publishDiagnostics for `uri` at `version` or, when the server sends no
    version, the first one received after `since`."""
    def matches(received, message):
        if message.get("method") != "textDocument/publishDiagnostics":
            return False
        params = message["params"]
        if params["uri"] != uri:
            return False
        if params.get("version") is not None:
            return params["version"] == version
        return received >= since
    return matches


def echo_server():
    """A server that does no work: publishes empty diagnostics with the version on every
    didOpen/didChange and answers every request with an empty result. Timing it shows what
    this client, the pipes and the OS add to every figure (server "floor")."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer

    def write(message):
        body = json.dumps(message).encode()
        stdout.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdout.flush()

    while True:
        length = None
        while (header := stdin.readline()) not in (b"\r\n", b""):
            if header.lower().startswith(b"content-length:"):
                length = int(header.split(b":")[1])
        if length is None:
            return
        message = json.loads(stdin.read(length))
        method, params = message.get("method"), message.get("params") or {}
        if method in ("textDocument/didOpen", "textDocument/didChange"):
            document = params["textDocument"]
            write({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": {
                "uri": document["uri"], "version": document["version"], "diagnostics": []}})
        elif method == "exit":
            return
        elif "id" in message:
            result = None
            if method == "initialize":
                result = {"capabilities": {"textDocumentSync": 2, "hoverProvider": True}}
            elif method == "textDocument/hover":
                result = {"contents": "-"}
            write({"jsonrpc": "2.0", "id": message["id"], "result": result})


# --------------------------------------------------------------------------------------------
# Measurements


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds):
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "median": statistics.median(ms), "p90": percentile(ms, 0.9),
            "p99": percentile(ms, 0.99), "max": max(ms)}


def measure_startup(name, spec, corpus_dir, log_dir, runs, timeout):
    """Seconds from process start to the initialize response, one fresh process per run."""
    times = []
    for i in range(runs):
        client, startup, _ = start_server(name, spec, corpus_dir, log_dir, f"startup{i}",
                                            timeout)
        client.shutdown()
        times.append(startup)
    return {"startup_ms": [t * 1000 for t in times],
            "median": statistics.median(times) * 1000}


def measure_edits_and_hover(name, spec, big, log_dir, edits, hovers, seed, timeout, pull):
    """Opens big.py and waits for its diagnostics, then times `edits` one-character edits
    inside identifiers and `hovers` hover requests in the same server process. A phase that
    fails is recorded in result["errors"] and the next one still runs."""
    client, _, capabilities = start_server(name, spec, big.parent, log_dir, "edits", timeout,
                                           pull)
    result = {"incremental_sync": client.incremental,
              "hover_provider": bool(capabilities.get("hoverProvider")), "errors": []}
    text = big.read_text(encoding="utf-8")
    try:
        uri = open_and_wait(client, big, text, timeout, result)
        result.pop("open_diagnostic_list")
        points = identifier_edit_points(text, (edits + 1) // 2, seed)
        phases = (("edits", lambda: time_edits(client, uri, text, points, edits, timeout)),
                  ("hover", lambda: time_hovers(client, uri, text, hovers, timeout)),
                  ("pull_only", lambda: time_pulls(client, uri, 50, timeout)))
        for phase, run in phases:
            try:
                result[phase] = run()
            except ServerError as error:
                result["errors"].append(f"{phase}: {error}")
    except ServerError as error:
        result["errors"].append(f"open: {error}")
    finally:
        result["exit_code"] = client.shutdown()
    return result


def measure_named_edits(name, spec, big, log_dir, edits, seed, timeout):
    """Push diagnostics for a server that publishes only changed sets: the same kind of edit,
    but inside the names that the server's own diagnostics point at (a finding's message
    names its definition), so that every edit changes the published set."""
    client, _, _ = start_server(name, spec, big.parent, log_dir, "named-edits", timeout)
    result = {"errors": []}
    text = big.read_text(encoding="utf-8")
    try:
        uri = open_and_wait(client, big, text, timeout, result)
        names = named_ranges(text, result.pop("open_diagnostic_list"))
        rng = random.Random(seed)
        points = [(line, start + rng.randint(1, end - start - 1))
                  for line, start, end in (rng.choice(names) for _ in range((edits + 1) // 2))]
        result["names"] = len(names)
        result["edits"] = time_edits(client, uri, text, points, edits, timeout)
    except (ServerError, IndexError) as error:
        result["errors"].append(f"named-edits: {error}")
    finally:
        result["exit_code"] = client.shutdown()
    return result


def named_ranges(text, diagnostics):
    """(line, start, end) code point ranges of the diagnostics that cover exactly one
    identifier of two or more characters."""
    lines = text.splitlines()
    found = set()
    for diagnostic in diagnostics:
        start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
        if start["line"] != end["line"]:
            continue
        line = lines[start["line"]]
        if not line.isascii():
            continue  # then UTF-16 columns are code point indices
        word = line[start["character"]:end["character"]]
        if len(word) >= 2 and word.isidentifier():
            found.add((start["line"], start["character"], end["character"]))
    return sorted(found)


def open_and_wait(client, path, text, timeout, result):
    """didOpen of `path`, then waits for its first diagnostics; returns its URI."""
    since = time.perf_counter()
    uri = open_document(client, path, text)
    _, diagnostics = await_diagnostics(client, uri, 1, since, timeout)
    result["open_ms"] = (time.perf_counter() - since) * 1000
    result["open_diagnostics"] = len(diagnostics)
    result["open_sources"] = dict(collections.Counter(
        f"{d.get('source')} {d.get('code', '')}".strip() for d in diagnostics))
    result["diagnostics"] = "pull" if client.pull else (
        "push, with version" if client.last_publish_version is not None else
        "push, no version")
    result["open_diagnostic_list"] = diagnostics
    client.drop_inbox()
    return uri


def one_char_change(lines, line, index, insert, incremental):
    """The contentChanges entry that inserts an 'x' at (line, index) or deletes it again."""
    if not incremental:
        current = lines[:]
        if insert:
            current[line] = lines[line][:index] + "x" + lines[line][index:]
        return {"text": "".join(current)}
    col = utf16_column(lines[line], index)
    return {"range": {"start": {"line": line, "character": col},
                      "end": {"line": line, "character": col + (0 if insert else 1)}},
            "text": "x" if insert else ""}


def time_edits(client, uri, text, points, edits, timeout):
    """At each point, inserts an 'x', then deletes it again; times each didChange until the
    diagnostics of its version arrive."""
    lines = text.splitlines(keepends=True)
    sizes = top_level_sizes(text)
    version, latencies, counts, extra, by_size = 1, [], [], 0, {}
    for line, index in points:
        for insert in (True, False)[:edits - len(latencies)]:
            version += 1
            change = one_char_change(lines, line, index, insert, client.incremental)
            sent = client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            received, diagnostics = await_diagnostics(client, uri, version, sent, timeout)
            latencies.append(received - sent)
            bucket = "statement_le_200_lines" if sizes[line] <= 200 else "statement_gt_200_lines"
            by_size.setdefault(bucket, []).append(received - sent)
            counts.append(len(diagnostics))
            extra += sum(m.get("method") == "textDocument/publishDiagnostics"
                         for _, m in client.inbox)
            client.inbox.clear()
    summary = summary_ms(latencies)
    summary["diagnostics_per_publish"] = statistics.median(counts)
    summary["other_publishes"] = extra
    for bucket, values in by_size.items():
        summary[bucket] = {"n": len(values), "median": statistics.median(values) * 1000}
    summary["latencies_ms"] = [round(s * 1000, 4) for s in latencies]
    return summary


def time_pulls(client, uri, count, timeout):
    """With pull diagnostics: `count` textDocument/diagnostic requests without edits (what a
    request costs when nothing needs re-analysis)."""
    if not client.pull:
        return None
    times = []
    for _ in range(count):
        sent = time.perf_counter()
        received, _ = await_diagnostics(client, uri, None, sent, timeout)
        times.append(received - sent)
    return summary_ms(times)


def time_hovers(client, uri, text, hovers, timeout):
    """textDocument/hover on the middle of `hovers` function names spread over the file."""
    lines = text.splitlines(keepends=True)
    times, with_content = [], 0
    for line, index in function_name_points(text, hovers):
        seconds, hover = client.request("textDocument/hover", {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": utf16_column(lines[line], index)}},
            timeout)
        times.append(seconds)
        with_content += bool(hover and hover.get("contents"))
        client.inbox.clear()
    if not times:
        return None
    summary = summary_ms(times)
    summary["with_content"] = with_content
    return summary


def first_lines_of_statements(text, target):
    """The leading top-level statements of `text` that make at least `target` lines."""
    end = 0
    for node in ast.parse(text).body:
        end = node.end_lineno
        if end >= target:
            break
    return "\n".join(text.splitlines()[:end]) + "\n"


def measure_code_actions(name, spec, big, log_dir, count, timeout):
    """Docstring code actions: at `count` function names spread over big.py, the action list
    (textDocument/codeAction) and the resolution of its first docstring action
    (codeAction/resolve); then "document every definition" on a file of about 5,000 lines
    (list with only=source, then resolve), five times."""
    client, _, capabilities = start_server(name, spec, big.parent, log_dir, "actions", timeout,
                                           actions=True)
    result = {"errors": []}
    try:
        if not capabilities.get("codeActionProvider"):
            result["errors"].append("no codeActionProvider")
            return result
        text = big.read_text(encoding="utf-8")
        uri = open_and_wait(client, big, text, timeout, result)
        result.pop("open_diagnostic_list", None)
        lines = text.splitlines(keepends=True)
        listed, resolved, both, offered = [], [], [], 0
        for line, index in function_name_points(text, count):
            position = {"line": line, "character": utf16_column(lines[line], index)}
            seconds, actions = client.request("textDocument/codeAction", {
                "textDocument": {"uri": uri}, "range": {"start": position, "end": position},
                "context": {"diagnostics": []}}, timeout)
            listed.append(seconds)
            rewrite = [a for a in actions or [] if a.get("kind", "").startswith("refactor")]
            if rewrite:
                offered += 1
                more, _ = client.request("codeAction/resolve", rewrite[0], timeout)
                resolved.append(more)
                both.append(seconds + more)
            client.inbox.clear()
        result["list"] = summary_ms(listed)
        result["resolve"] = summary_ms(resolved) if resolved else None
        result["list_and_resolve"] = summary_ms(both) if both else None
        result["with_docstring_action"] = offered
        five_k = first_lines_of_statements(text, 5000)
        path = big.parent / "five_k.py"
        path.write_text(five_k, encoding="utf-8")
        five_uri = open_and_wait(client, path, five_k, timeout, {})
        whole = []
        for _ in range(5):
            start = time.perf_counter()
            _, actions = client.request("textDocument/codeAction", {
                "textDocument": {"uri": five_uri},
                "range": {"start": {"line": 0, "character": 0},
                          "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": [], "only": ["source"]}}, timeout)
            source = [a for a in actions or [] if a.get("kind", "").startswith("source")]
            if not source:
                result["errors"].append("no source action on the 5k-line file")
                break
            _, done = client.request("codeAction/resolve", source[0], timeout)
            whole.append(time.perf_counter() - start)
            edits = done["edit"]["documentChanges"][0]["edits"]
            result["document_all_edits"] = len(edits)
            client.inbox.clear()
        result["document_all_lines"] = len(five_k.splitlines())
        result["document_all"] = summary_ms(whole) if whole else None
    except ServerError as error:
        result["errors"].append(f"actions: {error}")
    finally:
        result["exit_code"] = client.shutdown()
    return result


def process_tree(pid):
    """`pid` and all its descendants."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, unvisited = [], [pid]
    while unvisited:
        current = unvisited.pop()
        tree.append(current)
        unvisited += children.get(current, [])
    return tree


def memory_kib(pid):
    """VmRSS and VmHWM of one process, KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0])
    return values


def measure_memory(name, spec, smalls, log_dir, timeout):
    """Opens every file of `smalls`, waits for the diagnostics of each, then reads the
    memory of the server process (and of its child processes, if any)."""
    client, _, _ = start_server(name, spec, smalls[0].parent, log_dir, "memory",
                                   timeout)
    result = {"errors": []}
    try:
        before = memory_kib(client.proc.pid)
        since = time.perf_counter()
        uris = [open_document(client, path, path.read_text(encoding="utf-8")) for path in smalls]
        for uri in uris:
            client.wait_for(is_diagnostics_for(uri, 1, since), timeout,
                            f"diagnostics for {uri}")
        elapsed = time.perf_counter() - since
        tree = process_tree(client.proc.pid)
        memory = [memory_kib(pid) for pid in tree]
        result.update({"files": len(uris), "seconds_to_all_diagnostics": elapsed,
                       "rss_before_open_mib": before["VmRSS"] / 1024,
                       "rss_mib": memory[0]["VmRSS"] / 1024,
                       "hwm_mib": memory[0]["VmHWM"] / 1024, "processes": len(tree),
                       "tree_rss_mib": sum(m["VmRSS"] for m in memory) / 1024})
    except ServerError as error:
        result["errors"].append(f"memory: {error}")
    finally:
        result["exit_code"] = client.shutdown()
    return result


# --------------------------------------------------------------------------------------------
# Driver and report


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def log(message):
    print(f"== {message} (load: {load_average()})", file=sys.stderr, flush=True)


def per_server(option, servers, default):
    """Parses 'name=value,name=value' (or a bare value for all servers)."""
    values = {name: default[name] if isinstance(default, dict) else default for name in servers}
    for item in filter(None, (option or "").split(",")):
        if "=" in item:
            key, value = item.split("=", 1)
            values[key] = int(value)
        else:
            values = {name: int(item) for name in servers}
    return values


def run_benchmarks(args):
    specs = server_specs(args)
    servers = [s for s in args.servers.split(",") if s]
    for name in servers:
        if name not in specs:
            raise SystemExit(f"lsp_bench: unknown server {name}; known: {', '.join(specs)}")
    edits = per_server(args.edits, servers, {n: 1000 if n == "docent" else 100 for n in servers})
    hovers = per_server(args.hovers, servers, 200)
    pull = set(args.pull.split(","))
    work = Path(args.work or tempfile.mkdtemp(prefix="lsp_bench."))
    log(f"building the corpus from {args.stdlib} in {work}")
    big, smalls = build_corpus(args.stdlib, work / "corpus", args.big_lines, args.files,
                               args.file_lines)
    report = {"machine": machine_info(args), "big_file": {"path": str(big),
              "lines": len(big.read_text().splitlines())},
              "small_files": {"count": len(smalls), "lines": [
                  len(p.read_text().splitlines()) for p in smalls]},
              "servers": {n: specs[n][3] for n in servers}, "runs": []}
    for run in range(args.runs):
        results = {}
        for name in servers:
            entry = {"load_before": load_average()}
            for part in args.measure.split(","):
                log(f"run {run + 1}/{args.runs}: {name}: {part}")
                try:
                    if part == "startup":
                        entry["startup"] = measure_startup(name, specs[name], big.parent,
                                                           work, args.startup_runs,
                                                           args.timeout)
                    elif part == "edits":
                        entry["edits"] = measure_edits_and_hover(
                            name, specs[name], big, work, edits[name], hovers[name], args.seed,
                            args.timeout, name in pull)
                    elif part == "named-edits" and name in pull:
                        entry["named"] = measure_named_edits(
                            name, specs[name], big, work, edits[name], args.seed, args.timeout)
                    elif part == "actions" and name == "docent":
                        entry["actions"] = measure_code_actions(
                            name, specs[name], big, work, hovers[name], args.timeout)
                    elif part == "memory":
                        entry["memory"] = measure_memory(name, specs[name], smalls, work,
                                                         args.timeout)
                except (ServerError, OSError) as error:
                    print(f"lsp_bench: {name}: {part} failed: {error}", file=sys.stderr)
                    entry.setdefault("errors", []).append(f"{part}: {error}")
            entry["load_after"] = load_average()
            results[name] = entry
            print(json.dumps({name: without_raw(entry)}), file=sys.stderr, flush=True)
        report["runs"].append(results)
    report["log_dir"] = str(work)
    return report


def without_raw(entry):
    """The entry without per-edit latencies (for progress output)."""
    entry = json.loads(json.dumps(entry))
    for part in ("edits", "named"):
        entry.get(part, {}).get("edits", {}).pop("latencies_ms", None)
    return entry


def machine_info(args):
    def version(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return "unavailable"
    return {"date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
            "nproc": os.cpu_count(), "uptime": version(["uptime"]),
            "pylsp": version([args.python, "-m", "pylsp", "--version"]),
            "python": version([args.python, "--version"]),
            "node": version(["node", "--version"])}


def median_of(runs, name, *path):
    """Median over runs of one figure, None when no run has it."""
    values = []
    for run in runs:
        value = run.get(name, {})
        for key in path:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        if isinstance(value, (int, float)):
            values.append(value)
    return statistics.median(values) if values else None


def ratio_of(runs, name, peer, *path):
    """Median over runs of docent's figure / the peer's figure of the same run."""
    ratios = []
    for run in runs:
        a, b = median_of([run], name, *path), median_of([run], peer, *path)
        if a is not None and b:
            ratios.append(a / b)
    return statistics.median(ratios) if ratios else None


def markdown(report):
    runs = [r for r in report["runs"]]
    names = list(report["servers"])
    out = [f"Corpus: {report['big_file']['lines']}-line file; "
           f"{report['small_files']['count']} files of "
           f"{min(report['small_files']['lines'])}–{max(report['small_files']['lines'])} lines. "
           f"Medians over {len(runs)} run(s).  ",
           f"Machine: nproc {report['machine']['nproc']}; {report['machine']['uptime']}  "]
    for name in names:
        loads = [f"{run[name]['load_before']} → {run[name]['load_after']}"
                 for run in runs if name in run]
        out.append(f"{name}: {report['servers'][name]}; load {'; '.join(loads)}  ")
    rows = [
        ("didChange → diagnostics, median ms", ("edits", "edits", "median")),
        ("didChange → diagnostics, p90 ms", ("edits", "edits", "p90")),
        ("didChange → diagnostics, p99 ms", ("edits", "edits", "p99")),
        ("didChange → diagnostics, max ms", ("edits", "edits", "max")),
        ("edits measured", ("edits", "edits", "n")),
        ("same, edits in top-level statements ≤ 200 lines, median ms",
         ("edits", "edits", "statement_le_200_lines", "median")),
        ("same, edits in top-level statements > 200 lines, median ms",
         ("edits", "edits", "statement_gt_200_lines", "median")),
        ("same, push: edits inside flagged names, median ms", ("named", "edits", "median")),
        ("same, push: p90 ms", ("named", "edits", "p90")),
        ("same, push: p99 ms", ("named", "edits", "p99")),
        ("same, push: max ms", ("named", "edits", "max")),
        ("diagnostics per publish", ("edits", "edits", "diagnostics_per_publish")),
        ("textDocument/diagnostic without an edit, median ms", ("edits", "pull_only", "median")),
        ("didOpen → diagnostics of the big file, ms", ("edits", "open_ms")),
        ("hover, median ms", ("edits", "hover", "median")),
        ("hover, p99 ms", ("edits", "hover", "p99")),
        ("hovers with content", ("edits", "hover", "with_content")),
        ("code action list at a function name, median ms", ("actions", "list", "median")),
        ("code action list + resolve of its docstring action, median ms",
         ("actions", "list_and_resolve", "median")),
        ("same, p99 ms", ("actions", "list_and_resolve", "p99")),
        ("names with a docstring action", ("actions", "with_docstring_action")),
        ("document every definition of a 5k-line file (list + resolve), median ms",
         ("actions", "document_all", "median")),
        ("edits of that action", ("actions", "document_all_edits")),
        ("process start → initialize response, ms", ("startup", "median")),
        ("RSS after 100 files, MiB", ("memory", "rss_mib")),
        ("peak RSS (VmHWM), MiB", ("memory", "hwm_mib")),
        ("RSS of the process tree, MiB", ("memory", "tree_rss_mib")),
        ("100 didOpen → all diagnostics, s", ("memory", "seconds_to_all_diagnostics")),
    ]
    peers = [n for n in names if n != "docent"] if "docent" in names else []
    out += ["", "| measurement | " + " | ".join(names) + "".join(
        f" | docent / {p}" for p in peers) + " |",
        "|---" * (1 + len(names) + len(peers)) + "|"]
    for label, path in rows:
        cells = [median_of(runs, n, *path) for n in names]
        if all(c is None for c in cells):
            continue
        ratios = [ratio_of(runs, "docent", p, *path) for p in peers]
        out.append(f"| {label} | " + " | ".join(fmt(c) for c in cells) +
                   "".join(f" | {fmt(r, ratio=True)}" for r in ratios) + " |")
    errors = [f"- run {i + 1}, {n}: {e}" for i, run in enumerate(runs) for n in run
              for e in run[n].get("errors", []) + run[n].get("edits", {}).get("errors", [])
              + run[n].get("memory", {}).get("errors", [])
              + run[n].get("named", {}).get("errors", [])]
    if errors:
        out += ["", "Errors:", ""] + errors
    return "\n".join(out)


def fmt(value, ratio=False):
    if value is None:
        return "—"
    if ratio:
        return f"{value:.3g}" if value >= 0.1 else f"{value:.2g} (1/{1 / value:.0f})"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if value >= 1 else f"{value:.3f}"


def main():
    if sys.argv[1:] == ["--echo-server"]:
        return echo_server()
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(
        description="Times docent, pylsp and pyright over stdio with one LSP client "
        "(see docs/benchmarks.md, 'Language server').")
    parser.add_argument("--servers", default="docent,pylsp,pyright",
                        help="comma list of docent, pylsp, pylsp-default, pyright, floor")
    parser.add_argument("--measure", default="startup,edits,named-edits,actions,memory",
                        help="comma list of startup, edits (with hover), named-edits, actions "
                             "(docent only), memory")
    parser.add_argument("--pull", default="docent",
                        help="servers whose edits are timed with pull diagnostics, because "
                        "they publish only changed sets; named-edits runs for these only")
    parser.add_argument("--docent", default=str(repo / "build/release/lsp/docent"))
    parser.add_argument("--pyright", default=os.environ.get(
        "PYRIGHT_LANGSERVER", "node_modules/pyright/langserver.index.js"),
        help="pyright's langserver.index.js (env PYRIGHT_LANGSERVER)")
    parser.add_argument("--python", default="/usr/bin/python3", help="Python that has pylsp")
    parser.add_argument("--stdlib", default="/usr/lib/python3.11")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edits", help="edits per server: N or name=N,... "
                        "(default docent=1000, others 100)")
    parser.add_argument("--hovers", help="hovers per server: N or name=N,... (default 200)")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--big-lines", type=int, default=10000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--file-lines", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds to wait for any one response or publication")
    parser.add_argument("--work", help="folder for the corpus and server logs (default: temp)")
    parser.add_argument("--json", help="write all raw results to this file")
    args = parser.parse_args()
    report = run_benchmarks(args)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    print(markdown(report))


if __name__ == "__main__":
    main()
