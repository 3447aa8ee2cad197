"""bench/accuracy/history.py pools each rotated report half's last report-time state: the runs and
judgments its parent commit held, never what the tune half became after tuning on it."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from conftest import accuracy_script


@pytest.fixture(scope="module")
def history():
    return accuracy_script("history")


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True)


def _half(root, findings, judgments):
    base = root / "bench" / "accuracy"
    for kind in ("labels", "runs"):
        (base / kind / "report").mkdir(parents=True, exist_ok=True)
    (base / "labels" / "report" / "o__app.yaml").write_text(yaml.safe_dump({"repo": "o/app", "judgments": judgments}))
    (base / "runs" / "report" / "o__app.json").write_text(json.dumps({"findings": findings}))
    (base / "runs" / "report" / "META.json").write_text("{}")


def _rotate(root):
    """Move the report half into tune the way a rotation does: its META.json goes."""
    _git(root, "rm", "-q", "-r", "bench/accuracy/runs/report", "bench/accuracy/labels/report")
    _git(root, "commit", "-q", "-m", "rotate")


def _finding(rule, severity, line, fingerprint):
    return {"rule": rule, "severity": severity, "path": "app.py", "line": line, "fingerprint": fingerprint}


def test_rotated_halves_are_read_as_they_stood_before_rotation(tmp_path, history):
    _git(tmp_path, "init", "-q")
    _half(tmp_path, [_finding("TF601", "error", 3, "a"), _finding("TF302", "warning", 9, "b"),
                     _finding("TF302", "info", 12, "c")],
          [{"rule": "TF601", "path": "app.py", "line": 3, "fingerprint": "a", "verdict": False},
           {"rule": "TF302", "path": "app.py", "line": 9, "fingerprint": "b", "verdict": "true"}])
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "round one")
    _rotate(tmp_path)
    _half(tmp_path, [_finding("TF302", "warning", 9, "z")], [])
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "round two, run but not judged")
    _rotate(tmp_path)

    first, second = history.rotations(tmp_path)
    one = history.judged_findings(tmp_path, f"{first}^")
    assert history.table(one) == {"TF302": {"warning": {"true": 1}}, "TF601": {"error": {"false": 1}}}
    assert history.table(history.judged_findings(tmp_path, f"{second}^")) == {"TF302": {"warning": {"unjudged": 1}}}


def test_a_repository_without_rotations_has_no_history(tmp_path, history):
    _git(tmp_path, "init", "-q")
    (tmp_path / "f").write_text("x")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "start")
    assert history.rotations(tmp_path) == []
