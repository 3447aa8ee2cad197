"""Golden snapshots of whole outputs: every fixture's JSON and text reports and process inventory, and the
findings of every rule's bad examples. A refactor must leave them byte-identical; a deliberate change
rewrites them and is reviewed as a diff:

    TF_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, write_tree

from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.runner import run

SNAPSHOTS = Path(__file__).parent / "snapshots"
FIXTURES = sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir())
UPDATE = os.environ.get("TF_UPDATE_SNAPSHOTS") == "1"


def _check(name: str, text: str) -> None:
    text = text.replace(f"Python {sys.version_info[0]}.{sys.version_info[1]}", "Python <running>")
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: run with TF_UPDATE_SNAPSHOTS=1 and review the new file"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review, then update (see module docstring)"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_report(fixture):
    report = json.loads(_cli("--no-cache", "--format", "json", str(REPO / "fixtures" / fixture)))
    report["root"] = f"fixtures/{fixture}"
    report["version"] = "<version>"
    _check(f"{fixture}.report.json", json.dumps(report, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_text(fixture, monkeypatch):
    """The terminal's report: one short line per finding (the headline), then the summary."""
    monkeypatch.chdir(REPO / "fixtures" / fixture)
    _check(f"{fixture}.text.txt", _cli("--no-cache", "--no-color", "."))


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_processes(fixture):
    _check(f"{fixture}.processes.txt", _cli("processes", str(REPO / "fixtures" / fixture)))


def test_rule_bad_examples(tmp_path):
    """Rule, line, severity and message of what each bad example yields, rule by rule."""
    catalogue = catalogue_module.load()
    out: dict[str, list[str]] = {}
    for rule in catalogue.rules:
        for number, example in enumerate(rule.bad, start=1):
            root = tmp_path / f"{rule.id}-{number}"
            write_tree(root, {f.path: f.code for f in example.files})
            result = run([root], Settings(root=root, select=(rule.id,)), catalogue)
            out[f"{rule.id} bad {number}"] = [
                f"{f.path}:{f.line}:{f.column} {f.rule} [{f.severity}] {f.message}" for f in result.findings]
    _check("rule_bad_examples.json", json.dumps(out, indent=1, sort_keys=True) + "\n")
