"""Bounded resources: a file that takes too long, nests too deeply or is too large is skipped with
the reason, and the run goes on with every other file."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import tracemalloc

import pytest
from click.testing import CliRunner
from conftest import STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint import runner
from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.sources import load, read_up_to
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.infra.limits import FileTimeout, paused, time_limit
from twelvefactor_lint.runner import run

needs_alarm = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timers on this platform")
GOOD = {"good/app.py": STATEFUL_FLASK_APP}


@pytest.fixture
def analyzer_for(monkeypatch):
    """Replace the analyzer of `special.py` by `behaviour`; every other file is analyzed normally."""

    def install(behaviour):
        real = runner.analyzer_for

        def analyzer_for(kind):
            analyze = real(kind)
            return lambda path, data: behaviour() if path.endswith("special.py") else analyze(path, data)

        monkeypatch.setattr(runner, "analyzer_for", analyzer_for)

    return install


def spin(seconds: float = 5.0) -> FileAnalysis:
    """Busy for `seconds`, then give up: an analysis the limit must cut short (bounded, so a broken
    limit fails the test instead of hanging it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass
    return FileAnalysis()


def skipped(result) -> dict[str, str]:
    return {s.path: s.reason for s in result.skipped}


def tf601_paths(result) -> set[str]:
    return {f.path for f in result.findings if f.rule == "TF601"}


@needs_alarm
def test_a_file_over_the_time_limit_is_skipped_with_the_reason(tmp_path, catalogue, analyzer_for):
    analyzer_for(spin)
    write_tree(tmp_path, {"special.py": "x = 1\n", **GOOD})
    result = run([tmp_path], Settings(root=tmp_path, file_timeout=0.2), catalogue)
    assert skipped(result) == {"special.py": "analysis took longer than 0.2 s"}
    assert tf601_paths(result) == {"good/app.py"}
    assert result.analyzed == 1


@needs_alarm
def test_the_limit_holds_in_the_worker_processes(tmp_path, catalogue, analyzer_for):
    """With enough files the analysis runs in worker processes; each arms the alarm on its own main thread."""
    pid_file = tmp_path.parent / f"{tmp_path.name}.pid"
    analyzer_for(lambda: (pid_file.write_text(str(os.getpid())), spin())[1])
    write_tree(tmp_path, {**{f"pkg/m{i:02d}.py": "x = 1\n" for i in range(60)}, "special.py": "x = 1\n", **GOOD})
    result = run([tmp_path], Settings(root=tmp_path, file_timeout=0.3, jobs=2, cache=False), catalogue)
    assert int(pid_file.read_text()) != os.getpid(), "the file was analyzed in this process, not a worker"
    assert skipped(result) == {"special.py": "analysis took longer than 0.3 s"}
    assert result.analyzed == 61 and tf601_paths(result) == {"good/app.py"}


@needs_alarm
def test_the_limit_comes_from_the_config_and_shows_in_the_json_report(tmp_path, analyzer_for):
    analyzer_for(spin)
    write_tree(tmp_path, {".12f-lint.toml": "file-timeout = 0.25\n", "special.py": "x = 1\n", **GOOD})
    output = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)], catch_exceptions=False)
    report = json.loads(output.stdout)
    assert report["files"]["skipped"] == [{"path": "special.py", "reason": "analysis took longer than 0.25 s"}]
    assert report["files"]["analyzed"] == 1


@needs_alarm
def test_an_analyzer_catching_exception_cannot_swallow_the_timeout(tmp_path, catalogue, analyzer_for):
    def catches_everything():
        try:
            return spin()
        except Exception:  # noqa: BLE001 - the point of the test
            return FileAnalysis()

    analyzer_for(catches_everything)
    write_tree(tmp_path, {"special.py": "x = 1\n"})
    result = run([tmp_path], Settings(root=tmp_path, file_timeout=0.2), catalogue)
    assert "special.py" in skipped(result)


@needs_alarm
def test_the_limit_leaves_no_alarm_and_no_handler_behind(tmp_path, catalogue, analyzer_for):
    analyzer_for(spin)
    write_tree(tmp_path, {"special.py": "x = 1\n", **GOOD})
    before = signal.getsignal(signal.SIGALRM)
    run([tmp_path], Settings(root=tmp_path, file_timeout=0.2), catalogue)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@needs_alarm
def test_an_alarm_armed_by_someone_else_is_left_alone():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with time_limit(0.05):
            time.sleep(0.2)  # ours would have fired here
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < remaining <= 30
        assert fired == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_off_the_main_thread_the_file_is_analyzed_without_a_limit(tmp_path, catalogue, analyzer_for):
    """Signals reach only the main thread, so a worker thread falls back to no limit, not to a crash."""
    analyzer_for(lambda: spin(0.5))
    write_tree(tmp_path, {"special.py": "x = 1\n", **GOOD})
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(
        result=run([tmp_path], Settings(root=tmp_path, file_timeout=0.1), catalogue)))
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert outcome["result"].analyzed == 2 and skipped(outcome["result"]) == {}


@needs_alarm
def test_time_limit_raises_in_the_body():
    with pytest.raises(FileTimeout), time_limit(0.05):
        spin()


