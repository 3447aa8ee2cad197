"""docs/state-of-twelve-factor.md: every figure in it is what docs/study.py computes from the committed
summary, and the summary carries no code of the repositories studied."""

from __future__ import annotations

import importlib.util
import json

from audit_fleet import generated_records
from conftest import REPO


def _study():
    spec = importlib.util.spec_from_file_location("study", REPO / "docs" / "study.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_published_figures_are_the_scripts_output():
    study = _study()
    summary = json.loads(study.SUMMARY.read_text(encoding="utf-8"))
    document = (REPO / "docs" / "state-of-twelve-factor.md").read_text(encoding="utf-8")
    assert study.figures(summary) in document
    assert len([r for r in summary["repositories"] if r["status"] == "ok"]) >= 150


def test_the_summary_keeps_counts_and_drops_findings_and_paths():
    audit = {"format": "12f-lint audit", "schema_version": 1, "tool": {"name": "12f-lint", "version": "0"},
             "rule_selection": {"config": "", "rules": ["TF601"]}, "totals": {},
             "run": {"mode": "local", "started_at": "", "finished_at": "", "duration_seconds": 1.0, "durations": {"x": 1}},
             "repositories": generated_records(5)}
    summary = _study().summarise(audit)
    text = json.dumps(summary)
    assert all("findings" not in r and "source" not in r for r in summary["repositories"])
    assert "/fleet/" not in text and "is wrong" not in text  # no local paths, no finding messages
    assert [r["findings_total"] for r in summary["repositories"]] == [r["findings_total"] for r in audit["repositories"]]
