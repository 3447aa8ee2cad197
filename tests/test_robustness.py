"""Hostile and broken inputs: the run finishes, accounts for every file, changes nothing on disk.

Each bad file must end as a TF001 finding (could not be parsed) or in Result.skipped with a
reason; valid-but-awkward files (encodings, CRLF, continuations) must be analyzed correctly;
a bug in one analyzer becomes TF002 for that file and exit code 2, never a crash.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint import runner
from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.runner import run


def billion_laughs() -> str:
    lines = ['x-l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"x-l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    lines += ["services:", "  web:", "    image: acme/web:1", "    command: *l9", "    entrypoint: *l9",
              "    ports: *l9", "    environment: *l9", "    volumes: *l9", "    container_name: *l9"]
    return "\n".join(lines) + "\n"


def merge_key_bomb() -> str:
    """The same bomb through `<<` merge keys: each level merges ten copies of the level below."""
    lines = ["x-m0: &m0 {image: acme/web:1, container_name: web}"]
    for level in range(1, 10):
        lines.append(f"x-m{level}: &m{level} {{<<: [{', '.join([f'*m{level - 1}'] * 10)}]}}")
    lines += ["services:", "  web: *m9"]
    return "\n".join(lines) + "\n"


BAD = {
    "syntax_error.py": "def handler(:\n    pass\n",
    "x.py": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00binary\x00\x00",
    "latin1_no_cookie.py": "name = 'café'\n".encode("latin-1"),
    "utf16.py": "x = 1\n".encode("utf-16"),
    "deep.py": "x = " + "[" * 1000 + "]" * 1000 + "\n",
    "image/Dockerfile": b"\x00\x00\x00\x01FROM python\x00CMD x\n",
    "broken/docker-compose.yml": "services:\n  web:\n    image: [unclosed\n  db: {\n",
}

AWKWARD = {
    "latin1_cookie.py": ("# -*- coding: latin-1 -*-\n"
                         + STATEFUL_FLASK_APP.replace('return "ok"', 'return "café"')).encode("latin-1"),
    "empty.py": "",
    "bomb/compose.yaml": billion_laughs(),
    "unterminated/Dockerfile": "FROM python:3.12-slim\nCMD gunicorn app:app \\",
    "continuation/Dockerfile": (
        "FROM python:3.12-slim\n"
        "RUN apt-get update \\\n"
        "\n"
        "    # the web server\n"
        "    && apt-get install -y nginx \\\n"
        "\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        "COPY . /app\n"
        "CMD nginx && gunicorn app:app\n"
    ),
    "continued_cmd/Dockerfile": (
        "FROM python:3.12-slim\n"
        "COPY . /app\n"
        "CMD nginx \\\n"
        "    # then the app server\n"
        "\n"
        "    && gunicorn app:app\n"
        "EXPOSE 8000\n"
    ),
    "crlf/app.py": STATEFUL_FLASK_APP.replace("\n", "\r\n"),
    "crlf/Dockerfile": "FROM python:3.12-slim\r\nRUN pip install gunicorn\r\nCMD service nginx start && gunicorn app:app\r\n",
    "crlf/compose.yaml": "services:\r\n  web:\r\n    image: acme/shop:1\r\n    container_name: shop\r\n",
}

GOOD = {"good/app.py": STATEFUL_FLASK_APP}


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry below `root` (files, directories, symlinks, whatever their name) with what a write
    would change: content, target, mode and modification time (a directory's changes when an entry
    is created or removed in it)."""
    state = {}
    for directory, dirs, files in os.walk(root):
        for name in [*dirs, *files, ""]:
            path = Path(directory) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                content = path.read_bytes()
            else:
                content = None
            state[path.relative_to(root).as_posix()] = (content, info.st_mode, info.st_mtime_ns, info.st_size)
    return state


def within(seconds: float, function):
    """Call `function` in a daemon thread; fail (instead of hanging the suite) if it takes too long."""
    outcome: dict[str, object] = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"did not finish within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def located(result) -> set[tuple[str, str, int]]:
    return {(f.rule, f.path, f.line) for f in result.findings}


