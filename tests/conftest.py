"""Shared helpers: build small projects in a temp dir and run the real pipeline on them."""

from __future__ import annotations

import importlib.util
import os
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from twelvefactor_lint.config import Settings
from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.model import Result
from twelvefactor_lint.runner import run

REPO = Path(__file__).resolve().parent.parent


def accuracy_script(name: str) -> ModuleType:
    """Load bench/accuracy/<name>.py (a script, not a package) with its sibling corpus.py importable."""
    folder = str(REPO / "bench" / "accuracy")
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(f"accuracy_{name}", f"{folder}/{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(folder)

STATEFUL_FLASK_APP = """\
from flask import Flask
app = Flask(__name__)
CARTS = {}

@app.post("/cart/<user>")
def add(user):
    CARTS[user] = []
    return str(len(CARTS))
"""

"""A Flask app with one TF601 finding, on line 7 (the handler reads back what requests left): a warning, an error
with a deploy that runs it in several processes (GUNICORN_WORKERS)."""

GUNICORN_WORKERS = "web: gunicorn --bind 0.0.0.0:$PORT -w 4 app:app\n"
"""A Procfile that serves `app:app` from four gunicorn workers: module state its handlers write is split (TF601 error)."""


@pytest.fixture(autouse=True)
def _own_facts_cache(tmp_path_factory, monkeypatch):
    """Each test starts with an empty facts cache of its own, outside the projects it lints."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def browser():
    """A fresh headless Chromium's first tab (tests/chromium.py); skipped where Chromium is missing, except in CI."""
    from chromium import chromium, chromium_binary

    if chromium_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with chromium() as page:
        yield page


@pytest.fixture(scope="session")
def catalogue():
    return catalogue_module.load()


@pytest.fixture
def parsed(monkeypatch):
    """The names of the rule files parsed from YAML (not taken from a kept or shipped catalogue), in order."""
    files: list[str] = []
    real = catalogue_module.load_rule
    monkeypatch.setattr(catalogue_module, "load_rule", lambda source, *args: files.append(source.name) or real(source, *args))
    return files


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def python_facts(source: str, kind: str, path: str = "app/settings.py") -> list:
    """The facts of one kind the Python analyzer makes of `source` (dedented), which must parse."""
    from twelvefactor_lint.analyze.python import analyze

    facts = analyze(path, textwrap.dedent(source).encode("utf-8")).facts
    assert not [f for f in facts if f.kind == "parse_error"], "test source must parse"
    return [f for f in facts if f.kind == kind]


def rule_findings(root: Path, catalogue, files: dict[str, str], rule: str) -> list[tuple[str, int, str]]:
    """(path, line, severity) of one rule's findings on a project of `files` written under `root`."""
    result = run([write_tree(root, files)], Settings(root=root), catalogue)
    return sorted((f.path, f.line, f.severity) for f in result.findings if f.rule == rule)


@pytest.fixture
def lint(tmp_path, catalogue):
    """lint({"app.py": "..."}, select=("TF601",)) -> Result for a project built in tmp_path."""

    def _lint(files: dict[str, str | bytes], **settings) -> Result:
        write_tree(tmp_path, files)
        return run([tmp_path], Settings(root=tmp_path, **settings), catalogue)

    return _lint
