"""GitLab Code Quality JSON, validated against a schema written from GitLab's documented format."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import REPO, write_tree
from report_projects import MIXED, cli

SCHEMA = json.loads((REPO / "tests" / "schemas" / "gitlab-code-quality.json").read_text())


def validate(report) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_the_schema_rejects_what_gitlab_would_not_read():
    good = {"description": "d", "check_name": "c", "fingerprint": "f", "severity": "minor",
            "location": {"path": "a.py", "lines": {"begin": 1}}}
    validate([good])
    for broken in ({**good, "severity": "error"}, {**good, "location": {"path": "a.py"}},
                   {k: v for k, v in good.items() if k != "fingerprint"},
                   {**good, "location": {"path": "/abs.py", "lines": {"begin": 1}}}):
        with pytest.raises(jsonschema.ValidationError):
            validate([broken])


def test_a_finding_per_issue_with_unique_fingerprints(tmp_path):
    write_tree(tmp_path, {**MIXED, ".git/HEAD": ""})
    result = cli("--format", "gitlab", str(tmp_path))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    validate(report)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in report] == [
        ("TF601 mutable-module-state", "major", "shop/app.py", 8),
        ("TF1101 log-to-file", "minor", "shop/logs.py", 2),
    ]
    assert len({i["fingerprint"] for i in report}) == len(report)
    json_report = json.loads(cli("--format", "json", str(tmp_path)).stdout)
    assert {i["fingerprint"] for i in report} == {f["fingerprint"] for f in json_report["findings"]}


def test_paths_are_from_the_repository_top_when_the_project_sits_lower(tmp_path):
    write_tree(tmp_path, {".git/HEAD": "", "svc/pyproject.toml": "[tool.12f-lint]\n",
                          **{f"svc/{k}": v for k, v in MIXED.items()}})
    report = json.loads(cli("--format", "gitlab", str(tmp_path / "svc")).stdout)
    validate(report)
    assert {i["location"]["path"] for i in report} == {"svc/shop/app.py", "svc/shop/logs.py"}


def test_fixture_and_clean_reports_are_valid(tmp_path):
    validate(json.loads(cli("--format", "gitlab", str(REPO / "fixtures" / "flask_shop")).stdout))
    write_tree(tmp_path, {"app.py": "VALUE = 1\n"})
    assert json.loads(cli("-o", f"gitlab:{tmp_path}/cq.json", str(tmp_path)).exit_code == 0 and
                      (tmp_path / "cq.json").read_text()) == []