def test_a_hostile_tree(tmp_path, catalogue):
    write_tree(tmp_path, {**BAD, **AWKWARD, **GOOD})
    before = snapshot(tmp_path)

    result = within(10, lambda: run([tmp_path], Settings(root=tmp_path), catalogue))

    tf001 = {f.path for f in result.findings if f.rule == "TF001"}
    skipped = {s.path: s.reason for s in result.skipped}
    for bad in BAD:
        assert bad in tf001 or skipped.get(bad), f"{bad} is neither a TF001 finding nor skipped with a reason"
    assert not [f for f in result.findings if f.rule == "TF002"]
    assert result.tracebacks == ()
    # Every file of a kind 12f-lint reads is accounted for: analyzed or skipped.
    assert result.analyzed + len(skipped) == len(BAD) + len(AWKWARD) + len(GOOD)
    # Awkward but valid files are analyzed, not rejected.
    for awkward in AWKWARD:
        assert awkward not in skipped and awkward not in tf001, awkward

    found = located(result)
    assert ("TF601", "good/app.py", 7) in found
    assert ("TF601", "latin1_cookie.py", 8) in found  # the cookie line shifts it by one
    assert ("TF601", "crlf/app.py", 7) in found
    assert ("TF609", "continuation/Dockerfile", 9) in found
    assert ("TF609", "continued_cmd/Dockerfile", 3) in found  # Docker skips the comment and blank line
    assert ("TF609", "crlf/Dockerfile", 3) in found
    assert ("TF803", "crlf/compose.yaml", 4) in found

    assert snapshot(tmp_path) == before


def test_hostile_tree_through_the_cli(tmp_path):
    write_tree(tmp_path, {**BAD, **AWKWARD, **GOOD})
    result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert {"TF001", "TF601"} <= {f["rule"] for f in data["findings"]}
    assert "TF002" not in {f["rule"] for f in data["findings"]}
    assert "Traceback" not in result.stderr


def lint_bound_by_file_modes(root: Path) -> dict:
    """The JSON report of a run that file modes bind; as root (CI) that takes dropping the
    capabilities that bypass them, in a child process."""
    command = [sys.executable, "-m", "twelvefactor_lint", "--format", "json", str(root)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop CAP_DAC_OVERRIDE")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("planted, locked, mode, reported", [
    ("secret.py", "secret.py", 0, "secret.py"),
    ("locked/app.py", "locked", 0, "locked/"),
    ("listable/app.py", "listable", 0o444, "listable/app.py"),  # can be listed, not entered
])
def test_unreadable_file_or_directory_is_skipped_with_a_reason(tmp_path, planted, locked, mode, reported):
    write_tree(tmp_path, {planted: STATEFUL_FLASK_APP, **GOOD})
    target = tmp_path / locked
    target.chmod(mode)
    try:
        report = lint_bound_by_file_modes(tmp_path)
    finally:
        target.chmod(0o755 if target.is_dir() else 0o644)
    skipped = {s["path"]: s["reason"] for s in report["files"]["skipped"]}
    assert list(skipped) == [reported] and "Permission denied" in skipped[reported]
    assert ("TF601", "good/app.py") in {(f["rule"], f["path"]) for f in report["findings"]}


def test_fifo_named_like_a_python_file_does_not_block(tmp_path, catalogue):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    write_tree(tmp_path, GOOD)
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "Dockerfile")
    result = within(10, lambda: run([tmp_path], Settings(root=tmp_path), catalogue))
    skipped = {s.path: s.reason for s in result.skipped}
    assert skipped.get("pipe.py") and skipped.get("Dockerfile")
    assert ("TF601", "good/app.py", 7) in located(result)


def test_file_over_the_size_limit_is_skipped_with_a_reason(tmp_path, catalogue):
    write_tree(tmp_path, {"big.py": "x = 1\n" * 100, **GOOD})
    result = run([tmp_path], Settings(root=tmp_path, max_file_size=400), catalogue)
    skipped = {s.path: s.reason for s in result.skipped}
    assert "big.py" in skipped and "large" in skipped["big.py"]
    assert ("TF601", "good/app.py", 7) in located(result)


