"""The facts cache: facts round-trip exactly, hits skip the analyzers, and the cache never lies,
never breaks a run and never writes into the scanned tree."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint import runner
from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.sources import DEFAULT_MAX_FILE_SIZE
from twelvefactor_lint.discover.walk import discover
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.infra import cache
from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.report import render
from twelvefactor_lint.runner import analyze_file, run


def _json(data) -> bytes:
    return json.dumps(data).encode()


def _analyses(tmp_path):
    """Every analysis of the fixture projects and of the rule catalogue's examples."""
    for rule in catalogue_module.load().rules:
        for number, example in enumerate((*rule.bad, *rule.good)):
            for file in example.files:
                target = tmp_path / f"{rule.id}-{number}" / file.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(file.code, encoding="utf-8")
    (tmp_path / "directives.py").write_text(
        "# 12f: ignore-file[TF1101]\nCACHE = {}  # 12f: ignore[TF601, mutable-module-state] -- rebuilt\nx = 1  # noqa: TF601\n")
    (tmp_path / "Dockerfile").write_text("FROM python\n# 12f: ignore\nCMD nginx && gunicorn app:app\n")
    for root in (REPO / "fixtures", tmp_path):
        for source in discover([root], root).files:
            outcome = analyze_file(source, DEFAULT_MAX_FILE_SIZE)
            if isinstance(outcome, FileAnalysis):
                yield outcome


def test_facts_and_directives_round_trip_exactly_through_json(tmp_path):
    analyses = list(_analyses(tmp_path))
    assert sum(len(a.facts) for a in analyses) > 100 and any(a.directives for a in analyses)
    for analysis in analyses:
        assert FileAnalysis.from_dict(json.loads(json.dumps(analysis.to_dict()))) == analysis


@pytest.mark.parametrize("data", [{}, {"facts": "x", "directives": []}, {"facts": [{"kind": "k"}], "directives": []},
                                  {"facts": [], "directives": [1]}, []])
def test_data_of_another_shape_raises_a_plain_error(data):
    with pytest.raises((KeyError, TypeError, ValueError)):
        FileAnalysis.from_dict(data)


# --- the cache in a run ------------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    """Count the files the analyzers are asked about (a cache hit asks about none)."""
    calls: list[str] = []
    real = runner.analyzer_for

    def analyzer_for(kind):
        analyze = real(kind)

        def counting(path, data):
            calls.append(path)
            return analyze(path, data)

        return counting

    monkeypatch.setattr(runner, "analyzer_for", analyzer_for)
    return calls


def _project(tmp_path: Path) -> Path:
    project = write_tree(tmp_path / "project", {"app.py": STATEFUL_FLASK_APP, "util.py": "X = 1\n",
                                               "Dockerfile": "FROM python:3.12\nCMD nginx && gunicorn app:app\n"})
    _age(project)
    return project


def _age(project: Path) -> None:
    """Date the files a minute back: the cache does not trust the mtime of a file modified seconds ago."""
    past = time.time() - 60
    for path in project.rglob("*"):
        os.utime(path, (past, past))


def _lint(project: Path, catalogue, **settings) -> dict:
    """A run through the facts pack: the run snapshot (which would replay an unchanged run whole, see
    test_run_snapshot) is removed first."""
    for snapshot in (cache.default_dir() / "projects").glob("*.run"):
        snapshot.unlink()
    result = run([project], Settings(root=project, **settings), catalogue)
    return json.loads(render(result, "json"))


def test_a_second_run_takes_every_file_from_the_cache(tmp_path, catalogue, counted):
    project = _project(tmp_path)
    first = _lint(project, catalogue)
    assert sorted(counted) == ["Dockerfile", "app.py", "util.py"]
    counted.clear()
    assert _lint(project, catalogue) == first
    assert counted == []
    assert {f["rule"] for f in first["findings"]} >= {"TF601", "TF609"}


