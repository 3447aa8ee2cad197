"""Python newer than the running interpreter: analyzed by a newer python3.X on PATH, else skipped with a
reason and a notice — never reported as TF001, which is for files no Python can parse."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from twelvefactor_lint import runner
from twelvefactor_lint.analyze import NEWER_SYNTAX
from twelvefactor_lint.analyze.python import newer
from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.infra import cache
from twelvefactor_lint.runner import run

NEWER = """\
from flask import Flask
app = Flask(__name__)
CARTS = {}
type Cart = dict[str, list[str]]

def first[T](items: list[T]) -> T:
    return items[0]

@app.post("/cart/<user>")
def add(user):
    CARTS[user] = []
    return f"{"ok"}"
"""
"""PEP 695 and PEP 701 syntax (Python 3.12), with TF601 on line 11."""


def _working_newer_python() -> str | None:
    """A directory holding a python3.X newer than this one that really runs (pyenv shims may not)."""
    candidates = [*glob.glob("/root/.pyenv/versions/3.1[2-9]*/bin"), *os.environ["PATH"].split(os.pathsep)]
    for directory in candidates:
        for minor in range(20, sys.version_info.minor, -1):
            program = Path(directory) / f"python3.{minor}"
            if program.is_file() and subprocess.run([program, "-c", "pass"], capture_output=True).returncode == 0:
                return directory
    return None


@pytest.fixture
def path_with(monkeypatch, tmp_path_factory):
    def _set(directory: str | None) -> None:
        empty = tmp_path_factory.mktemp("bin")
        monkeypatch.setenv("PATH", os.pathsep.join(filter(None, [directory, str(empty), "/usr/bin", "/bin"])))
        newer._newer_interpreters.cache_clear()
        cache.code_stamp.cache_clear()  # it names the newer interpreters
    yield _set
    newer._newer_interpreters.cache_clear()
    cache.code_stamp.cache_clear()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python reads 3.12 syntax itself")
def test_without_a_newer_python_the_file_is_skipped_with_a_reason_and_a_notice(tmp_path, path_with):
    path_with(None)
    (tmp_path / "shop.py").write_text(NEWER)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\nrequires-python = ">=3.12"\n')
    result = CliRunner().invoke(main, ["--no-cache", "--format", "json", str(tmp_path)])
    report = __import__("json").loads(result.stdout)
    assert [f["rule"] for f in report["findings"]] == []
    [skipped] = report["files"]["skipped"]
    assert skipped["path"] == "shop.py" and skipped["reason"].startswith(NEWER_SYNTAX)
    assert "requires Python >=3.12" in result.stderr and "language_version" in result.stderr


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python reads 3.12 syntax itself")
def test_a_newer_python_on_path_analyzes_the_file(lint, path_with):
    directory = _working_newer_python()
    if directory is None:
        pytest.skip("no working python3.12+ on this machine")
    path_with(directory)
    result = lint({"shop.py": NEWER})
    assert [(f.rule, f.line) for f in result.findings] == [("TF601", 11)]
    assert result.skipped == ()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python reads 3.12 syntax itself")
def test_the_newer_python_parses_but_never_runs_the_scanned_code(lint, path_with, tmp_path_factory):
    directory = _working_newer_python()
    if directory is None:
        pytest.skip("no working python3.12+ on this machine")
    path_with(directory)
    marker = tmp_path_factory.mktemp("markers") / "ran"
    lint({"planted.py": f"type T = int\nopen({str(marker)!r}, 'w').close()\n"})
    assert not marker.exists()


def test_a_real_syntax_error_is_still_tf001(lint, path_with):
    path_with(None)
    result = lint({"broken.py": "def f(:\n    return 1\n"})
    assert [f.rule for f in result.findings] == ["TF001"]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python reads 3.12 syntax itself")
def test_the_skip_is_cached_until_a_newer_python_appears(tmp_path, path_with, monkeypatch, catalogue):
    path_with(None)
    (tmp_path / "shop.py").write_text(NEWER)
    past = time.time() - 60  # the cache does not trust the mtime of a file modified seconds ago
    os.utime(tmp_path / "shop.py", (past, past))
    calls: list[str] = []
    real = runner.analyzer_for
    monkeypatch.setattr(runner, "analyzer_for", lambda kind: lambda path, data: calls.append(path) or real(kind)(path, data))
    first = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert calls == ["shop.py"] and first.skipped[0].reason.startswith(NEWER_SYNTAX)
    assert run([tmp_path], Settings(root=tmp_path), catalogue) == first and calls == ["shop.py"]
    directory = _working_newer_python()
    if directory is not None:
        path_with(directory)
        assert [f.rule for f in run([tmp_path], Settings(root=tmp_path), catalogue).findings] == ["TF601"]
        assert calls == ["shop.py", "shop.py"]


def test_syntax_newer_than_every_python_on_path_names_the_ones_tried(lint, path_with):
    directory = _working_newer_python()
    if directory is None or not newer.is_newer_syntax(NEWEST.encode()):
        pytest.skip("no working newer python3.X here, or libcst does not read PEP 758 yet")
    path_with(directory)
    result = lint({"shop.py": NEWEST})
    assert [f.rule for f in result.findings] == []
    [skipped] = result.skipped
    assert skipped.reason.startswith(NEWER_SYNTAX) and "on PATH could not parse it either" in skipped.reason


NEWEST = """\
def load(read):
    try:
        return read()
    except ValueError, KeyError:
        return None