@needs_alarm
def test_a_paused_limit_lets_one_time_set_up_run_then_resumes():
    """What a file only triggers (libcst's first import) is not its time; what is left of the limit still holds."""
    with time_limit(0.05), paused():
        time.sleep(0.2)
    with pytest.raises(FileTimeout), time_limit(0.05):
        with paused():
            time.sleep(0.1)
        spin()
    with paused():  # unarmed: runs as it is
        pass


def test_recursion_too_deep_for_an_analyzer_is_a_skip_not_an_internal_error(tmp_path, catalogue, analyzer_for):
    def recurse(depth=0):
        return recurse(depth + 1)

    analyzer_for(recurse)
    write_tree(tmp_path, {"special.py": "x = 1\n", **GOOD})
    result = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert skipped(result) == {"special.py": "too deeply nested to analyze (recursion limit)"}
    assert "TF002" not in {f.rule for f in result.findings}
    assert tf601_paths(result) == {"good/app.py"}


DEEP = 10_000
DEEP_INPUTS = {
    "Dockerfile": "FROM python:3.12-slim\nCMD " + "(" * DEEP + "gunicorn app:app" + ")" * DEEP + "\n",
    "seq/compose.yaml": "services:\n  web:\n    command: " + "[" * DEEP + "]" * DEEP + "\n",
    "map/compose.yaml": "services:\n  web: " + "{a: " * DEEP + "b" + "}" * DEEP + "\n",
    "block/compose.yaml": "services:\n  web:\n    command:\n      " + "- " * DEEP + "gunicorn\n",  # `- - - x`
    "Procfile": "web: " + "$(" * DEEP + "gunicorn" + ")" * DEEP + "\n",
    "deep.py": "x = " + "f(" * DEEP + ")" * DEEP + "\n",
    "deep_blocks.py": "".join(" " * i + "if x:\n" for i in range(100)) + " " * 100 + "pass\n",
}


def test_ten_thousand_levels_of_nesting_in_every_kind(tmp_path, catalogue):
    """Each deep file is analyzed, reported as unparsable (TF001), or skipped with a reason - never TF002."""
    write_tree(tmp_path, {**DEEP_INPUTS, **GOOD})
    result = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert "TF002" not in {f.rule for f in result.findings}, [f.message for f in result.findings if f.rule == "TF002"]
    assert result.analyzed + len(result.skipped) == len(DEEP_INPUTS) + 1
    for path, reason in skipped(result).items():
        assert path in DEEP_INPUTS and "nested" in reason, (path, reason)
    assert tf601_paths(result) == {"good/app.py"}


def test_duplicate_yaml_keys_are_read_without_error(tmp_path, catalogue):
    write_tree(tmp_path, {"compose.yaml": (
        "services:\n"
        "  web:\n    image: acme/web:1\n    container_name: first\n"
        "  web:\n    image: acme/web:1\n    image: acme/web:2\n    container_name: second\n"
        "services:\n"
        "  web:\n    image: acme/web:1\n    container_name: third\n"
    )})
    result = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert result.analyzed == 1
    assert not {"TF001", "TF002"} & {f.rule for f in result.findings}
    # As YAML loaders do, the last of duplicate keys wins: one service, one blocker.
    assert [(f.rule, f.line) for f in result.findings if f.rule == "TF803"] == [("TF803", 12)]


def test_huge_sparse_file_is_skipped_by_size_without_being_read(tmp_path, catalogue):
    with open(tmp_path / "huge.py", "wb") as handle:
        handle.truncate(8 * 1024 ** 3)  # 8 GiB that take no disk space; reading them would take minutes
    write_tree(tmp_path, GOOD)
    started = time.monotonic()
    result = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert time.monotonic() - started < 60, "the file was read, not measured"
    assert skipped(result) == {"huge.py": f"too large: {8 * 1024 ** 3} bytes (limit {2 * 1024 * 1024})"}
    assert tf601_paths(result) == {"good/app.py"}


def test_a_file_is_read_in_a_buffer_of_its_size_and_one_grown_past_the_limit_since_its_stat_is_too_large(tmp_path):
    small, growing = tmp_path / "small.py", tmp_path / "growing.py"
    small.write_bytes(b"x = 1\n")
    tracemalloc.start()
    assert load(small, 50 * 1024 * 1024).data == b"x = 1\n"
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1024 * 1024  # a buffer of the limit, for every file, piled up in glibc's heap
    growing.write_bytes(b"#" * 10)
    with open(growing, "rb") as handle:
        growing.write_bytes(b"#" * 100)  # after the stat that said 10 bytes
        assert read_up_to(handle, 10, 50) == b"#" * 51  # more than the limit: too large, as `load` then says
    with open(growing, "rb") as handle:
        assert read_up_to(handle, 10, 500) == b"#" * 100


def test_file_just_over_the_default_limit_is_skipped_and_one_at_it_is_read(tmp_path, catalogue):
    limit = Settings(root=tmp_path).max_file_size
    padding = "\n" * (limit - len(STATEFUL_FLASK_APP))
    write_tree(tmp_path, {"at/app.py": STATEFUL_FLASK_APP + padding, "over/Dockerfile": "FROM x\n" + "#" * limit})
    result = run([tmp_path], Settings(root=tmp_path), catalogue)
    assert list(skipped(result)) == ["over/Dockerfile"] and "too large" in skipped(result)["over/Dockerfile"]
    assert tf601_paths(result) == {"at/app.py"}
