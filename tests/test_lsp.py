"""`12f-lint server` driven as an editor drives it: a subprocess, JSON-RPC over its stdio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsp_client import LspClient, apply_edits, uri  # noqa: E402

VIEWS = '''from flask import Flask, request

from app.state import CARTS

app = Flask(__name__)
ORDERS = []
REDIS_URL = "redis://cache.internal:6379/0"


@app.post("/orders")
def create_order():
    ORDERS.append(request.json)
    CARTS[request.json["user"]] = []
    return {"orders": len(ORDERS), "carts": len(CARTS)}
'''
DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN pip install flask gunicorn\n"
COMPOSE = """services:
  web:
    build: .
    command: gunicorn app.views:app --bind 0.0.0.0:8000
  worker:
    build: .
    command: ./docker/start.sh
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    files = {
        "pyproject.toml": "[tool.12f-lint]\n",
        "app/__init__.py": "",
        "app/state.py": "CARTS = {}\n",
        "app/views.py": VIEWS,
        "Dockerfile": DOCKERFILE,
        "compose.yaml": COMPOSE,
        # four gunicorn workers: several processes, so TF601 is an error
        "docker/start.sh": "#!/bin/sh\npython manage.py migrate\nexec gunicorn -w 4 app.views:app\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def client(project: Path, tmp_path: Path):
    lsp = LspClient(project, env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    lsp.initialize(project, {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
    yield lsp
    assert lsp.close() == 0


def _by_rule(diagnostics: list[dict], rule: str) -> list[dict]:
    return [d for d in diagnostics if d["code"] == rule]


def _line(diagnostic: dict) -> int:
    return diagnostic["range"]["start"]["line"]


def test_a_stateful_view_gets_tf601_with_its_range_link_and_the_state_definition(client, project):
    views = project / "app" / "views.py"
    client.open(views)
    found = _by_rule(client.diagnostics(views), "TF601")
    orders, carts = sorted(found, key=_line)
    assert orders["range"] == {"start": {"line": 11, "character": 4}, "end": {"line": 11, "character": 31}}
    assert orders["severity"] == 1 and orders["source"] == "12f-lint"
    assert orders["codeDescription"]["href"].endswith("/docs/rules/TF601-mutable-module-state.md")
    assert orders["relatedInformation"] == [{
        "location": {"uri": uri(views), "range": {"start": {"line": 5, "character": 0}, "end": {"line": 6, "character": 0}}},
        "message": "defined here"}]
    assert carts["relatedInformation"] == [{
        "location": {"uri": uri(project / "app" / "state.py"),
                     "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}},
        "message": "defined here"}]


def test_editing_the_buffer_clears_the_diagnostic_before_any_save(client, project):
    views = project / "app" / "views.py"
    client.open(views)
    assert len(_by_rule(client.diagnostics(views), "TF601")) == 2
    client.change(views, VIEWS.replace("    ORDERS.append(request.json)\n", ""), version=2)
    left = client.diagnostics(views, lambda d: len(_by_rule(d, "TF601")) == 1)
    assert "CARTS" in _by_rule(left, "TF601")[0]["message"]
    assert views.read_text() == VIEWS  # judged from the buffer, the file untouched


def _actions(client: LspClient, path: Path, line: int) -> list[dict]:
    answer = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri(path)},
        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
        "context": {"diagnostics": []}})
    return answer["result"]


def test_code_actions_fix_and_suppress_and_the_edits_apply(client, project):
    views = project / "app" / "views.py"
    client.open(views)
    client.diagnostics(views)
    actions = {a["title"]: a for a in _actions(client, views, 6)}
    fix = actions["Fix TF401 hardcoded-service-locator"]
    assert fix["kind"] == "quickfix" and fix["isPreferred"] is True
    fixed = apply_edits(VIEWS, fix["edit"]["changes"][uri(views)])
    assert 'REDIS_URL = os.environ.get("REDIS_URL", "redis://cache.internal:6379/0")' in fixed
    assert fixed.startswith("import os\n")

    suppress = {a["title"]: a for a in _actions(client, views, 11)}["Suppress TF601 on this line"]
    suppressed = apply_edits(VIEWS, suppress["edit"]["changes"][uri(views)])
    assert "    # 12f: ignore[TF601] -- reason\n    ORDERS.append(request.json)\n" in suppressed
    client.change(views, suppressed, version=2)
    left = client.diagnostics(views, lambda d: len(_by_rule(d, "TF601")) == 1)
    assert "CARTS" in _by_rule(left, "TF601")[0]["message"]

    in_file = {a["title"]: a for a in _actions(client, views, 13)}["Suppress TF601 in this file"]
    whole = apply_edits(suppressed, in_file["edit"]["changes"][uri(views)])
    assert whole.startswith("# 12f: ignore-file[TF601] -- reason\n")
    client.change(views, whole, version=3)
    client.diagnostics(views, lambda d: not _by_rule(d, "TF601"))


def test_an_unsafe_fix_says_so(client, project):
    settings = project / "app" / "settings.py"
    settings.write_text('STRIPE_SECRET_KEY = "sk_live_51H8xYzAbCdEfGhIjKlMn"\n', encoding="utf-8")
    client.open(settings)
    client.diagnostics(settings, lambda d: bool(d))
    fix = [a for a in _actions(client, settings, 0) if a["title"].startswith("Fix")]
    assert [(a["title"], a.get("isPreferred")) for a in fix] == [("Fix TF301 secret-literal (unsafe: changes behaviour)", False)]


def test_a_dockerfile_is_judged_with_the_compose_file_that_starts_it(client, project):
    dockerfile = project / "Dockerfile"
    client.open(dockerfile, language="dockerfile")
    assert client.diagnostics(dockerfile) == []  # compose's `command:` supplies the start command
    (project / "compose.yaml").write_text("services:\n  web:\n    build: .\n", encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri(project / "compose.yaml"), "type": 2}]})
    missing = _by_rule(client.diagnostics(dockerfile, bool), "TF903")
    assert missing and _line(missing[0]) == 0