"""
"""PEP 758 (Python 3.14): an `except` of several types without parentheses."""


@pytest.mark.parametrize("source", [
    'print "started"\n',
    'exec "x = 1"\n',
    'pairs = sorted(d.items(), key=lambda (k, v): v)\n',  # ministryofjustice/cla_public's views.py
    'def f(a, (b, c)):\n    return b\n',
    'MODE = 0755\n',
    'text = `value`\n',
    'if a <> b:\n    pass\n',
    'raise ValueError, "bad"\n',
])
def test_python_2_code_is_skipped_with_that_reason_not_reported_as_broken(lint, source):
    """Valid Python 2 (an image on Python 2.7 runs it) is not a file 12f-lint failed on: skipped, not TF001."""
    from twelvefactor_lint.analyze import PYTHON2_SYNTAX

    result = lint({"app/views.py": source, "app/broken.py": "def broken(:\n    pass\n"})
    assert [(f.rule, f.path) for f in result.findings if f.rule == "TF001"] == [("TF001", "app/broken.py")]
    assert [s.reason.split(" (")[0] for s in result.skipped if s.path == "app/views.py"] == [PYTHON2_SYNTAX]



def test_libcst_decides_in_a_process_of_its_own_and_one_that_dies_is_replaced():
    """Its import and its trees (several MB for a long module) stay out of the analyzing process."""
    probe = ("import sys; from twelvefactor_lint.analyze.python import newer; newer_file = sys.argv[1].encode(); "
             "verdicts = [newer.is_newer_syntax(newer_file), newer.is_newer_syntax(b'def f(:\\n')]; "
             "newer._Checker.here().process.kill(); "
             "verdicts += [newer.is_newer_syntax(newer_file), newer.is_newer_syntax(newer_file)]; "
             "print(*verdicts, 'libcst' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, NEWER], capture_output=True, text=True, check=True, cwd=REPO)
    # the dead checker's question gets "no" (as when libcst crashes on a file); the next one a new checker
    assert done.stdout.split() == ["True", "False", "False", "True", "False"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers share the checker where they fork")
def test_a_project_needing_a_newer_python_shares_one_checker_with_the_workers_it_forks(tmp_path):
    """libcst is imported once per run, not once per worker; a shared checker that dies leaves each process to
    start its own, and no question goes unanswered."""
    probe = """
import os, pathlib, sys
from twelvefactor_lint.analyze.python import newer
newer_file = sys.argv[1].encode()
root = pathlib.Path(sys.argv[2])
newer.share(root / "old")
unshared = newer._Checker._shared is None
newer.share(root / "new")
shared = newer._Checker._shared
answers = []
for _ in range(2):
    read, write = os.pipe()
    if os.fork() == 0:
        fine = newer.is_newer_syntax(newer_file) and not newer.is_newer_syntax(b"def f(:\\n")
        os.write(write, b"1" if fine and newer._Checker.here() is shared and newer._Checker._running is None else b"0")
        os._exit(0)
    os.close(write)
    answers.append(os.read(read, 1).decode())
    os.wait()