def test_a_file_link_reads_again_as_another_kind_keeps_both_entries_so_a_warm_run_analyzes_nothing(
        tmp_path, catalogue, counted):
    project = write_tree(tmp_path / "project", {
        "app.py": "app = None\n", "gunicorn.conf.py": "bind = '0.0.0.0:8000'\ndaemon = True\n",
        "Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n'})
    _age(project)
    first = _lint(project, catalogue)
    assert sorted(counted) == ["Dockerfile", "app.py", "gunicorn.conf.py", "gunicorn.conf.py"]
    counted.clear()
    assert _lint(project, catalogue) == first
    assert counted == []
    assert "TF801" in {f["rule"] for f in first["findings"]}


def test_the_cache_lives_outside_the_project_with_a_tag_and_a_gitignore(tmp_path, catalogue):
    project = _project(tmp_path)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    _lint(project, catalogue)
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    directory = cache.default_dir()
    assert not directory.is_relative_to(project)
    assert (directory / "CACHEDIR.TAG").read_text().startswith(cache.TAG_SIGNATURE)
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    assert list((directory / "projects").glob("*.pack"))


def test_a_changed_file_is_analyzed_again(tmp_path, catalogue, counted):
    project = _project(tmp_path)
    _lint(project, catalogue)
    (project / "app.py").write_text(STATEFUL_FLASK_APP.replace("CARTS[user] = []", "return 'no state'"))
    counted.clear()
    findings = _lint(project, catalogue)["findings"]
    assert counted == ["app.py"]
    assert "TF601" not in {f["rule"] for f in findings}


def test_a_same_size_edit_within_the_mtime_is_seen(tmp_path, catalogue, counted):
    """Even an edit that keeps size and mtime is seen when the file was recent at the last run."""
    project = write_tree(tmp_path / "project", {"app.py": STATEFUL_FLASK_APP})
    _lint(project, catalogue)
    info = (project / "app.py").stat()
    (project / "app.py").write_text(STATEFUL_FLASK_APP.replace("CARTS", "CARTZ"))
    os.utime(project / "app.py", ns=(info.st_atime_ns, info.st_mtime_ns))
    counted.clear()
    findings = _lint(project, catalogue)["findings"]
    assert counted == ["app.py"] and "CARTZ" in findings[0]["message"]


def test_corrupt_entries_and_index_are_misses_and_get_rewritten(tmp_path, catalogue, counted):
    project = _project(tmp_path)
    first = _lint(project, catalogue)
    [pack] = (cache.default_dir() / "projects").glob("*.pack")
    entries = json.loads(pack.read_bytes())["analyses"]
    analyses = {**entries, "python:app.py": ["python", 1, 2, 3, "../../../etc/passwd", {}], "python:util.py": 7,
                "python:gone.py": 7,
                "dockerfile:Dockerfile": [*entries["dockerfile:Dockerfile"][:5], {"facts": 3, "directives": []}]}
    corrupt = [_json({"analyses": analyses, "scans": {}}), _json({"analyses": entries, "scans": 3}),
               b"", b"\xff not json", pack.read_bytes()[:-7], _json([1, 2])]
    for data in corrupt:
        pack.write_bytes(data)
        counted.clear()
        assert _lint(project, catalogue) == first
        assert sorted(counted) == ["Dockerfile", "app.py", "util.py"]
    counted.clear()
    assert _lint(project, catalogue) == first
    assert counted == []


def test_no_cache_neither_reads_nor_writes(tmp_path, catalogue, counted):
    project = _project(tmp_path)
    _lint(project, catalogue, cache=False)
    assert not cache.default_dir().exists()
    _lint(project, catalogue)
    counted.clear()
    _lint(project, catalogue, cache=False)
    assert len(counted) == 3


def test_cache_dir_from_the_config_is_relative_to_the_root(tmp_path, catalogue):
    project = _project(tmp_path)
    (project / ".12f-lint.toml").write_text('cache-dir = ".12f-lint-cache"\n')
    result = CliRunner().invoke(main, ["check", "--exit-zero", str(project)])
    assert result.exit_code == 0, result.output
    assert cache.is_cache_dir(project / ".12f-lint-cache") and not cache.default_dir().exists()
    assert "12f-lint-cache" not in result.output


def test_changing_the_rules_needs_no_flush(tmp_path, catalogue, counted):
    project = _project(tmp_path)
    only_tf601 = _lint(project, catalogue, select=("TF601",))
    assert {f["rule"] for f in only_tf601["findings"]} == {"TF601"}
    counted.clear()
    every_rule = _lint(project, catalogue)
    assert counted == [] and every_rule == _lint(project, catalogue, cache=False)


def test_another_analyzer_version_misses(tmp_path, catalogue, counted, monkeypatch):
    project = _project(tmp_path)
    _lint(project, catalogue)
    monkeypatch.setattr(cache, "ANALYZER_VERSION", cache.ANALYZER_VERSION + 1)
    cache.code_stamp.cache_clear()
    counted.clear()
    try:
        _lint(project, catalogue)
    finally:
        cache.code_stamp.cache_clear()
    assert len(counted) == 3


def test_an_internal_error_is_not_cached(tmp_path, catalogue, monkeypatch):
    project = _project(tmp_path)
    real = runner.analyzer_for
    monkeypatch.setattr(runner, "analyzer_for", lambda kind: lambda path, data: 1 / 0)
    assert {f["rule"] for f in _lint(project, catalogue)["findings"]} == {"TF002"}
    monkeypatch.setattr(runner, "analyzer_for", real)
    assert "TF002" not in {f["rule"] for f in _lint(project, catalogue)["findings"]}


def _lint_in_a_process(project: str, queue) -> None:
    result = run([Path(project)], Settings(root=Path(project), jobs=1), catalogue_module.load())
    queue.put(render(result, "json"))


def test_concurrent_runs_share_the_cache_safely(tmp_path, catalogue):
    project = write_tree(tmp_path / "project", {f"pkg/m{i}.py": STATEFUL_FLASK_APP.replace("CARTS", f"C{i}")
                                                for i in range(40)})
    _age(project)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_lint_in_a_process, args=(str(project), queue)) for _ in range(4)]
    for process in processes:
        process.start()
    outputs = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    expected = render(run([project], Settings(root=project, cache=False), catalogue), "json")
    assert outputs == [expected] * 4
    directory = cache.default_dir()
    assert not list(directory.rglob(".tmp-*"))
    [pack] = (directory / "projects").glob("*.pack")
    for entry in json.loads(pack.read_bytes())["analyses"].values():
        FileAnalysis.from_dict(entry[5])


