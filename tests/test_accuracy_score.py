"""bench/accuracy/score.py computes the issue-12 figures exactly: strict precision (noisy counts
false), error-only precision, recall per factor at warning+ and at any severity, and it lists
every unjudged warning+ finding; malformed labels exit 2."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import accuracy_script

A, B = "a" * 40, "b" * 40


@pytest.fixture(scope="module")
def score():
    return accuracy_script("score")


def _finding(rule, factor, severity, path, line, fingerprint):
    return {"rule": rule, "factor": factor, "severity": severity, "path": path, "line": line,
            "fingerprint": fingerprint, "message": "m"}


def _corpus(root, labels_one, findings_one, labels_two=None, findings_two=()):
    (root / "corpus.yaml").write_text(yaml.safe_dump({"repos": [
        {"repo": "o/one", "commit": A, "half": "tune", "stack": ["flask"]},
        {"repo": "o/two", "commit": B, "half": "tune", "stack": []},
        {"repo": "o/three", "commit": B, "half": "report", "stack": []}]}))
    for slug, labels, findings in (("o__one", labels_one, findings_one), ("o__two", labels_two, findings_two)):
        (root / "labels" / "tune").mkdir(parents=True, exist_ok=True)
        (root / "runs" / "tune").mkdir(parents=True, exist_ok=True)
        if labels is not None:
            (root / "labels" / "tune" / f"{slug}.yaml").write_text(yaml.safe_dump(labels))
            (root / "runs" / "tune" / f"{slug}.json").write_text(json.dumps({"findings": list(findings)}))


ONE_FINDINGS = [
    _finding("TF601", "VI", "error", "app.py", 10, "f1"),     # judged true by fingerprint
    _finding("TF601", "VI", "error", "app.py", 30, "f2"),     # judged false by rule+path+line
    _finding("TF1103", "XI", "warning", "run.sh", 4, "f3"),   # judged noisy
    _finding("TF901", "IX", "warning", "Dockerfile", 9, "f4"),  # nobody judged it
    _finding("TF402", "IV", "info", "settings.py", 5, "f5"),  # info: not graded, reaches recall at any severity
    _finding("TF309", "III", "warning", "settings.py", 50, "f6"),  # judged true; reaches the rule-matched label
]
ONE_LABELS = {
    "repo": "o/one", "commit": A,
    "expected": [
        {"path": "app.py", "line": 12, "factor": "VI", "what": "module dict mutated"},          # found (±3)
        {"path": "app.py", "line": 60, "factor": "VI", "what": "too far from any finding"},     # missed
        {"path": "run.sh", "lines": [1, 2], "factor": "XI", "what": "log file"},               # found (2+3 >= 4)
        {"path": "settings.py", "line": 5, "factor": "IV", "what": "db locator"},              # any-severity only
        {"path": "settings.py", "line": 1, "factor": "III", "rule": "TF309", "what": "secret"},  # by rule
        {"path": "Dockerfile", "line": 9, "factor": "VI", "what": "wrong factor"},             # missed
    ],
    "judgments": [
        {"rule": "TF601", "path": "app.py", "line": 10, "fingerprint": "f1", "verdict": True, "why": "w"},
        {"rule": "TF601", "path": "app.py", "line": 30, "verdict": False, "why": "w"},
        {"rule": "TF1103", "path": "run.sh", "line": 4, "fingerprint": "f3", "verdict": "noisy", "why": "w"},
        {"rule": "TF309", "path": "settings.py", "line": 50, "fingerprint": "old", "verdict": True, "why": "w"},
        {"rule": "TF999", "path": "gone.py", "line": 1, "verdict": True, "why": "no finding any more"},
    ],
}


def test_figures_are_exact(score, tmp_path):
    _corpus(tmp_path, ONE_LABELS, ONE_FINDINGS)
    result = score.score_half(tmp_path, "tune")
    assert result["repos_scored"] == 1
    assert result["missing"] == [{"repo": "o/two", "labels": False, "run": False}]
    warning = result["precision"]["warning+"]
    assert (warning["true"], warning["false"], warning["noisy"], warning["judged"]) == (2, 1, 1, 4)
    assert warning["strict"] == 0.5 and warning["lenient"] == 0.75
    error = result["precision"]["error"]
    assert (error["true"], error["false"], error["noisy"], error["strict"]) == (1, 1, 0, 0.5)
    assert result["by_rule"] == {"TF1103": {"true": 0, "false": 0, "noisy": 1}, "TF309": {"true": 1, "false": 0, "noisy": 0},
                                 "TF601": {"true": 1, "false": 1, "noisy": 0}}
    assert result["recall"] == {
        "III": {"expected": 1, "found_warning+": 1, "found_any": 1},
        "IV": {"expected": 1, "found_warning+": 0, "found_any": 1},
        "VI": {"expected": 3, "found_warning+": 1, "found_any": 1},
        "XI": {"expected": 1, "found_warning+": 1, "found_any": 1},
    }
    assert result["recall_total"] == {"expected": 6, "found_warning+": 3, "found_any": 4}
    assert [(u["rule"], u["path"], u["line"]) for u in result["unjudged"]] == [("TF901", "Dockerfile", 9)]
    assert result["stale_judgments"] == [{"repo": "o/one", "rule": "TF999", "path": "gone.py", "line": 1}]
    assert [(m["path"], m["line"]) for m in result["missed"]] == [("app.py", 60), ("settings.py", 5), ("Dockerfile", 9)]


def test_two_findings_on_one_line_take_one_judgment_each(score):
    findings = [_finding("TF609", "VI", "error", "Dockerfile", 3, "x"), _finding("TF609", "VI", "error", "Dockerfile", 3, "y")]
    judgments = [{"rule": "TF609", "path": "Dockerfile", "line": 3, "verdict": True, "why": "w"}]
    paired = score.match_judgments(findings, judgments)
    assert [j is not None for _, j in paired] == [True, False]


@pytest.mark.parametrize("judged_at, said, now, holds", [
    ("error", "noisy", "warning", False),   # "wrong severity" may be right once lowered: judge again
    ("error", "true", "warning", True),     # true at error stays true lower down
    ("warning", "true", "error", False),    # raised: is it sure and harmful? judge again
    ("warning", "false", "error", True),    # no problem at any severity
    (None, "noisy", "error", True),         # judged before judgments named a severity
])
def test_a_judgment_holds_at_another_severity_only_when_its_verdict_cannot_change(score, judged_at, said, now, holds):
    judgment = {"rule": "TF609", "path": "Dockerfile", "line": 3, "fingerprint": "x", "verdict": said, "why": "w"}
    if judged_at:
        judgment["severity"] = judged_at
    [(_, paired)] = score.match_judgments([_finding("TF609", "VI", now, "Dockerfile", 3, "x")], [judgment])
    assert (paired is judgment) is holds


def test_text_and_json_output(score, tmp_path, capsys):
    _corpus(tmp_path, ONE_LABELS, ONE_FINDINGS)
    assert score.main(["--root", str(tmp_path), "--half", "tune"]) == 0
    text = capsys.readouterr().out
    assert "precision warning+: strict  50.0% (2/4), lenient  75.0%" in text
    assert "UNJUDGED warning+ findings: 1\n  o/one Dockerfile:9 TF901 [warning] f4" in text
    assert score.main(["--root", str(tmp_path), "--half", "tune", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["precision"]["error"]["judged"] == 2


@pytest.mark.parametrize("broken, message", [
    ({"commit": B}, "commit is"),
    ({"expected": [{"path": "a.py", "line": 0, "factor": "VI", "what": "w"}]}, "needs line"),
    ({"expected": [{"path": "a.py", "lines": [5, 2], "factor": "VI", "what": "w"}]}, "needs line"),
    ({"expected": [{"path": "a.py", "line": 3, "factor": "6", "what": "w"}]}, "roman numeral"),
    ({"expected": [{"path": "a.py", "line": 3, "factor": "VI", "rule": "601", "what": "w"}]}, "look like TF601"),
    ({"judgments": [{"rule": "TF601", "path": "a.py", "line": 3, "verdict": "maybe", "why": "w"}]}, "verdict"),
    ({"judgments": [{"rule": "TF601", "path": "a.py", "line": 3, "verdict": True}]}, "why"),
    ({"judgments": {"rule": "TF601"}}, "not a list"),
])
def test_malformed_labels_exit_2_and_say_why(score, tmp_path, capsys, broken, message):
    _corpus(tmp_path, {**ONE_LABELS, **broken}, ONE_FINDINGS)
    assert score.main(["--root", str(tmp_path), "--half", "tune"]) == 2
    assert message in capsys.readouterr().err


def test_labels_without_a_run_are_checked_too(score, tmp_path, capsys):
    """Labellers write labels before any run exists: a file that is not YAML must fail then, not when it is run."""
    _corpus(tmp_path, ONE_LABELS, ONE_FINDINGS)
    (tmp_path / "runs" / "tune" / "o__one.json").unlink()
    (tmp_path / "labels" / "tune" / "o__one.yaml").write_text("expected:\n  - what: a: b\n")
    assert score.main(["--root", str(tmp_path), "--half", "tune"]) == 2
    assert "o__one.yaml: not YAML" in capsys.readouterr().err


def test_runs_of_another_linter_score_against_the_same_labels(score, tmp_path, capsys):
    _corpus(tmp_path, ONE_LABELS, ONE_FINDINGS)
    baseline = tmp_path / "baseline" / "tune"
    baseline.mkdir(parents=True)
    (baseline / "o__one.json").write_text(json.dumps({"findings": [ONE_FINDINGS[0]]}))
    assert score.main(["--half", "tune", "--json", "--root", str(tmp_path), "--runs", str(tmp_path / "baseline")]) == 0
    result = json.loads(capsys.readouterr().out)[0]
    assert result["precision"]["warning+"]["judged"] == 1 and result["precision"]["warning+"]["true"] == 1
    assert result["recall_total"]["found_any"] == 1


def test_lost_since_lists_what_earlier_runs_found_at_warning_and_these_miss(score, tmp_path, capsys):
    _corpus(tmp_path, ONE_LABELS, ONE_FINDINGS)
    earlier = tmp_path / "baseline" / "tune"
    earlier.mkdir(parents=True)
    too_far = _finding("TF601", "VI", "warning", "app.py", 61, "old")  # reaches the label the current run misses
    (earlier / "o__one.json").write_text(json.dumps({"findings": [too_far]}))
    args = ["--half", "tune", "--root", str(tmp_path), "--lost-since", str(tmp_path / "baseline")]
    assert score.main([*args, "--json"]) == 0
    lost = json.loads(capsys.readouterr().out)[0]["lost_since"]
    assert [(m["path"], m["line"], m["what"]) for m in lost] == [("app.py", 60, "too far from any finding")]
    assert score.main(args) == 0
    assert "found at warning+ by the earlier runs, missed now: 1\n  o/one app.py:60 [VI]" in capsys.readouterr().out
