"""A small LSP client for tests and the benchmark: `12f-lint server` in a subprocess, JSON-RPC over its stdio.

It talks to the server as an editor does (Content-Length framed JSON), so the tests cover the
wiring, not just the functions behind it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def uri(path: Path) -> str:
    return Path(os.path.abspath(path)).as_uri()


class LspClient:
    def __init__(self, cwd: Path, env: dict[str, str] | None = None, command: list[str] | None = None):
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "twelvefactor_lint", "server"], cwd=cwd, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        self._messages: queue.Queue[dict] = queue.Queue()
        self._responses: dict[int, dict] = {}
        self.notifications: list[dict] = []
        self._next_id = 0
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            self._messages.put(json.loads(stream.read(length)))

    def send_raw(self, body: bytes) -> None:
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _send(self, message: dict) -> None:
        self.send_raw(json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8"))

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 30) -> dict:
        """The whole response message (`result` or `error`)."""
        self._next_id += 1
        number = self._next_id
        self._send({"id": number, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while number not in self._responses:
            self._pump(deadline)
        return self._responses.pop(number)

    def _pump(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer from the language server; stderr: " + b"".join(self.stderr).decode()[-2000:])
        try:
            message = self._messages.get(timeout=remaining)
        except queue.Empty:
            return
        if "id" in message and "method" in message:  # a request from the server (registerCapability)
            self._send({"id": message["id"], "result": None})
        elif "id" in message:
            self._responses[message["id"]] = message
        else:
            self.notifications.append(message)

    def wait_for(self, method: str, test: Callable[[dict], bool] = lambda params: True, timeout: float = 30) -> dict:
        """The params of the first notification `method` (not yet taken) that passes `test`; it is taken."""
        deadline = time.monotonic() + timeout
        while True:
            for i, message in enumerate(self.notifications):
                if message["method"] == method and test(message["params"]):
                    del self.notifications[i]
                    return message["params"]
            self._pump(deadline)

    def diagnostics(self, path: Path, test: Callable[[list], bool] = lambda d: True, timeout: float = 30) -> list[dict]:
        """The next diagnostics published for `path` that pass `test`."""
        target = uri(path)
        return self.wait_for("textDocument/publishDiagnostics",
                             lambda p: p["uri"] == target and test(p["diagnostics"]), timeout)["diagnostics"]

    def initialize(self, folder: Path, capabilities: dict | None = None) -> dict:
        answer = self.request("initialize", {
            "processId": os.getpid(), "rootUri": uri(folder), "capabilities": capabilities or {},
            "workspaceFolders": [{"uri": uri(folder), "name": folder.name}]})
        self.notify("initialized", {})
        return answer["result"]

    def open(self, path: Path, text: str | None = None, language: str = "python") -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(path), "languageId": language, "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text}})

    def change(self, path: Path, text: str, version: int) -> None:
        """The whole new text (a full-content change, which every server must accept)."""
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri(path), "version": version},
                                               "contentChanges": [{"text": text}]})

    def save(self, path: Path) -> None:
        self.notify("textDocument/didSave", {"textDocument": {"uri": uri(path)}})

    def close(self) -> int:
        """Shut the server down as an editor does; its exit code."""
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to `text`, as an editor does: last first."""
    lines = text.splitlines(keepends=True) or [""]

    def offset(position: dict) -> int:
        line = position["line"]
        if line >= len(lines):
            return len(text)
        before = sum(len(text) for text in lines[:line])
        units, chars = 0, 0
        for char in lines[line]:
            if units >= position["character"] or char in "\r\n":
                break
            units += 2 if ord(char) > 0xFFFF else 1
            chars += 1
        return before + chars

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