def test_concurrent_writers_of_one_pack_leave_a_whole_one(tmp_path):
    target = tmp_path / "projects" / "entry.pack"
    payloads = [{"writer": n, "data": "x" * 100_000} for n in range(8)]
    threads = [threading.Thread(target=lambda p=p: [cache.write_json(target, p) for _ in range(20)]) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.read_json(target) in payloads
    assert [p.name for p in target.parent.iterdir()] == ["entry.pack"]


def test_old_entries_are_pruned(tmp_path, catalogue):
    project = _project(tmp_path)
    _lint(project, catalogue)
    directory = cache.default_dir()
    stale = directory / "projects" / f"{'0' * 32}.pack"
    stale.write_bytes(b"")
    long_ago = time.time() - cache.MAX_AGE - 86400
    os.utime(stale, (long_ago, long_ago))
    os.utime(directory / "last-prune", (long_ago, long_ago))
    _lint(project, catalogue)
    assert not stale.exists() and list((directory / "projects").glob("*.pack"))


def test_clean_removes_the_cache_and_refuses_other_directories(tmp_path, catalogue, monkeypatch):
    project = _project(tmp_path)
    _lint(project, catalogue)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["clean"])
    assert result.exit_code == 0 and "removed" in result.output
    assert not cache.default_dir().exists()
    assert "no cache" in CliRunner().invoke(main, ["clean"]).output
    precious = write_tree(tmp_path / "home", {"notes.txt": "keep me"})
    refused = CliRunner().invoke(main, ["clean", "--cache-dir", str(precious)])
    assert refused.exit_code == 2 and "not a 12f-lint cache" in refused.output
    assert (precious / "notes.txt").exists()
