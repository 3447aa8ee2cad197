"""The run snapshot: a warm run with nothing changed replays the last result without analyzing, linking or
judging, gives the same report, and never replays a result something it depends on has changed."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint import link, runner
from twelvefactor_lint.config import Settings
from twelvefactor_lint.infra import cache
from twelvefactor_lint.judge.focus import focus_for, narrowed
from twelvefactor_lint.report import render


@pytest.fixture
def linked(monkeypatch):
    """Count the runs that link (a replayed run links nothing)."""
    calls: list[int] = []
    real = link.link

    def counting(facts, files):
        calls.append(len(facts))
        return real(facts, files)

    monkeypatch.setattr(link, "link", counting)
    return calls


def _age(project: Path, *rels: str) -> None:
    """Date files a minute back: a run with a file modified seconds ago is not kept."""
    past = time.time() - 60
    for path in [project / rel for rel in rels] or project.rglob("*"):
        os.utime(path, (past, past))


def _report(project: Path, catalogue, paths: list[Path] | None = None, **settings) -> str:
    named = paths or [project]
    scope = focus_for(named, project)
    result = runner.run([project, *named] if scope else named, Settings(root=project, **settings), catalogue, focus=scope)
    result = narrowed(result, scope) if scope else result
    return render(result, "json") + render(result, "text") + render(result, "sarif")


def _rules(report: str) -> set[str]:
    return {finding["rule"] for finding in json.loads(report[:report.index("\n}\n") + 3])["findings"]}


def _project(tmp_path: Path) -> Path:
    project = write_tree(tmp_path / "project", {
        "app.py": STATEFUL_FLASK_APP, "util.py": "X = 1  # 12f: ignore[TF601] -- constant\n",
        "Dockerfile": "FROM python:3.12\nCOPY . /app\nENTRYPOINT [\"/app/start.sh\"]\n",
        "compose.yaml": "services:\n  web:\n    build: .\n    ports: ['8000:8000']\n"})
    _age(project)
    return project


def test_a_warm_run_replays_the_same_report_without_linking(tmp_path, catalogue, linked):
    project = _project(tmp_path)
    cold = _report(project, catalogue)
    assert len(linked) == 1 and "TF601" in _rules(cold)
    assert list((cache.default_dir() / "projects").glob("*.run"))
    assert _report(project, catalogue) == cold
    assert _report(project, catalogue, jobs=1) == cold
    assert len(linked) == 1


def test_a_changed_file_setting_or_named_file_is_not_replayed(tmp_path, catalogue, linked):
    project = _project(tmp_path)
    _report(project, catalogue)
    assert _report(project, catalogue, select=("TF609",)) != _report(project, catalogue)
    named = _report(project, catalogue, [project / "util.py"])
    assert _rules(named) == {"TF003"} and named == _report(project, catalogue, [project / "util.py"])
    runs = len(linked)
    (project / "app.py").write_text(STATEFUL_FLASK_APP.replace("CARTS[user] = []", "return 'no state'"))
    _age(project, "app.py")
    assert "TF601" not in _rules(_report(project, catalogue))
    assert len(linked) == runs + 1


def test_a_run_of_named_files_keeps_the_whole_projects_snapshot(tmp_path, catalogue, linked):
    """Pre-commit's runs of named files and a run of the whole project, one after the other, each replay their own."""
    project = _project(tmp_path)
    whole, named = _report(project, catalogue), _report(project, catalogue, [project / "util.py"])
    runs = len(linked)
    for _ in range(2):
        assert _report(project, catalogue) == whole and _report(project, catalogue, [project / "util.py"]) == named
    assert len(linked) == runs == 2


def test_a_file_linking_looked_for_appearing_is_seen(tmp_path, catalogue):
    project = _project(tmp_path)
    assert "TF609" not in _rules(_report(project, catalogue))
    write_tree(project, {"start.sh": "#!/bin/sh\nnginx &\nexec gunicorn app:app\n"})
    _age(project, "start.sh")
    assert "TF609" in _rules(_report(project, catalogue))


def test_a_recently_modified_file_keeps_no_snapshot(tmp_path, catalogue):
    project = write_tree(tmp_path / "project", {"app.py": STATEFUL_FLASK_APP})
    _report(project, catalogue)
    assert not list((cache.default_dir() / "projects").glob("*.run"))
    _age(project)
    _report(project, catalogue)
    assert list((cache.default_dir() / "projects").glob("*.run"))


