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


def _half(root, slug, findings, judgments):
    base = root / "bench" / "accuracy"
    for kind in ("labels", "runs"):
        (base / kind / "report").mkdir(parents=True, exist_ok=True)
    (base / "labels" / "report" / f"{slug}.yaml").write_text(yaml.safe_dump({"repo": slug, "judgments": judgments}))
    (base / "runs" / "report" / f"{slug}.json").write_text(json.dumps({"findings": findings}))


def _rotate(root, *slugs):
    """Move report repositories into tune the way a rotation does: their labels and runs are renamed."""
    for slug in slugs:
        for kind, ext in (("labels", "yaml"), ("runs", "json")):
            (root / "bench" / "accuracy" / kind / "tune").mkdir(parents=True, exist_ok=True)
            _git(root, "mv", f"bench/accuracy/{kind}/report/{slug}.{ext}", f"bench/accuracy/{kind}/tune/{slug}.{ext}")
    _git(root, "commit", "-q", "-m", "rotate")


def _finding(rule, severity, line, fingerprint):
    return {"rule": rule, "severity": severity, "path": "app.py", "line": line, "fingerprint": fingerprint}


def _commit(root, message):
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)


def test_rotated_repositories_are_read_as_they_stood_before_rotation(tmp_path, history):
    _git(tmp_path, "init", "-q")
    _half(tmp_path, "o__app", [_finding("TF601", "error", 3, "a"), _finding("TF302", "warning", 9, "b"),
                               _finding("TF302", "info", 12, "c")],
          [{"rule": "TF601", "path": "app.py", "line": 3, "fingerprint": "a", "verdict": False},
           {"rule": "TF302", "path": "app.py", "line": 9, "fingerprint": "b", "verdict": "true"}])
    _commit(tmp_path, "round one")
    _half(tmp_path, "o__next", [_finding("TF1101", "warning", 4, "n")],
          [{"rule": "TF1101", "path": "app.py", "line": 4, "fingerprint": "n", "verdict": "true"}])
    _commit(tmp_path, "round two labelled and judged while round one still reports")
    _rotate(tmp_path, "o__app")
    _half(tmp_path, "o__late", [_finding("TF302", "warning", 9, "z")], [])
    _commit(tmp_path, "round three, run but not judged")
    _rotate(tmp_path, "o__next", "o__late")

    found = history.rotations(tmp_path)
    (first, first_slugs), (second, second_slugs) = found.items()
    assert first_slugs == {"o__app"} and second_slugs == {"o__next", "o__late"}
    one = history.judged_findings(tmp_path, f"{first}^", first_slugs)
    assert history.table(one) == {"TF302": {"warning": {"true": 1}}, "TF601": {"error": {"false": 1}}}
    assert history.table(history.judged_findings(tmp_path, f"{second}^", second_slugs)) == {
        "TF1101": {"warning": {"true": 1}}, "TF302": {"warning": {"unjudged": 1}}}


def test_a_repository_without_rotations_has_no_history(tmp_path, history):
    _git(tmp_path, "init", "-q")
    (tmp_path / "f").write_text("x")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "start")
    assert history.rotations(tmp_path) == {}
