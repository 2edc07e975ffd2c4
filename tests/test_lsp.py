"""The real language server ``python-lsp-server`` (pylsp) with its flake8 plugin, driven over stdio.

pylsp runs ``flake8 - --stdin-display-name <path>`` on the buffer in a subprocess on open and on every
change (saved or not) and turns flake8's ``path:line:col: CODE message`` lines into diagnostics. This
client speaks JSON-RPC with Content-Length framing; every wait has a deadline, so the test cannot hang.
"""

import json
import os
import queue
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("pylsp")
pytest.importorskip("pylsp.plugins.flake8_lint")

WAIT = 20.0  # seconds for any one answer; the whole test stays well under 30 s

from .conftest import HEADER, MASK_MODEL
OPENED = MASK_MODEL
# Unsaved edit: the buffer is registered now, and a learnable tensor that is no Parameter appears.
CHANGED = OPENED.replace(
    "self.mask = torch.tril(torch.ones(n, n))",
    'self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)\n'
    "        self.w = torch.randn(n, n, requires_grad=True)",
).replace("return x @ self.mask", "return x @ self.mask @ self.w")


class LanguageServer:
    """A minimal LSP client: requests, notifications, and a queue of what the server sends."""

    def __init__(self, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pylsp"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.inbox: "queue.Queue[dict | None]" = queue.Queue()
        self.next_id = 0
        self.stderr_chunks: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = stream.read(length)
                if len(body) < length:
                    return
                message = json.loads(body)
                if "method" in message and "id" in message:  # a request from the server
                    self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                self.inbox.put(message)
        finally:
            self.inbox.put(None)

    def _drain_stderr(self) -> None:
        for chunk in iter(lambda: self.proc.stderr.read(4096), b""):
            self.stderr_chunks.append(chunk)

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict | None = None) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def request(self, method: str, params: dict | None = None) -> dict:
        self.next_id += 1
        request_id = self.next_id
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}})
        response = self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, f"reply to {method}")
        assert "error" not in response, response
        return response.get("result")

    def wait_for(self, predicate, what: str) -> dict:
        deadline = time.monotonic() + WAIT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}; pylsp stderr:\n{self.stderr()}")
            try:
                message = self.inbox.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                raise AssertionError(f"pylsp closed its output waiting for {what}:\n{self.stderr()}")
            if predicate(message):
                return message

    def diagnostics(self, uri: str, accept) -> list[dict]:
        """The first diagnostics published for ``uri`` that ``accept`` takes (earlier ones are stale)."""
        message = self.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and accept(m["params"]["diagnostics"]),
            f"diagnostics for {uri}",
        )
        return message["params"]["diagnostics"]

    def stderr(self) -> str:
        return b"".join(self.stderr_chunks).decode(errors="replace")[-4000:]

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.request("shutdown")
                self.notify("exit")
                self.proc.wait(timeout=5)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)


def flake8_settings() -> dict:
    flake8 = Path(sys.executable).parent / "flake8"
    settings = {"enabled": True}
    if flake8.exists():  # the flake8 that has the plugin, whatever PATH says
        settings["executable"] = str(flake8)
    off = {"enabled": False}
    return {
        "pylsp": {
            "plugins": {
                "flake8": settings,
                "pycodestyle": off,
                "pyflakes": off,
                "mccabe": off,
                "pydocstyle": off,
                "pylint": off,
            }
        }
    }


def ours(diagnostics: list[dict]) -> list[dict]:
    return [d for d in diagnostics if str(d.get("code", "")).startswith("MPR")]


def has_code(code: str):
    return lambda diagnostics: any(d.get("code") == code for d in diagnostics)


@pytest.fixture
def server(tmp_path):
    lsp = LanguageServer(tmp_path)
    try:
        yield lsp
    finally:
        lsp.close()


def test_pylsp_flake8_publishes_our_diagnostics_and_follows_unsaved_edits(server, tmp_path):
    root_uri = tmp_path.as_uri()
    server.request(
        "initialize",
        {"processId": None, "rootUri": root_uri, "capabilities": {}, "workspaceFolders": None},
    )
    server.notify("initialized")
    server.notify("workspace/didChangeConfiguration", {"settings": flake8_settings()})

    uri = (tmp_path / "pkg" / "model.py").as_uri()  # never written to disk: editors lint the buffer
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": OPENED}},
    )
    (diag,) = ours(server.diagnostics(uri, has_code("MPR002")))
    line = OPENED.splitlines()[7]
    assert line.strip().startswith("self.mask = ")
    assert diag["source"] == "flake8"
    assert diag["range"]["start"] == {"line": 7, "character": 8}  # 0-based: flake8's 8:9
    assert diag["range"]["end"]["line"] == 7
    assert diag["message"].startswith("MPR002 self.mask is multiplied (@) with tensors that follow the module in forward (line 11)")
    assert 'self.register_buffer("mask", ..., persistent=False)' in diag["message"]
    assert diag["severity"] == 2  # Warning

    server.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": CHANGED}]},
    )
    diagnostics = ours(server.diagnostics(uri, lambda d: not has_code("MPR002")(d)))
    assert [(d["code"], d["range"]["start"]) for d in diagnostics] == [("MPR001", {"line": 8, "character": 8})]
    assert CHANGED.splitlines()[8].strip().startswith("self.w = torch.randn")
    assert diagnostics[0]["message"].startswith("MPR001 self.w ")
    assert "nn.Parameter" in diagnostics[0]["message"]


NOQA_BUFFER = HEADER + textwrap.dedent(
    """\
    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.a = torch.ones(n); x = 1  # noqa: MPR002
            self.b = torch.ones(n); y = 1  # noqa: MPR
            self.c = torch.ones(n); z = 1  # noqa : MPR002
            self.d = torch.ones(n)  # noqa: MPR0
            self.e = torch.ones(n)  # noqa: mpr002
            self.f = torch.ones(n)  # noqa: MPR001

        def forward(self, t):
            return t + self.a + self.b + self.c + self.d + self.e + self.f
    """
)


def test_noqa_needs_a_code_with_digits_in_real_flake8_on_stdin(tmp_path):
    """``# noqa: MPR002`` hides only that code; a letters-only ``# noqa: MPR`` (or a space before the
    colon) is read by flake8 as a bare ``# noqa`` and silently hides every check on the line."""
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "-", "--stdin-display-name", "model.py", "--select", "E,F,MPR"],
        input=NOQA_BUFFER,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=WAIT,
    )
    found = {(int(line.split(":")[1]), line.split()[1]) for line in proc.stdout.splitlines()}
    assert proc.returncode == 1, proc.stderr
    assert found == {
        (8, "E702"), (8, "F841"),  # "noqa: MPR002": our finding hidden, the others kept
        # line 9 "noqa: MPR" and line 10 "noqa : MPR002": everything on the line hidden
        # line 11 "noqa: MPR0": a code prefix hides MPR002
        (12, "MPR002"),  # "noqa: mpr002": codes are case-sensitive, a lowercase one matches nothing
        (13, "MPR002"),  # "noqa: MPR001" names another code
    }