@pytest.mark.parametrize("data", [b"", b"\xff", b"[1]", b'{"key": 3}'])
def test_a_corrupt_snapshot_is_a_miss(tmp_path, catalogue, linked, data):
    project = _project(tmp_path)
    cold = _report(project, catalogue)
    [snapshot] = (cache.default_dir() / "projects").glob("*.run")
    snapshot.write_bytes(data)
    assert _report(project, catalogue) == cold
    assert len(linked) == 2


_LOADED = """
import sys
from twelvefactor_lint.cli import main
try:
    main(sys.argv[1:])
finally:
    heavy = ("twelvefactor_lint.facts", "twelvefactor_lint.runner", "twelvefactor_lint.link", "yaml")
    print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def test_a_replayed_run_imports_no_analyzer_fact_class_link_or_rule_file(tmp_path):
    """A warm run with nothing changed is startup, discovery and the snapshot: the fact classes (every rule's
    vocabulary, checked only when a run judges) are never imported, nor the rule files read (no YAML)."""
    import subprocess
    import sys

    project = _project(tmp_path)
    command = [sys.executable, "-c", _LOADED, "check", "--format", "json", "--exit-zero", "--cache-dir",
               str(tmp_path / "cache"), str(project)]
    cold, warm = (subprocess.run(command, capture_output=True, text=True, check=True) for _ in range(2))
    assert cold.stdout == warm.stdout
    assert cold.stderr.splitlines()[-1] == str(
        ["twelvefactor_lint.facts", "twelvefactor_lint.link", "twelvefactor_lint.runner", "yaml"])
    assert warm.stderr.splitlines()[-1] == "[]"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_replayed_run_in_a_git_work_tree_translates_no_pattern(tmp_path):
    """In a git work tree a replayed run, whole or of one named file (pre-commit's), takes the exclude patterns'
    regex from the discovery memo and reads no .gitignore: pathspec is never imported."""
    import subprocess
    import sys

    project = _project(tmp_path)
    (project / ".gitignore").write_text("*.log\n")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    for named in ([str(project)], ["util.py"]):
        command = [sys.executable, "-c", _LOADED.replace('"yaml"', '"yaml", "pathspec"'), "check", "--format", "json",
                   "--exit-zero", "--cache-dir", str(tmp_path / "cache"), *named]
        cold, warm = (subprocess.run(command, capture_output=True, text=True, check=True, cwd=project) for _ in range(2))
        assert cold.stdout == warm.stdout and "pathspec" in cold.stderr.splitlines()[-1]
        assert warm.stderr.splitlines()[-1] == "[]"


def test_a_replayed_report_reads_the_rules_it_shows(tmp_path, monkeypatch):
    """A replayed run's text report shows fixable findings by their rule's autofix, read from the rule files then
    (here: the parsed rules the cache keeps, `kept_rules`, removed); a rule file unreadable by then stops the run
    like a malformed one (exit 2, one line)."""
    from click.testing import CliRunner

    from twelvefactor_lint.cli import main
    from twelvefactor_lint.judge import catalogue, shipped_rules

    monkeypatch.setattr(shipped_rules, "read", lambda directory: {})  # the rules parsed from their files, not as shipped
    project = write_tree(tmp_path / "project", {"app.py": "X = 1\n",
                                                "Dockerfile": "FROM python:3.12-slim\nCMD gunicorn app:app\n"})
    _age(project)
    command = ["check", "--exit-zero", "--cache-dir", str(tmp_path / "cache"), str(project)]
    cold = CliRunner().invoke(main, command)
    assert cold.exit_code == 0 and "fixable with --fix" in cold.output
    for kept in (tmp_path / "cache" / "projects").glob("*.rules"):
        kept.unlink()
    read: list[Path] = []
    real = catalogue.load_rule
    monkeypatch.setattr(catalogue, "load_rule", lambda source, *args: read.append(source) or real(source, *args))
    assert CliRunner().invoke(main, [*command[:1], "--format", "json", *command[1:]]).exit_code == 0
    assert not read  # a replayed JSON report needs no rule metadata
    assert CliRunner().invoke(main, command).output == cold.output and read
    for kept in (tmp_path / "cache" / "projects").glob("*.rules"):
        kept.unlink()

    def unreadable(source, *args):
        raise catalogue.CatalogueError(f"{source}: cannot read rule: permission denied")

    monkeypatch.setattr(catalogue, "load_rule", unreadable)
    failed = CliRunner().invoke(main, command)
    assert failed.exit_code == 2 and failed.output.startswith("12f-lint: error: rule catalogue: ")