def test_long_attribute_chain_is_not_an_internal_error(tmp_path, catalogue):
    # Valid Python the parser accepts; a recursive name resolver must not turn it into TF002.
    chain = "a" + ".b" * 2000
    write_tree(tmp_path, {"chain.py": f"x = {chain}()\n", **GOOD})
    result = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert [f for f in result.findings if f.rule == "TF002"] == []
    assert ("TF601", "good/app.py", 7) in located(result)


def test_merge_key_alias_bomb_finishes_quickly(tmp_path):
    """`<<` merges of aliases are bounded in depth but must be bounded in total work too."""
    (tmp_path / "compose.yaml").write_text(merge_key_bomb(), encoding="utf-8")
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from twelvefactor_lint.analyze.compose import analyze
        path = Path(sys.argv[1])
        analyze("compose.yaml", path.read_bytes())
        print("done")
    """)
    try:
        completed = subprocess.run([sys.executable, "-c", script, str(tmp_path / "compose.yaml")],
                                   capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("the compose analyzer spent more than 5 s on a 12-line merge-key alias bomb")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "done"


# --- internal errors ---------------------------------------------------------------------------


@pytest.fixture
def exploding_analyzer(monkeypatch):
    """Make the analyzer raise for `boom.py` only; every other file is analyzed normally."""
    real = runner.analyzer_for

    def analyzer_for(kind):
        analyze = real(kind)

        def maybe_explode(path, data):
            if path.endswith("boom.py"):
                raise KeyError("simulated analyzer bug")
            return analyze(path, data)

        return maybe_explode

    monkeypatch.setattr(runner, "analyzer_for", analyzer_for)


def test_analyzer_crash_becomes_tf002_and_the_run_goes_on(tmp_path, catalogue, exploding_analyzer):
    write_tree(tmp_path, {"boom.py": "x = 1\n", **GOOD})
    result = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert ("TF002", "boom.py", 1) in located(result)
    assert ("TF601", "good/app.py", 7) in located(result)
    (tf002,) = [f for f in result.findings if f.rule == "TF002"]
    assert "KeyError" in tf002.message
    assert len(result.tracebacks) == 1 and "simulated analyzer bug" in result.tracebacks[0]


def test_analyzer_crash_exits_2_with_one_line_on_stderr(tmp_path, exploding_analyzer):
    write_tree(tmp_path, {"boom.py": "x = 1\n", **GOOD})
    result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 2
    rules = {(f["rule"], f["path"]) for f in json.loads(result.stdout)["findings"]}
    assert {("TF002", "boom.py"), ("TF601", "good/app.py")} <= rules
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, f"want a one-line message on stderr, got {result.stderr!r}"


def test_analyzer_crash_exits_2_even_with_exit_zero(tmp_path, exploding_analyzer):
    write_tree(tmp_path, {"boom.py": "x = 1\n"})
    result = CliRunner().invoke(main, ["check", "--exit-zero", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 2


def test_debug_shows_the_traceback_and_keeps_every_other_files_findings(tmp_path, exploding_analyzer):
    write_tree(tmp_path, {"boom.py": "x = 1\n", **GOOD, "Procfile": "web: gunicorn app:app & celery worker\n"})
    plain = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)], catch_exceptions=False)
    debug = CliRunner().invoke(main, ["check", "--format", "json", "--debug", str(tmp_path)], catch_exceptions=False)
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback (most recent call last)" in debug.stderr and "simulated analyzer bug" in debug.stderr
    findings = {(f["rule"], f["path"]) for f in json.loads(debug.stdout)["findings"]}
    assert findings == {(f["rule"], f["path"]) for f in json.loads(plain.stdout)["findings"]}
    assert {("TF002", "boom.py"), ("TF601", "good/app.py")} <= findings
    assert "Procfile" in {path for _, path in findings}
