"""The facts cache: facts round-trip exactly, hits skip the analyzers, and the cache never lies,
never breaks a run and never writes into the scanned tree."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from twelvefactor_lint import catalogue as catalogue_module
from twelvefactor_lint.discovery import discover
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.runner import analyze_file
from twelvefactor_lint.sources import DEFAULT_MAX_FILE_SIZE


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
