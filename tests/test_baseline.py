"""Baselines: accept today's findings, report only new ones, and say when the baseline can shrink."""

from __future__ import annotations

import json

from conftest import write_tree
from report_projects import MIXED, cli, json_report

NEW_STATE = """\
from flask import Flask
app = Flask(__name__)
ORDERS = []

@app.post("/order")
def order():
    ORDERS.append(1)
    return "ok"
"""


def write_baseline(project, baseline) -> None:
    result = cli("check", "--write-baseline", str(baseline), str(project))
    assert result.exit_code == 0, result.output
    assert f"wrote 2 findings to the baseline {baseline}" in result.stderr


def test_written_baseline_lists_the_active_findings(tmp_path):
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, MIXED)
    write_baseline(project, baseline)
    data = json.loads(baseline.read_text())
    assert data["format"] == "12f-lint baseline" and data["version"] == 1
    report = json_report(project)
    assert [(e["rule"], e["path"], e["fingerprint"], e["line"]) for e in data["findings"]] == [
        (f["rule"], f["path"], f["fingerprint"], f["line"]) for f in report["findings"]]


def test_baselined_findings_are_not_reported_and_exit_0(tmp_path):
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, MIXED)
    write_baseline(project, baseline)
    result = cli("check", "--baseline", str(baseline), str(project))
    assert result.exit_code == 0, result.output
    assert "TF601" not in result.stdout
    assert "3 suppressed" in result.stdout  # the inline one and the two the baseline accepted


def test_only_new_findings_are_reported(tmp_path):
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, MIXED)
    write_baseline(project, baseline)
    write_tree(project, {"shop/orders.py": NEW_STATE})
    report = json_report(project, "--baseline", str(baseline))
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("shop/orders.py", 7)]
    assert report["baseline"] == {"path": str(baseline), "matched": 2, "fixed": [], "stale": []}


def test_matching_survives_edits_that_move_lines(tmp_path):
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, MIXED)
    write_baseline(project, baseline)
    app = project / "shop" / "app.py"
    app.write_text('"""The shop."""\nimport os\n\n' + app.read_text())
    logs = project / "shop" / "logs.py"
    logs.write_text("# logging set-up\n" + logs.read_text())
    result = cli("check", "--baseline", str(baseline), str(project))
    assert result.exit_code == 0, result.stdout


def test_fixed_entries_are_reported_so_the_baseline_can_shrink(tmp_path):
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, MIXED)
    write_baseline(project, baseline)
    (project / "shop" / "logs.py").write_text("import logging\nlogging.basicConfig()\n")
    result = cli("check", "--baseline", str(baseline), str(project))
    assert result.exit_code == 0
    assert "baseline: 1 accepted; 1 entry fixed" in result.stdout
    assert "fixed: shop/logs.py:2 TF1101" in result.stdout
    report = json_report(project, "--baseline", str(baseline))
    assert [(e["rule"], e["path"]) for e in report["baseline"]["fixed"]] == [("TF1101", "shop/logs.py")]
    github = cli("check", "--format", "github", "--baseline", str(baseline), str(project)).stdout
    assert "::notice file=shop/logs.py,line=2,title=baseline entry fixed::TF1101 is in the baseline but no longer found" in github


def test_stale_entries_are_a_notice(tmp_path):
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, MIXED)
    write_baseline(project, baseline)
    (project / "shop" / "logs.py").unlink()
    report = json_report(project, "--baseline", str(baseline))
    assert report["findings"] == []
    assert [e["path"] for e in report["baseline"]["stale"]] == ["shop/logs.py"]
    assert report["baseline"]["fixed"] == []
    assert "1 stale" in cli("check", "--baseline", str(baseline), str(project)).stdout


def test_entries_outside_the_run_are_neither_fixed_nor_stale(tmp_path):
    """A run over some files or some rules says nothing about the others' entries."""
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, {**MIXED, ".12f-lint.toml": ""})
    write_baseline(project, baseline)
    only_app = json_report(project / "shop" / "app.py", "--baseline", str(baseline))
    assert only_app["baseline"]["fixed"] == [] and only_app["baseline"]["stale"] == []
    only_tf6 = json_report(project, "--select", "TF6", "--baseline", str(baseline))
    assert only_tf6["baseline"]["fixed"] == []


def test_baseline_from_the_config_is_relative_to_it(tmp_path):
    project = tmp_path / "p"
    write_tree(project, {**MIXED, ".12f-lint.toml": 'baseline = "ci/12f-baseline.json"\n'})
    (project / "ci").mkdir()
    assert cli("check", "--write-baseline", str(project / "ci" / "12f-baseline.json"), str(project)).exit_code == 0
    assert cli("check", str(project)).exit_code == 0
    write_tree(project, {"shop/orders.py": NEW_STATE})
    assert cli("check", str(project)).exit_code == 1


def test_suppressed_by_the_baseline_is_external_in_sarif(tmp_path):
    project, baseline = tmp_path / "p", tmp_path / "baseline.json"
    write_tree(project, MIXED)
    write_baseline(project, baseline)
    sarif = json.loads(cli("check", "--format", "sarif", "--baseline", str(baseline), str(project)).stdout)
    results = sarif["runs"][0]["results"]
    kinds = {(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["suppressions"][0]["kind"]) for r in results}
    assert kinds == {(8, "external"), (13, "inSource"), (2, "external")}


def test_writing_a_baseline_ignores_the_configured_one(tmp_path):
    project = tmp_path / "p"
    write_tree(project, {**MIXED, ".12f-lint.toml": 'baseline = "b.json"\n'})
    assert cli("check", "--write-baseline", str(project / "b.json"), str(project)).exit_code == 0
    write_tree(project, {"shop/orders.py": NEW_STATE})
    result = cli("check", "--write-baseline", str(project / "b.json"), str(project))
    assert "wrote 3 findings" in result.stderr


def test_missing_or_malformed_baseline_exits_2(tmp_path):
    write_tree(tmp_path, MIXED)
    missing = cli("check", "--baseline", str(tmp_path / "nope.json"), str(tmp_path))
    assert missing.exit_code == 2 and "baseline file not found" in missing.stderr and "--write-baseline" in missing.stderr
    (tmp_path / "bad.json").write_text('{"findings": 3}')
    bad = cli("check", "--baseline", str(tmp_path / "bad.json"), str(tmp_path))
    assert bad.exit_code == 2 and "not a 12f-lint baseline" in bad.stderr
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_config_baseline_must_be_a_path(tmp_path):
    write_tree(tmp_path, {".12f-lint.toml": "baseline = 3\n"})
    result = cli("check", str(tmp_path))
    assert result.exit_code == 2 and "`baseline` must be a file path" in result.stderr
