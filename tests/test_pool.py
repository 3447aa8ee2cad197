"""Analysis over worker processes: the same report for any --jobs, and no file lost when a worker
dies or hangs."""

from __future__ import annotations

import os
import signal
import time

import pytest
from click.testing import CliRunner
from conftest import REPO, STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint import runner
from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.scope import PROD
from twelvefactor_lint.discover.walk import PYTHON, SourceFile
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.infra import pool
from twelvefactor_lint.runner import run

posix_only = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="fork and SIGALRM are POSIX")


def _many_files(root) -> None:
    """A project big enough for the pool to start: the fixtures three times over, and some hostile files."""
    for copy in range(3):
        for source in (REPO / "fixtures").rglob("*"):
            if source.is_file():
                target = root / f"copy{copy}" / source.relative_to(REPO / "fixtures")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
    write_tree(root, {"broken.py": "def (:\n", "binary.py": b"\x00\x01", "Dockerfile.bad": "FROM\nRUN \\\n"})


def test_the_json_report_is_the_same_for_one_and_two_jobs(tmp_path):
    _many_files(tmp_path)
    reports = {}
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, ["check", "--format", "json", "--no-cache", "--jobs", jobs, str(tmp_path)])
        assert result.exit_code == 1, result.output
        reports[jobs] = result.output
    assert reports["1"] == reports["2"]
    assert '"TF601"' in reports["1"] and '"TF001"' in reports["1"]


def test_few_files_are_analyzed_in_the_one_process():
    assert pool.worker_count(0, pool.MIN_ITEMS_PER_WORKER - 1) == 1
    assert pool.worker_count(2, 1000) == 2
    assert pool.worker_count(1, 1000) == 1
    assert 1 <= pool.worker_count(0, 10_000) <= pool.cpu_count()


def _square_or_die(item: int) -> int:
    if item == 13:
        os.kill(os.getpid(), signal.SIGKILL)
    if item == 21:
        time.sleep(60)  # a hang the alarm cannot end, as in a C extension
    return item * item


@posix_only
def test_a_dead_or_hung_worker_loses_only_its_own_file(monkeypatch):
    monkeypatch.setattr(pool, "MIN_ITEMS_PER_WORKER", 1)
    started = time.monotonic()
    outcomes = pool.map_in_order(_square_or_die, list(range(60)), 2, lambda item, reason: reason, deadline=1.0)
    assert time.monotonic() - started < 30
    assert outcomes[13] == "the analyzer process died (killed by SIGKILL)"
    assert outcomes[21] == "analysis took longer than 1 s and was stopped"
    assert [o for i, o in enumerate(outcomes) if i not in (13, 21)] == [i * i for i in range(60) if i not in (13, 21)]


def _pid_and_square(item: int) -> tuple[int, int]:
    return os.getpid(), item * item


@posix_only
@pytest.mark.parametrize("first", [range(60), range(3)])
def test_items_the_parent_finds_while_the_workers_run_join_the_queue_and_come_back_in_order(first):
    slices_taken = []

    def more():
        for start in (100, 200, 300):
            slices_taken.append(start)
            yield list(range(start, start + 40))
        yield []

    items = list(first)
    outcomes = pool.map_in_order(_pid_and_square, items, 2, lambda item, reason: reason, more=more())
    wanted = [*items, *range(100, 140), *range(200, 240), *range(300, 340)]
    assert [square for _, square in outcomes] == [i * i for i in wanted]
    assert slices_taken == [100, 200, 300]
    assert len({pid for pid, _ in outcomes}) == 2 and os.getpid() not in {pid for pid, _ in outcomes}


def test_the_parents_work_is_done_first_when_it_runs_in_the_one_process():
    outcomes = pool.map_in_order(_pid_and_square, [1, 2], 1, lambda item, reason: reason, more=iter([[3], [], [4]]))
    assert outcomes == [(os.getpid(), 1), (os.getpid(), 4), (os.getpid(), 9), (os.getpid(), 16)]


def _note_at_exit(item: str) -> str:
    """A worker's item that starts something to stop at the worker's exit (as the libcst checker is)."""
    import multiprocessing.util

    multiprocessing.util.Finalize(None, lambda: open(item, "w").close(), exitpriority=10)
    return item


@posix_only
def test_workers_done_with_their_work_end_by_themselves_running_their_exit_hooks(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "MIN_ITEMS_PER_WORKER", 1)
    items = [str(tmp_path / f"exited-{i}") for i in range(8)]
    assert pool.map_in_order(_note_at_exit, items, 2, lambda item, reason: reason) == items
    assert all(os.path.exists(item) for item in items)


def _spin_on_special(kind):
    analyze = REAL_ANALYZER_FOR(kind)

    def maybe_spin(path, data):
        if path.endswith("special.py"):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                pass
            return FileAnalysis()
        return analyze(path, data)

    return maybe_spin


REAL_ANALYZER_FOR = runner.analyzer_for


@posix_only
def test_the_per_file_time_limit_holds_inside_workers(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(pool, "MIN_ITEMS_PER_WORKER", 1)
    monkeypatch.setattr(runner, "analyzer_for", _spin_on_special)
    write_tree(tmp_path, {"special.py": "x = 1\n", **{f"app{i}.py": STATEFUL_FLASK_APP for i in range(8)}})
    started = time.monotonic()
    result = run([tmp_path], Settings(root=tmp_path, jobs=2, file_timeout=0.5, cache=False), catalogue)
    assert time.monotonic() - started < 15
    assert {s.path: s.reason for s in result.skipped} == {"special.py": "analysis took longer than 0.5 s"}
    assert len([f for f in result.findings if f.rule == "TF601"]) == 8


def test_the_largest_files_are_analyzed_first_and_outcomes_keep_the_sources_order(tmp_path, monkeypatch):
    write_tree(tmp_path, {"a.py": "A = 1\n", "b.py": "B = 1\n" * 200, "c.py": "C = 1\n" * 20, "d.py": "D = 1\n" * 2000})
    sources = [SourceFile(str(tmp_path / name), name, PYTHON, PROD) for name in ("a.py", "b.py", "c.py", "d.py")]
    seen = []
    analyze = runner.analyze_file
    monkeypatch.setattr(runner, "analyze_file", lambda source, **options: seen.append(source.rel) or analyze(source, **options))
    outcomes = runner.analyze_all(sources, Settings(root=tmp_path, jobs=1, cache=False))
    assert seen == ["d.py", "b.py", "c.py", "a.py"]
    assert [outcome.facts[0].path for outcome in outcomes] == ["a.py", "b.py", "c.py", "d.py"]