shared.process.kill()
print(unshared, *answers, newer.is_newer_syntax(newer_file), newer._Checker._shared is None)
"""
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.8"\n')
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.99,<4"\n')
    done = subprocess.run([sys.executable, "-c", probe, NEWER, str(tmp_path)], capture_output=True, text=True,
                          check=True, cwd=REPO)
    assert done.stdout.split() == ["True", "1", "1", "True", "True"]


@pytest.mark.skipif(sys.version_info >= (3, 12) or not sys.platform.startswith("linux"),
                    reason="the running Python reads 3.12 syntax itself; workers share the checker where they fork")
def test_a_cold_run_over_workers_starts_one_checker_for_all_of_them(tmp_path, path_with, catalogue, monkeypatch):
    path_with(None)
    started = tmp_path / "started"
    start_own = newer.start_own

    def noted(code):
        with open(started, "a") as out:
            out.write(f"{os.getpid()}\n")
        return start_own(code)

    monkeypatch.setattr(newer, "start_own", noted)
    monkeypatch.setattr(newer._Checker, "_shared", None)
    project = tmp_path / "project"
    for number in range(60):
        (project / "shop" / f"module{number}.py").parent.mkdir(parents=True, exist_ok=True)
        (project / "shop" / f"module{number}.py").write_text(NEWER if number % 20 == 0 else f"LIMIT = {number}\n")
    (project / "pyproject.toml").write_text('[project]\nname = "shop"\nrequires-python = ">=3.12"\n')
    result = run([project], Settings(root=project, jobs=2, cache=False), catalogue)
    assert sorted(s.path for s in result.skipped if s.reason.startswith(NEWER_SYNTAX)) == [
        "shop/module0.py", "shop/module20.py", "shop/module40.py"]
    assert started.read_text().split() == [str(os.getpid())]
    newer._Checker._shared.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers inherit the answers where they fork")
def test_the_newer_interpreters_on_path_are_asked_once_per_run_not_once_per_worker(tmp_path):
    """A pyenv shim of a version that is not installed fails after some 0.3 s of CPU: in a run expecting newer syntax
    the first worker that needs to know asks each interpreter, and the others take its answer."""
    probe = """
import os, pathlib, sys
from twelvefactor_lint.analyze.python import newer
newer.share(pathlib.Path(sys.argv[1]))
answers = []
for _ in range(2):
    read, write = os.pipe()
    if os.fork() == 0:
        os.write(write, repr(newer.analyze_elsewhere("shop.py", b"type Cart = dict\\n")).encode())
        os._exit(0)
    os.close(write)
    answers.append(os.read(read, 100).decode())
    os.wait()
newer._Checker._shared.stop()
print(*answers)
"""
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.99,<4"\n')
    shim, log = tmp_path / "bin" / "python3.20", tmp_path / "started"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\necho started >> {log}\nexit 127\n")
    shim.chmod(0o755)
    environment = {**os.environ, "PATH": os.pathsep.join([str(shim.parent), "/usr/bin", "/bin"])}
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True,
                          cwd=REPO, env=environment)
    assert done.stdout.split() == ["()", "()"]  # it does not start: neither worker has an interpreter to ask
    assert log.read_text().split() == ["started"]


@pytest.mark.parametrize("wanted, newer_than_running", [
    (">=3.99", True), ("~=3.99", True), ("==3.99.*", True), (">3.99,<4", True), ("== 3.99", True),
    (">=3.8", False), ("<3.99", False), ("<3.99,>=3.8", False), (None, False), ("", False), ("not a specifier", False),
    (">=4.0", False),  # what the regex before it read: a minor version of Python 3 past this one's
])
def test_a_lower_bound_past_this_python_is_what_needs_a_newer_one(wanted, newer_than_running):
    assert newer.needs_newer(wanted) is newer_than_running


@pytest.mark.parametrize(("source", "newer_syntax"), [
    ("def first[T](items: list[T]) -> T:\n    return items[0]\n", True),
    ("class Box[T: (int, str), *Ts, **P](Base[T]):\n    pass\n", True),
    ("type Cart = dict[str, list[str]]\n", True),
    ("type Pair[T] = tuple[T, T]\n", True),
    ("class Shop:\n    type Cart = dict\n\n\ndef f[\n    T,  # the item\n    U: (\n        int,\n        str),\n](x): ...\n",
     True),
    ("\ufeffdef first[T](items): pass\n", True),
    ("def first[T](items): pass\ndef broken(:\n    pass\n", False),  # newer syntax and a real error
    ("def first[](items): pass\n", False),  # an empty parameter list is an error in 3.12 too
    ("def first[1](items): pass\n", False),
    ("def first[T: ](items): pass\n", False),
    ("def first[*T: int](items): pass\n", False),
    ("def broken(:\n    pass\n", False),
    ('def first[T](items): return f"{"ok"}"\n', False),  # PEP 701 beside it: libcst's to decide
    ("if ready: type Cart = dict\n", False),  # a shape not known here: libcst's to decide
])
def test_type_parameters_are_read_by_this_python_once_taken_out(source, newer_syntax):
    from twelvefactor_lint.analyze.python.type_params import parses_without_type_params

    assert parses_without_type_params(source.encode()) is newer_syntax


def test_pep_695_syntax_is_told_from_an_error_without_libcst(monkeypatch):
    """Type parameters and `type` statements, most of the newer syntax real projects hold, need no libcst process."""
    def no_checker():
        raise AssertionError("libcst was asked")

    monkeypatch.setattr(newer._Checker, "here", no_checker)
    assert newer.is_newer_syntax(b"type Cart = dict\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n")