def test_a_script_compose_starts_points_back_at_the_compose_line(client, project):
    script = project / "docker" / "start.sh"
    client.open(script, language="shellscript")
    migrate = _by_rule(client.diagnostics(script), "TF1201")[0]
    assert _line(migrate) == 1
    assert [r["location"]["uri"] for r in migrate["relatedInformation"]] == [uri(project / "compose.yaml")]
    assert migrate["relatedInformation"][0]["location"]["range"]["start"]["line"] == 6


def test_hover_shows_the_rules_explanation(client, project):
    views = project / "app" / "views.py"
    client.open(views)
    client.diagnostics(views)
    answer = client.request("textDocument/hover", {"textDocument": {"uri": uri(views)}, "position": {"line": 11, "character": 8}})
    explain = subprocess.run([sys.executable, "-m", "twelvefactor_lint", "explain", "TF601"], capture_output=True, text=True)
    assert answer["result"]["contents"] == {"kind": "markdown", "value": explain.stdout}
    nothing = client.request("textDocument/hover", {"textDocument": {"uri": uri(views)}, "position": {"line": 0, "character": 0}})
    assert nothing["result"] is None


def test_lint_project_publishes_files_that_are_not_open(client, project):
    answer = client.request("workspace/executeCommand", {"command": "12f-lint.lintProject", "arguments": []})
    assert answer["result"] == {"findings": 4}
    assert _by_rule(client.diagnostics(project / "docker" / "start.sh"), "TF1201")
    assert len(_by_rule(client.diagnostics(project / "app" / "views.py"), "TF601")) == 2


def test_a_config_change_is_read_again(client, project):
    views = project / "app" / "views.py"
    client.open(views)
    assert _by_rule(client.diagnostics(views), "TF601")
    (project / ".12f-lint.toml").write_text('ignore = ["TF601"]\n', encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri(project / ".12f-lint.toml"), "type": 1}]})
    client.diagnostics(views, lambda d: d and not _by_rule(d, "TF601"))
    (project / ".12f-lint.toml").write_text("", encoding="utf-8")
    client.save(project / ".12f-lint.toml")  # saving the config in the editor reloads it too
    client.diagnostics(views, lambda d: len(_by_rule(d, "TF601")) == 2)


def test_bad_requests_and_strange_files_do_not_stop_the_server(client, project, tmp_path):
    views = project / "app" / "views.py"
    client.send_raw(b'{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {')
    client.send_raw(b"\xff\xfe not json at all")
    broken = client.request("textDocument/codeAction", {"textDocument": {"uri": uri(views)}})
    assert "error" in broken
    outside = tmp_path / "elsewhere.py"
    outside.write_text("STATE = {}\n", encoding="utf-8")
    client.open(outside)
    assert client.request("textDocument/hover", {"textDocument": {"uri": uri(outside)},
                                                 "position": {"line": 0, "character": 0}})["result"] is None
    assert _actions(client, outside, 0) == []
    (project / "app" / "blob.py").write_bytes(b"\x00\x01\x02binary\xff" * 50)
    client.open(project / "app" / "blob.py", text="\x00 not really python \ufffd")
    client.open(views)
    assert _by_rule(client.diagnostics(views), "TF601")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": "untitled:Untitled-1", "languageId": "python",
                                                            "version": 1, "text": "X = {}\n"}})
    assert client.request("textDocument/hover", {"textDocument": {"uri": uri(views)},
                                                 "position": {"line": 11, "character": 8}})["result"] is not None
    assert client.process.poll() is None
